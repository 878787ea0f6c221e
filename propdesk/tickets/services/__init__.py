"""Every business action on tickets, one typed function each (DESIGN.md: services)."""

from .attachments import add_attachment
from .closing import (
    CONTESTED,
    RESIDENT_MAY_REOPEN,
    close,
    delay_callback,
    lock_for_callback,
    record_callback_outcome,
    reopen,
    reopen_at_residents_word,
    reopened_fields,
)
from .dispatch import (
    FeeLine,
    complete_work_order,
    dispatch,
    resolve,
    return_work_order,
    start,
    transfer,
)
from .guards import MOVE_FROM, MOVE_ROLES, allowed_moves, may
from .plans import PLAN_DECISIONS, record_plan_decision, submit_plan
from .queries import TicketFilter, filter_tickets, tickets_for
from .register import (
    DESCRIPTION_MAX_LENGTH,
    NewTicket,
    get_ticket,
    register_ticket,
    validate_ticket,
)
from .routing import Proposal, propose_department
from .workflow import (
    accept,
    add_progress_note,
    answer,
    cancel,
    merge,
    reply_to_resident,
    resume,
    suspend,
    update_ticket,
)

__all__ = [
    "CONTESTED",
    "DESCRIPTION_MAX_LENGTH",
    "MOVE_FROM",
    "MOVE_ROLES",
    "PLAN_DECISIONS",
    "RESIDENT_MAY_REOPEN",
    "FeeLine",
    "NewTicket",
    "Proposal",
    "TicketFilter",
    "accept",
    "add_attachment",
    "add_progress_note",
    "allowed_moves",
    "answer",
    "cancel",
    "close",
    "complete_work_order",
    "delay_callback",
    "dispatch",
    "filter_tickets",
    "get_ticket",
    "lock_for_callback",
    "may",
    "merge",
    "propose_department",
    "record_callback_outcome",
    "record_plan_decision",
    "register_ticket",
    "reopen",
    "reopen_at_residents_word",
    "reopened_fields",
    "reply_to_resident",
    "resolve",
    "resume",
    "return_work_order",
    "start",
    "submit_plan",
    "suspend",
    "tickets_for",
    "transfer",
    "update_ticket",
    "validate_ticket",
]
