"""Queue pages: what each queue holds, filters, sort, clocks shown as time left, saved filters,
bulk dispatch, search, and a bounded number of queries per page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.tickets.models import SavedFilter
from propdesk.tickets.tests.helpers import register, walk


@pytest.fixture
def earlier():
    return timezone.now() - timedelta(hours=1)


def numbers_on(response) -> set[str]:
    import re

    return set(re.findall(r"SZHY-\d{8}-\d{4}", response.content.decode()))


def test_each_queue_holds_its_tickets(world, client, earlier):
    fresh = register(world, earlier)
    accepted = walk(world, earlier, "accepted")
    resolved = walk(world, earlier, "resolved")
    client.force_login(world.supervisor)
    assert numbers_on(client.get("/queues/unassigned/")) == {fresh.number}
    assert numbers_on(client.get("/queues/to_dispatch/")) == {accepted.number}
    assert numbers_on(client.get("/queues/callback/")) == {resolved.number}
    everything = client.get("/queues/all/")
    assert numbers_on(everything) == {fresh.number, accepted.number, resolved.number}
    client.force_login(world.agent)
    assert {fresh.number, accepted.number} <= numbers_on(client.get("/queues/mine/"))


def test_filters_and_sort_and_an_error_named(world, client, earlier):
    lift = register(world, earlier, category="FAC-ELEV")
    litter = register(world, earlier, category="ENV-CLEAN", description="楼道垃圾没人清")
    client.force_login(world.supervisor)
    assert numbers_on(client.get("/queues/all/", {"category": "ENV-CLEAN"})) == {litter.number}
    assert numbers_on(client.get("/queues/all/", {"text": "垃圾"})) == {litter.number}
    ordered = client.get("/queues/all/", {"sort": "number"}).content.decode()
    assert ordered.index(lift.number) < ordered.index(litter.number)
    bad = client.get("/queues/all/", {"grade": "9"})
    assert bad.status_code == 400
    assert "等级“9”无效" in bad.content.decode()


def test_clocks_show_time_left_in_colour(world, client, earlier):
    register(world, earlier)
    client.force_login(world.supervisor)
    page = client.get("/queues/all/").content.decode()
    assert 'class="time-left' in page
    assert "剩" in page or "超时" in page


def test_an_outsider_sees_none_of_another_projects_tickets(world, client, earlier):
    register(world, earlier)
    client.force_login(world.outsider)
    assert numbers_on(client.get("/queues/all/")) == set()


def test_saved_filters_come_back_by_name(world, client):
    client.force_login(world.supervisor)
    client.post("/queues-saved/", {"name": "电梯", "queue": "all", "query": "category=FAC-ELEV"})
    saved = SavedFilter.objects.get(user=world.supervisor)
    assert saved.url == "/queues/all/?category=FAC-ELEV"
    assert "电梯" in client.get("/queues/all/").content.decode()


def test_bulk_dispatch_dispatches_each_and_reports_refusals(world, client, earlier):
    one = walk(world, earlier, "accepted")
    two = walk(world, earlier, "accepted")
    fresh = register(world, earlier)  # not accepted: refused, the others go on
    client.force_login(world.supervisor)
    deadline = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        "/queues-bulk/dispatch/",
        {
            "tickets": [one.number, two.number, fresh.number],
            "department": "SZHY-ENG",
            "deadline": deadline,
            "next": "/queues/to_dispatch/",
        },
        follow=True,
    )
    page = answer.content.decode()
    assert "已派单 2 件" in page
    assert fresh.number in page  # named in the refusal
    for t in (one, two):
        t.refresh_from_db()
        assert t.status == "dispatched"


def test_agents_get_no_bulk_dispatch(world, client, earlier):
    accepted = walk(world, earlier, "accepted")
    client.force_login(world.agent)
    assert "bulk-department" not in client.get("/queues/to_dispatch/").content.decode()
    deadline = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        "/queues-bulk/dispatch/",
        {"tickets": [accepted.number], "department": "SZHY-ENG", "deadline": deadline},
        follow=True,
    )
    assert "不能执行“派单”" in refused.content.decode()  # the role refusal, named per ticket
    accepted.refresh_from_db()
    assert accepted.status == "accepted"


def test_search_opens_a_ticket_by_number_or_lists_matches(world, client, earlier):
    ticket = register(world, earlier)
    client.force_login(world.agent)
    assert client.get("/search/", {"q": ticket.number.lower()}).headers["Location"] == (
        f"/tickets/{ticket.number}/"
    )
    assert client.get("/search/", {"q": "电梯"}).headers["Location"].startswith("/queues/all/")


@pytest.mark.parametrize(
    "queue",
    ["mine", "unassigned", "to_dispatch", "due_soon", "breached", "escalated", "callback", "all"],
)
def test_a_queue_page_costs_the_same_queries_for_few_or_many_tickets(
    world, client, earlier, django_assert_max_num_queries, queue
):
    for _ in range(30):
        walk(world, earlier, "dispatched")
    client.force_login(world.supervisor)
    with django_assert_max_num_queries(14):
        assert client.get(f"/queues/{queue}/").status_code == 200


def test_sorting_by_due_puts_the_soonest_running_clock_first_and_finished_ones_last(
    world, client, earlier
):
    from propdesk.sla.models import SlaClock

    later = register(world, earlier)
    sooner = register(world, earlier)
    done = walk(world, earlier, "closed")
    SlaClock.objects.filter(ticket=later, state="running").update(
        due_at=timezone.now() + timedelta(days=3)
    )
    SlaClock.objects.filter(ticket=sooner, state="running").update(
        due_at=timezone.now() + timedelta(hours=1)
    )
    client.force_login(world.supervisor)
    page = client.get("/queues/all/", {"sort": "due"}).content.decode()
    assert page.index(sooner.number) < page.index(later.number) < page.index(done.number)


@pytest.mark.parametrize("queue", ["mine", "due_soon", "breached", "escalated", "all"])
def test_every_queue_sorts_by_due_time(world, client, earlier, queue):
    ticket = walk(world, earlier, "dispatched")
    client.force_login(world.supervisor)
    answer = client.get(f"/queues/{queue}/", {"sort": "due", "category": "FAC"})
    assert answer.status_code == 200
    if queue == "all":
        assert ticket.number in answer.content.decode()


@pytest.mark.parametrize("sort", ["received", "due"])
def test_a_queue_past_the_count_limit_says_so(world, client, earlier, monkeypatch, sort):
    """Past core.paging.COUNT_LIMIT the queue shows "N+" and lists the first N in its order
    (a person narrows the filter to see further); below it the count is exact."""
    monkeypatch.setattr("propdesk.core.paging.COUNT_LIMIT", 2)
    made = [register(world, earlier + timedelta(minutes=i)).number for i in range(3)]
    litter = register(world, earlier, category="ENV-CLEAN", description="楼道垃圾没人清")
    client.force_login(world.supervisor)
    page = client.get("/queues/all/", {"sort": sort, "category": "FAC"})
    assert "共 2+ 件" in " ".join(page.content.decode().split())
    # newest received first; or the soonest due first, which is the earliest registered
    assert numbers_on(page) == set(made[1:] if sort == "received" else made[:2])
    exact = client.get("/queues/all/", {"sort": sort, "category": "ENV"})
    assert "共 1 件" in " ".join(exact.content.decode().split())
    assert numbers_on(exact) == {litter.number}


def test_due_order_pages_run_on_from_the_timed_tickets_to_the_rest(world, earlier):
    """Tickets with a running clock come first, soonest due first, then the others newest
    first; every slice, across the boundary too, is that one order (sla.queries.DueOrder)."""
    from propdesk.sla.queries import DueOrder
    from propdesk.tickets import services
    from propdesk.tickets.models import Ticket

    made = [register(world, earlier + timedelta(minutes=i)) for i in range(5)]
    for ticket in made[1::2]:  # withdrawn: their clocks stop
        services.cancel(world.agent, ticket, reason="业主撤回", now=earlier + timedelta(hours=1))
    timed = [made[0], made[2], made[4]]  # registered earliest, so due earliest
    untimed = [made[3], made[1]]  # newest first
    expected = [t.pk for t in timed + untimed]
    order = DueOrder(Ticket.objects.filter(project=world.project))
    for start in range(6):
        for stop in range(start, 7):
            assert [r["pk"] for r in order[start:stop]] == expected[start:stop], (start, stop)


def test_bulk_dispatch_never_sends_a_person_to_another_site(world, client, earlier):
    client.force_login(world.supervisor)
    answer = client.post(
        "/queues-bulk/dispatch/", {"tickets": [], "next": "https://evil.example/queues/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/queues/to_dispatch/"
    same_site = client.post("/queues-bulk/dispatch/", {"tickets": [], "next": "/queues/all/"})
    assert same_site["Location"] == "/queues/all/"


def test_only_the_ticket_lists_stop_counting_at_the_limit(world, client, earlier, monkeypatch):
    """Queues say "2+" past the limit; a callback list of the same length counts them all."""
    monkeypatch.setattr("propdesk.core.paging.COUNT_LIMIT", 2)
    made = [walk(world, earlier + timedelta(minutes=i), "resolved").number for i in range(3)]
    client.force_login(world.supervisor)
    queue = client.get("/queues/callback/").content.decode()
    assert "共 2+ 件" in " ".join(queue.split())
    callbacks = client.get("/callbacks/", {"tab": "open"}).content.decode()
    assert all(number in callbacks for number in made)
