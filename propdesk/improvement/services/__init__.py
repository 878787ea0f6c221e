"""Every business action on corrective and preventive actions (SPEC §8), as typed functions
that views, the API, other apps' pages and tests call: who may (access), the workflow (open,
done, verify) and the clock (warning, breach, escalation)."""

from .access import OPENERS, VERIFIERS, get_action, record, visible_actions
from .clock import SweepResult, overdue_label, sweep
from .workflow import Source, mark_done, may_report_done, may_verify, open_action, verify

__all__ = [
    "OPENERS",
    "VERIFIERS",
    "Source",
    "SweepResult",
    "get_action",
    "mark_done",
    "may_report_done",
    "may_verify",
    "open_action",
    "overdue_label",
    "record",
    "sweep",
    "verify",
    "visible_actions",
]
