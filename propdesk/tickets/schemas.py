"""API schemas for tickets: what comes in for each move, and what goes out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

# One error shape for every app (core.schemas); named here for the ticket endpoints.
from propdesk.core.schemas import ErrorOut as ErrorOut


class TicketIn(Schema):
    kind: str = Field(description="complaint | repair | help | consultation | suggestion | praise")
    channel: str = Field(description="phone | visit | letter | email | web | wechat | media | …")
    category: str = Field(description="category code, e.g. FAC-ELEV")
    description: str
    project: str | None = Field(None, description="project code; taken from the room if omitted")
    reporter_type: str = Field("resident", description="resident | contact | anonymous")
    resident_id: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    room_id: int | None = None
    building_id: int | None = None
    place: str = ""
    expectation: str = Field("", description="what the resident expects (客户期望)")
    received_at: datetime | None = None
    agreed_reply_at: datetime | None = None
    nature: str = "pending"
    repair_scope: str = ""
    is_paid_repair: bool = False
    help_type: str = ""
    is_emergency: bool = False
    on_site_finished_at: datetime | None = Field(
        None, description="emergencies: when the work on site ended (act first, record after)"
    )
    client_ref: str = Field("", description="your own id; a retry with it returns the same ticket")
    grade_facts: dict[str, Any] = Field(
        default_factory=dict,
        description="facts the grade rules read, known at intake: complainant_count, "
        "claimed_amount, media_exposure, litigation, government_referral, major_accident, "
        "serious_public_harm, demands_return_or_compensation, false_sales_information, "
        "needs_outside_support, is_repeat, repeat_of, promise_unmet_raised_again (规程 4.4: a "
        "promised or contracted service not delivered, raised again without a fix), "
        "economic_loss_our_fault (规程 4.4: a significant economic loss through our fault)",
    )


class CategoryRef(Schema):
    code: str
    name: str


class RoomRef(Schema):
    id: int
    label: str


class FeeItemOut(Schema):
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class WorkOrderOut(Schema):
    ticket: str
    sequence: int
    department: str
    department_name: str
    assignee: str | None
    assignee_name: str | None
    status: str
    status_display: str
    instructions: str
    deadline: datetime
    appointment_at: datetime | None
    dispatched_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    result: str
    return_reason: str
    resident_rating: str = Field("", description="the resident's rating on site; blank if none")
    resident_signed: bool = False
    fee_total: Decimal
    fee_items: list[FeeItemOut]


class ReplyOut(Schema):
    channel: str
    content: str
    author: str
    replied_at: datetime


class NoteOut(Schema):
    text: str
    author: str
    work_order: int | None
    created_at: datetime


class CallbackOut(Schema):
    method: str
    satisfaction: str
    satisfaction_display: str
    comment: str
    called_by: str
    called_at: datetime


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str
    uploaded_at: datetime


class ClockOut(Schema):
    kind: str
    kind_display: str
    state: str = Field(description="running | paused | met | breached | cancelled")
    state_display: str
    work_order: int | None
    started_at: datetime
    warn_at: datetime
    due_at: datetime
    met_at: datetime | None
    breached_at: datetime | None
    paused_at: datetime | None
    time_left_seconds: int | None = Field(
        description="running: until due (negative when overdue); paused: what is left"
    )
    rule: str | None
    calendar_warnings: list[str]


class TicketSummary(Schema):
    number: str
    project: str
    project_name: str
    kind: str
    kind_display: str
    channel: str
    channel_display: str
    category: CategoryRef
    status: str
    status_display: str
    grade_level: str
    grade_class: str
    escalation_level: int
    contact_name: str
    contact_phone: str = Field(description="masked; POST …/reveal-phone shows it in full")
    room: RoomRef | None
    place: str
    description: str
    received_at: datetime


class TicketDetail(TicketSummary):
    nature: str
    reporter_type: str
    contact_phone_warning: str = Field(
        "",
        description="not empty when the contact phone could not be validated and was kept as "
        "typed: says so, to be confirmed with the caller",
    )
    resident_id: int | None
    expectation: str
    agreed_reply_at: datetime | None
    registered_at: datetime
    registered_by: str
    accepted_at: datetime | None
    resolved_at: datetime | None
    callback_at: datetime | None
    closed_at: datetime | None
    resolution: str
    closure_reason: str
    closure_note: str
    cancel_reason: str
    reopen_count: int
    merged_into: str | None
    merged_from: list[str] = Field(description="duplicates merged into this request")
    is_emergency: bool
    repair_scope: str
    is_paid_repair: bool
    help_type: str
    has_case_value: bool
    grade_reason: str
    grade_class_reason: str
    facts: dict[str, Any]
    on_site_finished_at: datetime | None
    needs_plan: bool
    long_disagreement: bool
    plan: str
    plan_submitted_at: datetime | None
    work_orders: list[WorkOrderOut]
    replies: list[ReplyOut]
    progress_notes: list[NoteOut]
    callbacks: list[CallbackOut]
    attachments: list[AttachmentOut]
    clocks: list[ClockOut]
    allowed_actions: list[str]


class TicketPage(Schema):
    count: int = Field(
        description="Matching tickets, exact up to 1,000; past that 1,000 with count_is_exact "
        "false (narrow the filter, or page on until a page comes back short)"
    )
    count_is_exact: bool
    page: int
    page_size: int
    items: list[TicketSummary]


class EventOut(Schema):
    kind: str
    kind_display: str
    at: datetime
    actor: str | None
    actor_name: str | None
    from_status: str
    to_status: str
    work_order: int | None
    note: str
    data: dict[str, Any]


# ---- bodies of the moves (POST /tickets/{number}/actions/{action}) ----


class AcceptIn(Schema):
    note: str = ""


class AnswerIn(Schema):
    content: str
    channel: str = "phone"


class FeeLineIn(Schema):
    quantity: Decimal
    standard: str = ""
    name: str = ""
    unit: str = ""
    unit_price: Decimal | None = None


class DispatchIn(Schema):
    department: str
    deadline: datetime | None = None
    assignee: str | None = None
    instructions: str = ""
    appointment_at: datetime | None = None
    fee_items: list[FeeLineIn] = []
    fee_agreement_note: str = ""


class ReturnIn(Schema):
    work_order: int
    reason: str


class TransferIn(Schema):
    work_order: int
    department: str
    reason: str
    deadline: datetime | None = None
    assignee: str | None = None


class StartIn(Schema):
    work_order: int


class NoteIn(Schema):
    text: str
    work_order: int | None = None


class ReplyIn(Schema):
    content: str
    channel: str


class ReasonIn(Schema):
    reason: str


class ResumeIn(Schema):
    note: str = ""


class ResolveIn(Schema):
    result: str
    resident_rating: str = Field(
        "",
        description="the resident's rating on site (five levels); "
        "blank when the resident did not rate",
    )
    resident_signed: bool = Field(False, description="the resident signed for the work")


class CompleteIn(Schema):
    work_order: int
    result: str
    resident_rating: str = Field(
        "",
        description="the resident's rating on site (five levels); "
        "blank when the resident did not rate",
    )
    resident_signed: bool = Field(False, description="the resident signed for the work")


class CallbackIn(Schema):
    satisfaction: str = Field(
        description="very_satisfied | satisfied | basically_satisfied | dissatisfied | "
        "very_dissatisfied"
    )
    method: str = "phone"
    comment: str = ""
    resident_confirmation: str = ""


class CloseIn(Schema):
    reason: str = Field(
        description="satisfied | confirmed_on_spot | no_contact | sensitive | disagreement | "
        "beyond_authority"
    )
    note: str = ""
    has_case_value: bool = False


class DelayCallbackIn(Schema):
    working_days: int = Field(
        description="working days after resolution: 1 to 5, up to 15 for a recurring problem"
    )
    recurring: bool = Field(False, description="the problem recurs: a longer wait is allowed")
    reason: str


class SetGradeIn(Schema):
    reason: str
    level: str | None = Field(None, description="1 | 2 | 3 | 4")
    grade_class: str | None = Field(None, description="major | hot | important | general")


class MergeIn(Schema):
    into: str
    note: str = ""


class UpdateIn(Schema):
    kind: str | None = None
    channel: str | None = None
    category: str | None = None
    nature: str | None = None
    place: str | None = None
    description: str | None = None
    expectation: str | None = None
    room_id: int | None = None
    agreed_reply_at: datetime | None = None
    is_emergency: bool | None = None
    has_case_value: bool | None = None
    needs_plan: bool | None = None
    long_disagreement: bool | None = Field(
        None, description="long communication has not reached agreement: followed up monthly"
    )
    complainant_count: int | None = None
    claimed_amount: Decimal | None = None
    media_exposure: str | None = None
    litigation: str | None = None
    government_referral: bool | None = None
    major_accident: bool | None = None
    serious_public_harm: bool | None = None
    demands_return_or_compensation: bool | None = None
    false_sales_information: bool | None = None
    needs_outside_support: bool | None = None
    is_repeat: bool | None = None
    promise_unmet_raised_again: bool | None = None
    economic_loss_our_fault: bool | None = None
    repeat_of: str | None = Field(None, description="number of the earlier request")
