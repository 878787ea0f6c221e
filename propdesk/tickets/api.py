"""Ticket endpoints: register, list, read, every move, events, work orders, attachments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, File, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from propdesk.core import clock
from propdesk.core.errors import NotFound
from propdesk.core.paging import IdsFirst, Page, PageSize
from propdesk.residents.services import record_phone_reveal

from . import schemas, services
from .actions import ACTIONS, aware
from .choices import ACTIVE_WORK_ORDER_STATUSES
from .models import Attachment, TicketEvent, WorkOrder
from .paging import NewestFirst, by_spans
from .serializers import SUMMARY_RELATED, detail, event_data, summary, work_order_data
from .services.attachments import attachment_response

router = Router(tags=["tickets"])

#: Roles that may see a resident's full phone number; every reveal is written to the audit log.


@router.post(
    "/tickets",
    response={
        201: schemas.TicketDetail,
        200: schemas.TicketDetail,
        400: schemas.ErrorOut,
        403: schemas.ErrorOut,
    },
    summary="Register a ticket (登记)",
)
def register(request: HttpRequest, payload: schemas.TicketIn):
    data = payload.dict()
    data["received_at"] = aware(data["received_at"])
    data["agreed_reply_at"] = aware(data["agreed_reply_at"])
    data["on_site_finished_at"] = aware(data["on_site_finished_at"])
    ticket, created = services.register_ticket(request.user, services.NewTicket(**data))
    return Status(201 if created else 200, detail(ticket, request.user))


class TicketQuery(Schema):
    project: str | None = None
    status: list[str] | None = None
    kind: str | None = None
    category: str | None = None
    grade: str | None = None
    assignee: str | None = None
    department: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    text: str | None = None
    room_id: int | None = None
    resident_id: int | None = None
    due_soon: bool = Field(False, description="a clock past its warning point, not yet due")
    breached: bool = Field(False, description="a clock breached and not yet put right")
    clock: str | None = Field(None, description="only this clock (e.g. first_reply)")
    page: Page = 1
    page_size: PageSize = 20


@router.get("/tickets", response=schemas.TicketPage, summary="List tickets in your scope")
def list_tickets(request: HttpRequest, query: Query[TicketQuery]):
    filters = services.TicketFilter(**query.dict(exclude={"page", "page_size"}))
    filters.company_id = request.user.company_id  # its dictionary cuts ``text`` into words
    filters.project_ids = request.user.project_ids  # word search reads only these projects'
    if filters.status:
        # ?status=a&status=b and ?status=a,b both mean "either".
        filters.status = [s.strip() for v in filters.status for s in v.split(",") if s.strip()]
    mine = services.tickets_for(request.user)
    qs = services.filter_tickets(mine, filters)
    # The page's ids first, then those rows with their relations (core.paging.IdsFirst); the
    # newest tickets saying some words span by span (tickets.paging.NewestFirst).
    page: IdsFirst
    if by_spans(filters.text, filters.project_ids):
        page = NewestFirst(
            lambda since: services.filter_tickets(mine, replace(filters, received_since=since)),
            SUMMARY_RELATED,
            clock.now(),
        )
    else:
        page = IdsFirst(qs, qs.order_by("-received_at", "-pk").values("pk"), SUMMARY_RELATED)
    count, exact = page.bounded_count()
    start = (query.page - 1) * query.page_size
    return {
        "count": count,
        "count_is_exact": exact,
        "page": query.page,
        "page_size": query.page_size,
        "items": [summary(t) for t in page[start : start + query.page_size]],
    }


@router.get("/tickets/{number}", response=schemas.TicketDetail, summary="One ticket, in full")
def get_ticket(request: HttpRequest, number: str):
    return detail(services.get_ticket(request.user, number), request.user)


class RoutingOut(Schema):
    department: str | None = Field(description="code of the proposed department, or null")
    department_name: str | None
    rule: str | None = Field(description="the routing rule that applies, or null")
    message: str


@router.get(
    "/tickets/{number}/routing",
    response=RoutingOut,
    summary="The department the routing rules propose for dispatch",
)
def ticket_routing(request: HttpRequest, number: str):
    proposal = services.propose_department(services.get_ticket(request.user, number))
    department = proposal.department
    return {
        "department": department.code if department else None,
        "department_name": department.name if department else None,
        "rule": proposal.rule.name if proposal.rule else None,
        "message": proposal.message,
    }


@router.get(
    "/tickets/{number}/events", response=list[schemas.EventOut], summary="The ticket's full history"
)
def ticket_events(request: HttpRequest, number: str):
    ticket = services.get_ticket(request.user, number)
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor", "work_order")
    return [event_data(e) for e in events.order_by("at", "pk")]


def _actions_doc() -> str:
    lines = ["Make one move of the ticket's lifecycle. The body depends on the action:", ""]
    for name, (schema, _call) in ACTIONS.items():
        fields = schema.model_json_schema().get("properties", {})
        required = set(schema.model_json_schema().get("required", []))
        described = ", ".join(f"`{f}`{'*' if f in required else ''}" for f in fields)
        lines.append(f"- **{name}**: {described or '(no body)'}")
    lines += ["", "\\* required. 409 when the move is not allowed from the current state."]
    return "\n".join(lines)


@router.post(
    "/tickets/{number}/actions/{action}",
    response={
        200: schemas.TicketDetail,
        400: schemas.ErrorOut,
        403: schemas.ErrorOut,
        404: schemas.ErrorOut,
        409: schemas.ErrorOut,
    },
    summary="Make a move (accept, dispatch, resolve, callback, close …)",
    description=_actions_doc(),
)
def ticket_action(
    request: HttpRequest,
    number: str,
    action: str,
    payload: dict[str, Any] | None = Body(None),  # noqa: B008
):
    if action not in ACTIONS:
        raise NotFound(
            _("没有“%(a)s”这个操作,可用:%(all)s") % {"a": action, "all": ", ".join(ACTIONS)},
            field="action",
        )
    schema, call = ACTIONS[action]
    try:
        body = schema.model_validate(payload or {})
    except PydanticValidationError as exc:
        raise NinjaValidationError(exc.errors(include_url=False)) from None
    ticket = services.get_ticket(request.user, number)
    call(request.user, ticket, body)
    return Status(200, detail(ticket, request.user))


@router.post("/tickets/{number}/reveal-phone", summary="Show the contact phone in full (logged)")
def reveal_ticket_phone(request: HttpRequest, number: str):
    ticket = services.get_ticket(request.user, number)
    record_phone_reveal(
        request.user,
        object_type="ticket",
        object_id=ticket.number,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return {"number": ticket.number, "contact_phone": ticket.contact_phone}


@router.post(
    "/tickets/{number}/attachments",
    response={201: schemas.AttachmentOut, 400: schemas.ErrorOut},
    summary="Upload an attachment (photo, video, audio, document)",
)
def upload_attachment(
    request: HttpRequest, number: str, file: File[UploadedFile], work_order: int | None = None
):
    ticket = services.get_ticket(request.user, number)
    a = services.add_attachment(request.user, ticket, file, work_order=work_order)
    return Status(
        201,
        {
            "id": a.pk,
            "name": a.original_name,
            "content_type": a.content_type,
            "size": a.size,
            "url": f"/api/v1/tickets/{number}/attachments/{a.pk}",
            "uploaded_at": a.uploaded_at,
        },
    )


@router.get("/tickets/{number}/attachments/{attachment_id}", summary="Download an attachment")
def download_attachment(request: HttpRequest, number: str, attachment_id: int):
    ticket = services.get_ticket(request.user, number)
    attachment = Attachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("附件不存在"))
    try:
        stored = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        # The record is there but the file was lost (a restore without media): say so, no 500.
        raise NotFound(
            _("附件“%(name)s”的文件已丢失,请联系管理员") % {"name": attachment.original_name}
        ) from None
    return attachment_response(attachment, stored)  # nosniff; a download unless an image


@router.get(
    "/tickets/{number}/work-orders",
    response=list[schemas.WorkOrderOut],
    summary="The ticket's work orders",
)
def ticket_work_orders(request: HttpRequest, number: str):
    ticket = services.get_ticket(request.user, number)
    orders = (
        WorkOrder.objects.filter(ticket=ticket)
        .select_related("ticket", "department", "assignee")
        .prefetch_related("fee_items")
    )
    return [work_order_data(o) for o in orders]


class WorkOrderQuery(Schema):
    mine: bool = False
    department: str | None = None
    active: bool = True
    page: Page = 1
    page_size: PageSize = 20


@router.get(
    "/work-orders",
    response=list[schemas.WorkOrderOut],
    summary="Work orders in your scope (mine=true: assigned to me or my department)",
)
def list_work_orders(request: HttpRequest, query: Query[WorkOrderQuery]):
    qs = WorkOrder.objects.for_user(request.user)
    if query.mine:
        qs = qs.filter(Q(assignee=request.user) | Q(department_id=request.user.department_id))
    if query.department:
        qs = qs.filter(department__code=query.department)
    if query.active:
        qs = qs.filter(status__in=ACTIVE_WORK_ORDER_STATUSES)
    page_size = query.page_size
    start = (query.page - 1) * page_size
    qs = (
        qs.select_related("ticket", "department", "assignee")
        .prefetch_related("fee_items")
        .order_by("deadline", "pk")
    )[start : start + page_size]
    return [work_order_data(o) for o in qs]
