"""The form of each move on the ticket page. The fields are those of the API's body for the
move (tickets.schemas), with a label, a widget and, where the answer is one of a list, the
list. Posting a form goes through the same ACTIONS table as the API, so the pages and the
API cannot drift apart.

A domain above tickets that adds a move with ``tickets.actions.register_action`` adds its form
here with ``add_move_form`` from its ``AppConfig.ready()``: callbacks the callback; sla
escalate and set_grade. The form is placed among the ticket page's buttons (``PAGE_MOVES``)
after the move it names."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.org.models import User
from propdesk.org.services import departments_serving

from .choices import ACTIVE_WORK_ORDER_STATUSES, ClosureReason, Kind, ReplyChannel, Satisfaction
from .extensions import handling_due
from .models import Ticket


@dataclass
class FormField:
    name: str
    label: Any
    widget: str = "text"  # text | textarea | select | datetime | number | checkbox | radio
    required: bool = False
    choices: list[tuple[str, Any]] = field(default_factory=list)
    help: Any = ""
    initial: str = ""


def _departments(ticket: Ticket) -> list[tuple[str, str]]:
    """The departments that serve the ticket's project: its own first, then its region's and
    the company's (HQ customer service, legal, quality …)."""
    return [(d.code, d.name) for d in departments_serving(ticket.project)]


def _handlers(ticket: Ticket) -> list[tuple[str, str]]:
    rows = (
        User.objects.filter(is_active=True, department__project_id=ticket.project_id)
        .select_related("department")
        .order_by("department__code", "username")
    )
    return [("", _("(由部门分配)"))] + [(u.username, f"{u.department.name} · {u}") for u in rows]


def _work_orders(ticket: Ticket, user: User | None = None) -> list[tuple[str, str]]:
    rows = ticket.work_orders.filter(status__in=ACTIVE_WORK_ORDER_STATUSES).select_related(
        "department"
    )
    if user is not None and user.role == "handler":
        rows = rows.filter(department_id=user.department_id)
    return [(str(o.sequence), f"#{o.sequence} {o.department.name}") for o in rows]


def _suggested_deadline(ticket: Ticket) -> str:
    """The handling clock's due time, as the deadline a supervisor most often gives."""
    due = handling_due(ticket)
    return timezone.localtime(due).strftime("%Y-%m-%dT%H:%M") if due else ""


def move_form(move: str, ticket: Ticket, user: User) -> list[FormField]:
    """The fields of one move's form for this ticket and user."""
    return MoveForms(ticket, user).fields(move)


class MoveForms:
    """The forms of one ticket page: each list of choices (departments, handlers, open work
    orders) is read once however many forms use it."""

    def __init__(self, ticket: Ticket, user: User) -> None:
        self.ticket, self.user = ticket, user

    @cached_property
    def departments(self) -> list[tuple[str, str]]:
        return _departments(self.ticket)

    @cached_property
    def handlers(self) -> list[tuple[str, str]]:
        return _handlers(self.ticket)

    @cached_property
    def work_orders(self) -> list[tuple[str, str]]:
        return _work_orders(self.ticket, self.user)

    def fields(self, move: str) -> list[FormField]:
        if move in _added_forms:
            return _added_forms[move](self)
        build = getattr(self, f"_{move}", None)
        return build() if build else []

    def _reason(self) -> list[FormField]:
        return reason_fields()

    def _work_order(self) -> FormField:
        return FormField("work_order", _("工单"), "select", True, self.work_orders)

    def _accept(self) -> list[FormField]:
        return [FormField("note", _("说明"), "textarea")]

    def _answer(self) -> list[FormField]:
        return [
            FormField("content", _("答复内容"), "textarea", True),
            FormField("channel", _("答复方式"), "select", True, ReplyChannel.choices),
        ]

    @cached_property
    def routing(self):
        from propdesk.tickets.services import propose_department

        return propose_department(self.ticket)

    def _dispatch(self) -> list[FormField]:
        proposal = self.routing
        return [
            FormField(
                "department",
                _("部门"),
                "select",
                True,
                [("", _("(请选择)")), *self.departments],
                help=proposal.message,
                initial=proposal.department.code if proposal.department else "",
            ),
            FormField("assignee", _("处理人"), "select", False, self.handlers),
            FormField(
                "deadline",
                _("完成期限"),
                "datetime",
                True,
                help=_("默认为处理时限的到期时间"),
                initial=_suggested_deadline(self.ticket),
            ),
            FormField("appointment_at", _("预约上门时间"), "datetime"),
            FormField("instructions", _("派单说明"), "textarea"),
        ]

    def _return(self) -> list[FormField]:
        return [self._work_order(), *self._reason()]

    def _transfer(self) -> list[FormField]:
        return [
            self._work_order(),
            FormField("department", _("转派到部门"), "select", True, self.departments),
            FormField("assignee", _("处理人"), "select", False, self.handlers),
            FormField("deadline", _("完成期限"), "datetime", help=_("留空则沿用原期限")),
            *self._reason(),
        ]

    def _start(self) -> list[FormField]:
        return [self._work_order()]

    def _note(self) -> list[FormField]:
        return [FormField("text", _("跟进记录"), "textarea", True)]

    def _reply(self) -> list[FormField]:
        return [
            FormField("content", _("回复内容"), "textarea", True),
            FormField(
                "channel",
                _("回复方式"),
                "select",
                True,
                ReplyChannel.choices,
                help=_("选短信、微信或电子邮件时，系统会把回复发给住户（住户登记了该联系方式时）"),
            ),
        ]

    def _suspend(self) -> list[FormField]:
        return self._reason()

    def _resume(self) -> list[FormField]:
        return [FormField("note", _("说明"), "textarea")]

    def _on_site(self) -> list[FormField]:
        """What the resident said when the work ended: decides whether a callback is owed."""
        return [
            FormField(
                "resident_rating",
                _("住户现场评价"),
                "select",
                False,
                [("", _("未评价")), *Satisfaction.choices],
            ),
            FormField("resident_signed", _("住户已签字确认"), "checkbox"),
        ]

    def _resolve(self) -> list[FormField]:
        return [FormField("result", _("处理结果"), "textarea", True), *self._on_site()]

    def _complete_work_order(self) -> list[FormField]:
        return [
            self._work_order(),
            FormField("result", _("处理结果"), "textarea", True),
            *self._on_site(),
        ]

    def _close(self) -> list[FormField]:
        return [
            FormField("reason", _("关闭原因"), "select", True, ClosureReason.choices),
            FormField("note", _("说明"), "textarea"),
            FormField("has_case_value", _("有案例价值"), "checkbox"),
        ]

    def _reopen(self) -> list[FormField]:
        return self._reason()

    def _update(self) -> list[FormField]:
        """The nature and the facts the grade rules read (SPEC §5), as they stand: a change
        re-grades the request, and grades only ever rise by themselves. A complaint also says
        whether the resident and the company have long failed to agree: it is then followed up
        monthly instead of weekly (SPEC §4)."""
        fields = grade_fact_fields(self.ticket)
        if self.ticket.kind == Kind.COMPLAINT:
            fields.append(
                FormField(
                    "long_disagreement", Ticket._meta.get_field("long_disagreement").verbose_name,
                    "checkbox", initial="on" if self.ticket.long_disagreement else "",
                    help=_("长期沟通后仍未达成一致的投诉,每月至少跟进一次(其余每周一次)"),
                )
            )  # fmt: skip
        return fields

    def _delay_callback(self) -> list[FormField]:
        return [
            FormField(
                "working_days", _("解决后几个工作日回访"), "number", True,
                help=_("效果需要时间验证时 3–5 个工作日;问题反复出现时最多 15 个工作日"),
            ),
            FormField("recurring", _("问题反复出现"), "checkbox"),
            *self._reason(),
        ]  # fmt: skip

    def _merge(self) -> list[FormField]:
        return [
            FormField("into", _("合并到诉求编号"), "text", True),
            FormField("note", _("说明"), "textarea"),
        ]

    def _cancel(self) -> list[FormField]:
        return self._reason()


#: The yes-or-no grade facts in the order the form shows them: 规程 4.4's two 重大 facts first.
GRADE_FACT_ORDER = (
    "promise_unmet_raised_again",
    "economic_loss_our_fault",
    "major_accident",
    "serious_public_harm",
    "demands_return_or_compensation",
    "false_sales_information",
    "government_referral",
    "needs_outside_support",
    "is_repeat",
)


def grade_fact_fields(ticket: Ticket | None = None) -> list[FormField]:
    """The nature (性质) and every fact the grade rules read, with the ticket's values (or a
    new request's defaults): the ticket page's 性质与定级事实 form and the intake form's
    fieldset are these same fields."""
    from propdesk.tickets.choices import Litigation, MediaExposure, Nature
    from propdesk.tickets.services.grading import BOOLEAN_FACTS

    t = ticket or Ticket()
    model = Ticket._meta
    return [
        FormField("nature", _("性质"), "select", True, Nature.choices, initial=t.nature),
        FormField(
            "complainant_count", model.get_field("complainant_count").verbose_name,
            "number", True, initial=str(t.complainant_count),
        ),
        FormField(
            "claimed_amount", model.get_field("claimed_amount").verbose_name, "text",
            initial="" if t.claimed_amount is None else str(t.claimed_amount),
        ),
        FormField("media_exposure", _("媒体曝光"), "select", True, MediaExposure.choices,
                  initial=t.media_exposure),
        FormField("litigation", _("诉讼"), "select", True, Litigation.choices,
                  initial=t.litigation),
        *(
            FormField(name, model.get_field(name).verbose_name, "checkbox",
                      initial="on" if getattr(t, name) else "")
            for name in GRADE_FACT_ORDER if name in BOOLEAN_FACTS
        ),
        FormField("repeat_of", _("重复投诉的原诉求编号"), "text",
                  initial=t.repeat_of.number if t.repeat_of_id else ""),
    ]  # fmt: skip


#: Buttons named for what their form on the ticket page holds, where the move does more.
PAGE_LABELS = {"update": _("性质与定级事实")}

#: Moves the ticket page offers as buttons, in their order; "update" is the grade facts and
#: nature. The moves of other domains join it with add_move_form.
PAGE_MOVES = [
    "accept",
    "answer",
    "dispatch",
    "start",
    "note",
    "reply",
    "complete_work_order",
    "resolve",
    "delay_callback",
    "close",
    "reopen",
    "return",
    "transfer",
    "suspend",
    "resume",
    "submit_plan",
    "update",
    "merge",
    "cancel",
]

#: The forms of other domains' moves: move → the fields, built for one ticket page's forms.
MoveForm = Callable[[MoveForms], list[FormField]]
_added_forms: dict[str, MoveForm] = {}


def add_move_form(move: str, build: MoveForm, *, after: str) -> None:
    """Offer ``move`` on the ticket page, its button after ``after``'s, its form built by
    ``build``; the move itself is the one registered in tickets.actions."""
    _added_forms[move] = build
    if move in PAGE_MOVES:
        PAGE_MOVES.remove(move)
    PAGE_MOVES.insert(PAGE_MOVES.index(after) + 1, move)


def reason_fields() -> list[FormField]:
    """The reason a move asks for, as most refusals and corrections do."""
    return [FormField("reason", _("原因"), "textarea", True)]


def body_from_post(fields: list[FormField], post) -> dict[str, Any]:
    """The API body the posted form stands for: empty optional fields left out, times in
    local time made aware, numbers as numbers, checkboxes as booleans."""
    body: dict[str, Any] = {}
    for f in fields:
        if f.widget == "checkbox":
            body[f.name] = post.get(f.name) in ("on", "true", "1")
            continue
        value = (post.get(f.name) or "").strip()
        if not value:
            if f.required:
                body[f.name] = ""  # the service names the missing field
            continue
        if f.widget == "datetime":
            # A malformed time is left as typed: the schema refuses it by name.
            with contextlib.suppress(ValueError):
                value = timezone.make_aware(datetime.fromisoformat(value))
        elif f.widget == "number" or f.name == "work_order":
            with contextlib.suppress(ValueError):
                value = int(value)
        body[f.name] = value
    return body
