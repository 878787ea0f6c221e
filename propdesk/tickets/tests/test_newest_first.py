"""The newest tickets saying some words, span by span (tickets.paging.NewestFirst): the page
and the count are always the plain list's, whether the first span holds the page or not."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from propdesk.tickets import paging, services
from propdesk.tickets.services import TicketFilter
from propdesk.tickets.tests.helpers import register


def plain_numbers(world, f, start, stop):
    qs = services.filter_tickets(services.tickets_for(world.agent), f)
    return list(qs.order_by(*paging.NEWEST).values_list("number", flat=True)[start:stop])


def newest(world, f, now):
    mine = services.tickets_for(world.agent)
    return paging.NewestFirst(
        lambda since: services.filter_tickets(mine, replace(f, received_since=since)), [], now
    )


def test_a_page_the_first_span_holds_is_the_lists_page(world, now):
    # Four old leaks (a year ago) and three of this week: the newest three come first.
    for days in (400, 390, 380, 370):
        register(world, now - timedelta(days=days), description=f"楼上漏水第{days}天")
    for hours in (50, 30, 10):
        register(world, now - timedelta(hours=hours), description=f"楼上漏水{hours}小时")
    register(world, now - timedelta(hours=5), description="电梯困人")
    f = TicketFilter(text="漏水", project_ids=world.agent.project_ids)

    listed = newest(world, f, now)
    assert [t.number for t in listed[0:2]] == plain_numbers(world, f, 0, 2)
    # Read from the first span alone: one query for the page's ids, the month's matches.
    with CaptureQueriesContext(connection) as first_span:
        listed.ids(0, 2)
    assert len(first_span.captured_queries) == 1
    assert "received_at" in first_span.captured_queries[0]["sql"]
    # A page reaching past the recent span is read from the longer spans, then the whole list.
    assert [t.number for t in listed[0:6]] == plain_numbers(world, f, 0, 6)
    assert [t.number for t in listed[2:7]] == plain_numbers(world, f, 2, 7)
    assert [t.number for t in listed[5:20]] == plain_numbers(world, f, 5, 20)
    assert listed.bounded_count() == (7, True)
    assert listed.bounded_count(limit=2) == (2, False)  # "2+": the recent span says enough
    assert listed.bounded_count(limit=5) == (5, False)


def test_the_api_and_the_queue_list_the_newest_matches_first(world, now, client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(paging, "WIDE_SCOPE", 0)  # this scope of one project reads by spans

    real_now = timezone.now()
    old = register(world, real_now - timedelta(days=100), description="水管漏水很久了")
    new = register(world, real_now - timedelta(days=1), description="卫生间漏水")
    client.force_login(world.supervisor)

    answer = client.get("/api/v1/tickets", {"text": "漏水"}).json()
    assert [t["number"] for t in answer["items"]] == [new.number, old.number]
    assert (answer["count"], answer["count_is_exact"]) == (2, True)
    page = client.get("/queues/all/", {"text": "漏水"}).content.decode()
    assert page.index(new.number) < page.index(old.number)


def test_the_count_and_the_first_page_read_each_span_once(world, now):
    for hours in (50, 40, 30, 20, 10):
        register(world, now - timedelta(hours=hours), description=f"电梯停了{hours}小时")
    register(world, now - timedelta(days=200), description="电梯停了很久")
    f = TicketFilter(text="电梯", project_ids=world.agent.project_ids)

    # Past the limit in the month: "3+" from one query, whose head holds the first page.
    listed = newest(world, f, now)
    with CaptureQueriesContext(connection) as counted:
        assert listed.bounded_count(limit=3) == (3, False)
        first_page = listed.ids(0, 2)
    assert len(counted.captured_queries) == 1
    plain = services.filter_tickets(services.tickets_for(world.agent), f).order_by(*paging.NEWEST)
    assert first_page == list(plain.values_list("pk", flat=True)[0:2])
    # A page past the head is read from the span itself.
    assert [t.number for t in listed[3:5]] == plain_numbers(world, f, 3, 5)

    # Under the limit everywhere: each span is read whole once, and the pages come from them.
    listed = newest(world, f, now)
    expected = list(plain.values_list("pk", flat=True)[0:5])
    with CaptureQueriesContext(connection) as counted:
        assert listed.bounded_count(limit=50) == (6, True)
    spans_read = len(counted.captured_queries)
    assert spans_read == len(paging.SPANS) + 1
    with CaptureQueriesContext(connection) as paged:
        assert listed.ids(0, 5) == expected
        assert len(listed.ids(4, 10)) == 2  # past the month: the longer spans' heads
    assert len(paged.captured_queries) == 0
    assert [t.number for t in listed[0:10]] == plain_numbers(world, f, 0, 10)
