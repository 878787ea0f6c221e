"""Every business action of satisfaction surveys (SPEC §7), as typed functions that views, the
API and tests call. Split by responsibility: who may (access), the plan and questionnaire
(campaigns), the campaign's moves (moves), the plan's approval by named officers (approval),
the analysis report's review, distribution and receipts (report), what waits for whom
(waiting), answers (answers), figures (results). The corrective actions opened from the results
are :mod:`propdesk.improvement`'s."""

from .access import (
    APPROVERS,
    CLERKS,
    ORGANISERS,
    covered_project_ids,
    get_campaign,
    scope_of,
    visible_campaigns,
)
from .answers import (
    Answer,
    answer_by_link,
    enter_answers,
    invitation_for_token,
    link_refusal,
)
from .approval import Step, approve, plan_step, return_to_draft, review
from .campaigns import (
    PLAN_FIELDS,
    add_item,
    copy_items,
    create_campaign,
    remove_item,
    update_campaign,
    update_item,
)
from .moves import (
    available_moves,
    close,
    issue,
    occupied_households,
    submit,
)
from .report import (
    acknowledge,
    distribute,
    receipts_of,
    report_of,
    review_report,
    review_step,
)
from .results import (
    Comparison,
    Rate,
    Results,
    campaign_results,
    compare,
    compute,
    pareto,
    previous_campaign,
)
from .waiting import waiting_for

__all__ = [
    "APPROVERS",
    "CLERKS",
    "ORGANISERS",
    "PLAN_FIELDS",
    "Answer",
    "Comparison",
    "Rate",
    "Results",
    "Step",
    "acknowledge",
    "add_item",
    "answer_by_link",
    "approve",
    "available_moves",
    "campaign_results",
    "close",
    "compare",
    "compute",
    "copy_items",
    "covered_project_ids",
    "create_campaign",
    "distribute",
    "enter_answers",
    "get_campaign",
    "invitation_for_token",
    "issue",
    "link_refusal",
    "occupied_households",
    "pareto",
    "plan_step",
    "previous_campaign",
    "receipts_of",
    "remove_item",
    "report_of",
    "return_to_draft",
    "review",
    "review_report",
    "review_step",
    "scope_of",
    "submit",
    "update_campaign",
    "update_item",
    "visible_campaigns",
    "waiting_for",
]
