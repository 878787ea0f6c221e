"""Keeping the word index current (models.py): a ticket after each move that changes what it
says (the lifecycle subscriber, lifecycle.py), a case after each change of its content (a new
CaseVersion, hooks.py), a resident when saved or linked to a room (hooks.py), and everything
again with ``propdesk search reindex`` after the company dictionary changed.

Every text is cut by its company's segmenter (dictionary.cut), its parts joined by a newline
so that the last word of one part and the first of the next are never read as one word.
Re-indexing reads the rows a batch at a time by ascending id (keyset, never OFFSET), so its
memory stays that of one batch and a run can be repeated: each row is replaced, never added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from propdesk.knowledge.models import Case, Scenario
from propdesk.residents.models import Residency, Resident
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import ProgressNote, Reply, Ticket, TicketEvent

from .. import index
from ..dictionary import cut

#: The ticket's own fields that are searched (the number and phones are matched exactly by
#: tickets.services.queries, not by words).
TICKET_FIELDS = ("description", "expectation", "place", "contact_name", "resolution")
CASE_FIELDS = ("name", "expectation", "handling", "words", "improvement", "risk")
#: The moves after which a ticket says something new: registration, an edit, a note, a reply,
#: a resolution (resolve, close, the outcome shared from a merge).
TEXT_EVENTS = frozenset(
    {
        EventKind.REGISTERED,
        EventKind.UPDATED,
        EventKind.PROGRESS_NOTED,
        EventKind.REPLIED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
        EventKind.OUTCOME_SHARED,
    }
)
DEFAULT_BATCH = 5000

Progress = Callable[[int], None]
Row = tuple[int, dict[str, object], str]


def words_text(parts: Iterable[str | None], company_id: int | None) -> str:
    """The words of ``parts`` as the index stores them: space-separated, in order."""
    return " ".join(cut("\n".join(p for p in parts if p), company_id))


# -- tickets ------------------------------------------------------------------------------------


def _ticket_row(
    values: dict[str, Any], notes: list[str], replies: list[str]
) -> tuple[int, dict[str, object], str]:
    parts = [values[f] for f in TICKET_FIELDS] + notes + replies
    return (
        values["id"],
        {"project_id": values["project_id"], "received_at": values["received_at"]},
        words_text(parts, values["company_id"]),
    )


def index_ticket(ticket: Ticket, *, with_history: bool = True) -> None:
    """Index one ticket as it is now. ``with_history=False`` when it has no notes or replies
    yet (just registered): the two reads are left out."""
    notes: list[str] = []
    replies: list[str] = []
    if with_history:
        notes = list(ProgressNote.objects.filter(ticket=ticket).values_list("text", flat=True))
        replies = list(Reply.objects.filter(ticket=ticket).values_list("content", flat=True))
    values = {f: getattr(ticket, f) for f in TICKET_FIELDS}
    values.update(
        id=ticket.pk,
        project_id=ticket.project_id,
        company_id=ticket.company_id,
        received_at=ticket.received_at,
    )
    index.TICKETS.write([_ticket_row(values, notes, replies)])


def on_ticket_event(ticket: Ticket, event: TicketEvent) -> None:
    """The lifecycle subscriber: re-index the ticket when the move changed what it says, in
    the move's transaction, so that a ticket is found by its words as soon as it is saved."""
    if event.kind in TEXT_EVENTS:
        index_ticket(ticket, with_history=event.kind != EventKind.REGISTERED)


def _grouped(qs: QuerySet[Any], key: str, field: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for owner, text in qs.values_list(key, field):
        found[owner].append(text)
    return found


def _keyset(qs: QuerySet[Any], fields: Iterable[str], batch: int) -> Iterator[list[dict]]:
    """``qs`` as dicts of ``fields`` a batch at a time, in ascending id."""
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values("id", *fields)[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def reindex_tickets(
    *, company_id: int | None = None, batch: int = DEFAULT_BATCH, progress: Progress | None = None
) -> int:
    """Index every ticket again (of one company), ``batch`` at a time, each batch in its own
    transaction. Returns how many were indexed."""
    tickets = Ticket.objects.all()
    if company_id is not None:
        tickets = tickets.filter(company_id=company_id)
    done = 0
    for rows in _keyset(
        tickets, ("company_id", "project_id", "received_at", *TICKET_FIELDS), batch
    ):
        # Notes and replies of the batch by the range of its ids: one indexed range read each
        # instead of an IN list of thousands of ids.
        low, high = rows[0]["id"], rows[-1]["id"]
        notes = _grouped(
            ProgressNote.objects.filter(ticket_id__gte=low, ticket_id__lte=high).order_by(
                "ticket_id", "created_at", "pk"
            ),
            "ticket_id",
            "text",
        )
        replies = _grouped(
            Reply.objects.filter(ticket_id__gte=low, ticket_id__lte=high).order_by(
                "ticket_id", "replied_at", "pk"
            ),
            "ticket_id",
            "content",
        )
        with transaction.atomic():
            index.TICKETS.write(
                _ticket_row(r, notes.get(r["id"], []), replies.get(r["id"], [])) for r in rows
            )
        done += len(rows)
        if progress:
            progress(len(rows))
    index.TICKETS.analyze()
    return done


# -- cases --------------------------------------------------------------------------------------


def _case_rows(cases: Sequence[Mapping[str, Any]]) -> list[Row]:
    scenarios: dict[int, list[str]] = defaultdict(list)
    ids = [c["id"] for c in cases]
    for row in (
        Scenario.objects.filter(case_id__in=ids)
        .order_by("case_id", "position", "pk")
        .values("case_id", *CASE_FIELDS)
    ):
        scenarios[row["case_id"]].extend(row[f] for f in CASE_FIELDS)
    return [
        (
            c["id"],
            {"company_id": c["company_id"]},
            words_text([c["title"], *scenarios[c["id"]]], c["company_id"]),
        )
        for c in cases
    ]


def index_case(case_id: int) -> None:
    """Index one case as it is now (its title and scenarios)."""
    cases = list(Case.objects.filter(pk=case_id).values("id", "company_id", "title"))
    index.CASES.write(_case_rows(cases))


def reindex_cases(
    *, company_id: int | None = None, batch: int = DEFAULT_BATCH, progress: Progress | None = None
) -> int:
    cases = Case.objects.all()
    if company_id is not None:
        cases = cases.filter(company_id=company_id)
    done = 0
    for rows in _keyset(cases, ("company_id", "title"), min(batch, 500)):
        with transaction.atomic():
            done += index.CASES.write(_case_rows(rows))
        if progress:
            progress(len(rows))
    index.CASES.analyze()
    return done


# -- residents ----------------------------------------------------------------------------------


def _resident_rows(residents: Sequence[Mapping[str, Any]]) -> list[Row]:
    rooms: dict[int, list[str]] = defaultdict(list)
    ids = [r["id"] for r in residents]
    for resident_id, building, unit, number in (
        Residency.objects.filter(resident_id__in=ids, is_active=True)
        .order_by("resident_id", "pk")
        .values_list("resident_id", "room__building__name", "room__unit__name", "room__number")
    ):
        rooms[resident_id].append(f"{building}{unit}{number}")
    return [
        (
            r["id"],
            {"company_id": r["company_id"]},
            words_text([r["name"], r["phone"], r["phone2"], *rooms[r["id"]]], r["company_id"]),
        )
        for r in residents
    ]


def index_resident(resident_id: int) -> None:
    """Index one resident as they are now (name, phones, rooms lived in)."""
    fields = ("id", "company_id", "name", "phone", "phone2")
    residents = list(Resident.objects.filter(pk=resident_id).values(*fields))
    index.RESIDENTS.write(_resident_rows(residents))


def reindex_residents(
    *, company_id: int | None = None, batch: int = DEFAULT_BATCH, progress: Progress | None = None
) -> int:
    residents = Resident.objects.all()
    if company_id is not None:
        residents = residents.filter(company_id=company_id)
    done = 0
    for rows in _keyset(residents, ("company_id", "name", "phone", "phone2"), batch):
        with transaction.atomic():
            done += index.RESIDENTS.write(_resident_rows(rows))
        if progress:
            progress(len(rows))
    index.RESIDENTS.analyze()
    return done
