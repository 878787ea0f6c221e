"""New rows written by one cached INSERT (core.rows): what a save() leaves behind — ids, times
filled on saving, the column check — and the booked rows of a move written once, at the end
of its publication (tickets.lifecycle.book_rows)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from propdesk.core.errors import InvalidInput
from propdesk.core.rows import insert_rows, task_row
from propdesk.hotissues.tasks import detect_hot_issue
from propdesk.notify.models import OutboxMessage
from propdesk.tickets import lifecycle
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.tests.helpers import register

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _events(ticket, n: int, **fields) -> list[TicketEvent]:
    return [
        TicketEvent(ticket=ticket, kind="note_added", at=NOW, note=f"第 {i} 条", **fields)
        for i in range(n)
    ]


def test_new_rows_get_their_ids_in_order_and_read_back_as_written(world):
    ticket = register(world, NOW)
    events = _events(ticket, 3, data={"by": "电话"})

    written = insert_rows(events)

    assert [e.pk for e in written] == sorted(e.pk for e in written)
    for event in written:
        again = TicketEvent.objects.get(pk=event.pk)
        assert (again.note, again.at, again.data) == (event.note, NOW, {"by": "电话"})
        assert not event._state.adding


def test_more_rows_than_one_statement_takes_go_in_several(world):
    ticket = register(world, NOW)
    many = _events(ticket, 250)  # 250 × 9 columns: past SQLite's 999 parameters
    fields = [f for f in TicketEvent._meta.concrete_fields if not f.primary_key]
    per_statement = min(connection.ops.bulk_batch_size(fields, many), 65535 // len(fields))

    with CaptureQueriesContext(connection) as queries:
        insert_rows(many)

    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "tickets_ticketevent"')]
    assert len(inserts) == -(-250 // per_statement)
    assert TicketEvent.objects.filter(kind="note_added").count() == 250
    stored = dict(TicketEvent.objects.filter(kind="note_added").values_list("pk", "note"))
    assert {e.pk: e.note for e in many} == stored  # each object got its own row's id


def test_an_object_written_already_or_pointing_at_an_unsaved_one_is_refused(world):
    ticket = register(world, NOW)
    written = insert_rows(_events(ticket, 1))

    with pytest.raises(ValueError, match="written already"):
        insert_rows(written)
    with pytest.raises(ValueError, match="not saved yet"):
        insert_rows([TicketEvent(ticket=Ticket(), kind="note_added", at=NOW)])
    assert TicketEvent.objects.filter(kind="note_added").count() == 1


def test_values_of_every_kind_read_back_as_the_orm_writes_them(world):
    ticket = register(world, NOW)
    (event,) = _events(ticket, 1)
    event.kind = EventKind.PROGRESS_NOTED  # a choice, not a plain str
    event.note = gettext_lazy("已回访")  # a lazy translation
    event.data = {"amount": "12.50", "visits": [1, 2]}
    row = task_row(detect_hot_issue, [ticket.pk, "x"])

    insert_rows([event])
    insert_rows([row])

    stored = TicketEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.note) == ("progress_noted", "已回访")
    assert stored.data == {"amount": "12.50", "visits": [1, 2]}
    assert DBTaskResult.objects.get(pk=row.pk).id == row.id  # a UUID id, chosen before


def test_a_statement_of_many_rows_is_converted_for_postgresql_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's placeholders only")
    from propdesk.core import pgcursor

    ticket = register(world, NOW)
    insert_rows(_events(ticket, 8))  # 80 parameters: more than psycopg's own cache takes
    hits = pgcursor._convert_kept.cache_info().hits

    again = insert_rows(_events(ticket, 8))

    assert pgcursor._convert_kept.cache_info().hits == hits + 1
    assert TicketEvent.objects.get(pk=again[-1].pk).note == "第 7 条"


def test_times_filled_on_saving_are_filled(world):
    ticket = register(world, NOW)
    row = task_row(detect_hot_issue, [ticket.pk, NOW.isoformat()])
    assert row.enqueued_at is None

    insert_rows([row])

    assert row.enqueued_at is not None  # auto_now_add, as a save() fills it
    assert DBTaskResult.objects.get(pk=row.pk).enqueued_at == row.enqueued_at


def test_a_naive_time_is_taken_in_the_sites_zone_as_a_save_would(world, settings):
    ticket = register(world, NOW)
    (event,) = _events(ticket, 1)
    event.at = NOW.replace(tzinfo=None)

    with pytest.warns(RuntimeWarning, match="naive datetime"):
        insert_rows([event])

    assert TicketEvent.objects.get(pk=event.pk).at == NOW


def test_text_longer_than_its_column_is_refused_naming_the_field(world):
    ticket = register(world, NOW)
    (event,) = _events(ticket, 1)
    event.kind = "长" * 100

    with pytest.raises(InvalidInput) as refused:
        insert_rows([event])

    assert refused.value.field == "kind"
    assert not TicketEvent.objects.filter(note="第 0 条").exists()


def test_a_row_breaking_a_unique_rule_is_refused_unless_conflicts_are_ignored(world):
    ticket = register(world, NOW)

    def message() -> OutboxMessage:
        return OutboxMessage(
            event="ticket_registered_receipt", channel="sms", address="13800000000",
            ticket=ticket, body="已收到", next_attempt_at=NOW, dedupe_key="test:once",
            created_at=NOW,
        )  # fmt: skip

    insert_rows([message()])
    insert_rows([message(), message()], ignore_conflicts=True)
    assert OutboxMessage.objects.filter(dedupe_key="test:once").count() == 1

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([message()])


def test_nothing_to_write_writes_nothing(db):
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows([]) == []
        lifecycle.book_rows([])
    assert len(queries) == 0


def test_rows_booked_outside_a_publication_are_written_at_once(world):
    ticket = register(world, NOW)
    row = task_row(detect_hot_issue, [ticket.pk, NOW.isoformat()])

    lifecycle.book_rows([row])

    assert DBTaskResult.objects.filter(pk=row.pk, status="READY").exists()


def _only_subscribers(monkeypatch, ticket, *handlers) -> TicketEvent:
    """These handlers as the only subscribers, in order; an event of ``ticket`` to publish."""
    monkeypatch.setattr(
        lifecycle, "_subscribers",
        [lifecycle.Subscriber(i, h.__name__, h) for i, h in enumerate(handlers, 1)],
    )  # fmt: skip
    (event,) = _events(ticket, 1)
    return insert_rows([event])[0]


def test_rows_booked_by_subscribers_are_written_after_the_last_in_one_insert(world, monkeypatch):
    ticket = register(world, NOW)
    rows = [task_row(detect_hot_issue, [ticket.pk, f"{i}"]) for i in range(2)]
    seen_by_the_second: list[bool] = []

    def first(_ticket, _event):
        lifecycle.book_rows(rows[:1])

    def second(_ticket, _event):
        lifecycle.book_rows(rows[1:])
        seen_by_the_second.append(DBTaskResult.objects.filter(pk=rows[0].pk).exists())

    event = _only_subscribers(monkeypatch, ticket, first, second)
    with CaptureQueriesContext(connection) as queries:
        lifecycle.publish(ticket, event)

    assert seen_by_the_second == [False]
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "django_tasks')]
    assert len(inserts) == 1
    assert DBTaskResult.objects.filter(pk__in=[r.pk for r in rows]).count() == 2


def test_a_subscriber_that_fails_leaves_no_booked_rows_behind(world, monkeypatch):
    ticket = register(world, NOW)
    row = task_row(detect_hot_issue, [ticket.pk, NOW.isoformat()])

    def books(_ticket, _event):
        lifecycle.book_rows([row])

    def fails(_ticket, _event):
        raise RuntimeError("subscriber failed")

    event = _only_subscribers(monkeypatch, ticket, books, fails)
    with pytest.raises(RuntimeError):
        lifecycle.publish(ticket, event)

    assert not DBTaskResult.objects.filter(pk=row.pk).exists()
    # The next publication starts with nothing booked.
    monkeypatch.setattr(lifecycle, "_subscribers", [])
    lifecycle.publish(ticket, event)
    assert not DBTaskResult.objects.filter(pk=row.pk).exists()


def test_a_registration_writes_its_timers_and_tasks_in_one_insert(world):
    with CaptureQueriesContext(connection) as queries:
        ticket = register(world, NOW + timedelta(minutes=1))

    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "django_tasks')]
    assert len(inserts) == 1
    paths = set(
        DBTaskResult.objects.filter(args_kwargs__args__0=ticket.pk).values_list(
            "task_path", flat=True
        )
    )
    assert detect_hot_issue.module_path in paths
    clocks = ticket.clocks.filter(state="running").count()
    assert DBTaskResult.objects.filter(task_path__endswith="fire_clock").count() >= clocks > 0


def test_rows_booked_inside_a_savepoint_are_undone_with_it(world, monkeypatch):
    ticket = register(world, NOW)
    kept, undone = (task_row(detect_hot_issue, [ticket.pk, f"{i}"]) for i in range(2))

    def books_and_undoes(_ticket, _event):
        lifecycle.book_rows([kept])
        with pytest.raises(RuntimeError), transaction.atomic():
            lifecycle.book_rows([undone])
            raise RuntimeError("rolled back to the savepoint")

    event = _only_subscribers(monkeypatch, ticket, books_and_undoes)
    lifecycle.publish(ticket, event)

    assert DBTaskResult.objects.filter(pk=kept.pk).exists()
    assert not DBTaskResult.objects.filter(pk=undone.pk).exists()
