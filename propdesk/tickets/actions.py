"""The moves of the API's ``POST /tickets/{number}/actions/{action}`` and of the ticket page's move
forms: action name → (body schema, call). Every call goes through the one service function.

Tickets' own moves are listed here; a domain above tickets adds the moves it owns (callbacks:
"callback"; sla: "escalate", "set_grade"; casework: "submit_plan", a plan with its approvers)
with ``register_action`` in its ``AppConfig.ready()``,
so this module imports nothing above tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Schema

from . import schemas, services

Call = Callable[..., Any]


def aware(value: datetime | None) -> datetime | None:
    """JSON times without an offset are local time (Asia/Shanghai), as staff type them."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


#: action name → (body schema, call). Every call goes through the one service function.
ACTIONS: dict[str, tuple[type[Schema], Call]] = {
    "accept": (schemas.AcceptIn, lambda u, t, b: services.accept(u, t, note=b.note)),
    "answer": (
        schemas.AnswerIn,
        lambda u, t, b: services.answer(u, t, content=b.content, channel=b.channel),
    ),
    "dispatch": (
        schemas.DispatchIn,
        lambda u, t, b: services.dispatch(
            u,
            t,
            department=b.department,
            deadline=aware(b.deadline),
            assignee=b.assignee,
            instructions=b.instructions,
            appointment_at=aware(b.appointment_at),
            fee_items=[services.FeeLine(**i.dict()) for i in b.fee_items],
            fee_agreement_note=b.fee_agreement_note,
        ),
    ),
    "return": (
        schemas.ReturnIn,
        lambda u, t, b: services.return_work_order(u, t, work_order=b.work_order, reason=b.reason),
    ),
    "transfer": (
        schemas.TransferIn,
        lambda u, t, b: services.transfer(
            u,
            t,
            work_order=b.work_order,
            department=b.department,
            reason=b.reason,
            deadline=aware(b.deadline),
            assignee=b.assignee,
        ),
    ),
    "start": (schemas.StartIn, lambda u, t, b: services.start(u, t, work_order=b.work_order)),
    "note": (
        schemas.NoteIn,
        lambda u, t, b: services.add_progress_note(u, t, text=b.text, work_order=b.work_order),
    ),
    "reply": (
        schemas.ReplyIn,
        lambda u, t, b: services.reply_to_resident(u, t, content=b.content, channel=b.channel),
    ),
    "suspend": (schemas.ReasonIn, lambda u, t, b: services.suspend(u, t, reason=b.reason)),
    "resume": (schemas.ResumeIn, lambda u, t, b: services.resume(u, t, note=b.note)),
    "resolve": (
        schemas.ResolveIn,
        lambda u, t, b: services.resolve(
            u,
            t,
            result=b.result,
            resident_rating=b.resident_rating,
            resident_signed=b.resident_signed,
        ),
    ),
    "complete_work_order": (
        schemas.CompleteIn,
        lambda u, t, b: services.complete_work_order(
            u,
            t,
            work_order=b.work_order,
            result=b.result,
            resident_rating=b.resident_rating,
            resident_signed=b.resident_signed,
        ),
    ),
    "close": (
        schemas.CloseIn,
        lambda u, t, b: services.close(
            u, t, reason=b.reason, note=b.note, has_case_value=b.has_case_value
        ),
    ),
    "reopen": (schemas.ReasonIn, lambda u, t, b: services.reopen(u, t, reason=b.reason)),
    "delay_callback": (
        schemas.DelayCallbackIn,
        lambda u, t, b: services.delay_callback(
            u, t, working_days=b.working_days, reason=b.reason, recurring=b.recurring
        ),
    ),
    "merge": (schemas.MergeIn, lambda u, t, b: services.merge(u, t, into=b.into, note=b.note)),
    "cancel": (schemas.ReasonIn, lambda u, t, b: services.cancel(u, t, reason=b.reason)),
    "update": (
        schemas.UpdateIn,
        lambda u, t, b: services.update_ticket(
            u,
            t,
            changes={
                k: (aware(v) if isinstance(v, datetime) else v)
                for k, v in b.dict(exclude_unset=True).items()
            },
        ),
    ),
}


def register_action(
    name: str, schema: type[Schema], call: Call, *, after: str | None = None
) -> None:
    """Offer ``name`` as a move: the API and the ticket page call ``call(user, ticket, body)`` with
    the body validated by ``schema``. ``after`` places it in the list (the API's description
    follows it; the ticket page orders its forms itself, tickets.moves.add_move_form)."""
    global ACTIONS
    items = [(k, v) for k, v in ACTIONS.items() if k != name]
    at = next((i + 1 for i, (k, _v) in enumerate(items) if k == after), len(items))
    items.insert(at, (name, (schema, call)))
    ACTIONS.clear()
    ACTIONS.update(items)
