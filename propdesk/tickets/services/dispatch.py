"""Dispatch to departments and the work orders' own moves (派单, 退单/转派, 处理, 完成)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from propdesk.org.choices import Role
from propdesk.org.models import Department, User

from ..choices import ACTIVE_WORK_ORDER_STATUSES, EventKind, Satisfaction, Status, WorkOrderStatus
from ..models import FeeItem, FeeStandard, Ticket, WorkOrder
from .guards import (
    check_move,
    get_work_order,
    lock_ticket,
    move_to,
    move_work_order,
    record_event,
    require_text,
)
from .references import assignee_for, department_for


@dataclass
class FeeLine:
    """One line of a paid-repair quote: from the fee standard (by code) or a free line."""

    quantity: Decimal
    standard: str = ""
    name: str = ""
    unit: str = ""
    unit_price: Decimal | None = None


#: Quantities and prices are kept with two decimals, below 10⁸; amounts and totals below 10¹⁰
#: (the columns' capacity: a larger figure is a typing mistake, not a repair).
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1e8")
AMOUNT_LIMIT = Decimal("1e10")


def _amount(value: Decimal | float | int | str, field: str, label: str) -> Decimal:
    """``value`` as an exact Decimal of at most two decimals, or InvalidInput naming ``field``."""
    try:
        # A float goes through its shortest text form: 0.1 is 0.1, not 0.1000000000000000055…
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or number != number.quantize(CENT):
            raise InvalidOperation
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(
            _("%(label)s须为数字,最多两位小数") % {"label": label}, field=field
        ) from None
    if abs(number) >= MONEY_LIMIT:
        raise InvalidInput(_("%(label)s过大") % {"label": label}, field=field)
    return number


def _fee_items(ticket: Ticket, lines: list[FeeLine]) -> list[FeeItem]:
    items = []
    for index, line in enumerate(lines):
        field = f"fee_items[{index}]"
        quantity = _amount(line.quantity, f"{field}.quantity", _("数量"))
        if quantity <= 0:
            raise InvalidInput(_("数量必须大于 0"), field=f"{field}.quantity")
        if line.standard:
            standard = FeeStandard.objects.filter(
                company_id=ticket.company_id, code=line.standard, is_active=True
            ).first()
            if standard is None:
                raise InvalidInput(
                    _("收费标准“%(code)s”不存在") % {"code": line.standard},
                    field=f"{field}.standard",
                )
            name, unit, price = standard.name, standard.unit, standard.price
        else:
            standard = None
            name = require_text(line.name, f"{field}.name", _("收费项目"))
            unit = line.unit or _("项")
            if line.unit_price is None:
                raise InvalidInput(_("请填写单价"), field=f"{field}.unit_price")
            price = _amount(line.unit_price, f"{field}.unit_price", _("单价"))
            if price < 0:
                raise InvalidInput(_("单价不能为负数"), field=f"{field}.unit_price")
        amount = (quantity * price).quantize(CENT)
        if amount >= AMOUNT_LIMIT:
            raise InvalidInput(_("金额过大"), field=f"{field}.quantity")
        items.append(
            FeeItem(
                standard=standard,
                name=name,
                unit=unit,
                quantity=quantity,
                unit_price=price,
                amount=amount,
            )
        )
    if sum((i.amount for i in items), Decimal(0)) >= AMOUNT_LIMIT:
        raise InvalidInput(_("费用合计过大"), field="fee_items")
    return items


@transaction.atomic
def dispatch(
    actor: User,
    ticket: Ticket,
    *,
    department: str,
    deadline: datetime | None,
    assignee: str | None = None,
    instructions: str = "",
    appointment_at: datetime | None = None,
    fee_items: list[FeeLine] | None = None,
    fee_agreement_note: str = "",
    now: datetime | None = None,
) -> WorkOrder:
    """Send the ticket to a department with a deadline; one work order per department.

    A paid repair needs the quote and the resident's agreement before dispatch (seed 003); the
    booked appointment is then the deadline.
    """
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "dispatch")
    at = clock.resolve(now)
    dept = department_for(ticket.project, department)
    user = assignee_for(dept, ticket.project, assignee)
    _require_no_open_order(ticket, dept)
    if appointment_at is not None:
        appointment_at = clock.resolve(appointment_at)
        if appointment_at <= at:
            raise InvalidInput(_("预约上门时间必须晚于现在"), field="appointment_at")
    items: list[FeeItem] = []
    if ticket.is_paid_repair:
        # The quote and the resident's agreement come first; the booked appointment is the
        # deadline (seed 003), so a deadline passed along with it is not used.
        if not fee_items:
            raise InvalidInput(_("有偿维修须先向住户报价"), field="fee_items")
        items = _fee_items(ticket, fee_items)
        require_text(fee_agreement_note, "fee_agreement_note", _("住户同意报价的方式"))
        if appointment_at is None:
            raise InvalidInput(_("有偿维修须填写预约上门时间"), field="appointment_at")
        deadline = appointment_at
    else:
        if fee_items:
            raise InvalidInput(_("只有有偿维修才能填写收费明细"), field="fee_items")
        if deadline is None:
            raise InvalidInput(_("请填写完成时限"), field="deadline")
        deadline = clock.resolve(deadline)
        if deadline <= at:
            raise InvalidInput(_("完成时限必须晚于现在"), field="deadline")

    sequence = (ticket.work_orders.aggregate(m=Max("sequence"))["m"] or 0) + 1
    work_order = WorkOrder.objects.create(
        ticket=ticket,
        sequence=sequence,
        department=dept,
        assignee=user,
        instructions=instructions.strip(),
        deadline=deadline,
        appointment_at=appointment_at,
        dispatched_by=actor,
        dispatched_at=at,
        fee_total=sum((i.amount for i in items), Decimal("0.00")),
        fee_agreed_at=at if items else None,
        fee_agreement_note=fee_agreement_note.strip(),
    )
    for item in items:
        item.work_order = work_order
    FeeItem.objects.bulk_create(items)
    to_status = Status.IN_PROGRESS if ticket.status == Status.IN_PROGRESS else Status.DISPATCHED
    fields = {} if ticket.first_dispatched_at else {"first_dispatched_at": at}
    move_to(
        ticket,
        to_status,
        EventKind.DISPATCHED,
        actor,
        at,
        note=work_order.instructions,
        work_order=work_order,
        data={
            "department": dept.code,
            "assignee": user.username if user else None,
            "deadline": deadline.astimezone(UTC).isoformat(),
            "fee_total": str(work_order.fee_total),
        },
        fields=fields,
    )
    return work_order


def _require_no_open_order(ticket: Ticket, department: Department) -> None:
    """One work order per department: a department already working on it is not sent it again."""
    if ticket.work_orders.filter(
        department=department, status__in=ACTIVE_WORK_ORDER_STATUSES
    ).exists():
        raise InvalidTransition(
            _("部门“%(d)s”已有进行中的工单,请勿重复派单") % {"d": department},
            field="department",
        )


def _check_handler(actor: User, work_order: WorkOrder) -> None:
    """A department handler works only the orders of their own department."""
    if (
        actor.role == Role.HANDLER
        and not actor.is_superuser
        and actor.department_id != work_order.department_id
        and actor.pk != work_order.assignee_id
    ):
        raise PermissionDenied(_("这张工单不属于您的部门"))


def _require_active(work_order: WorkOrder) -> None:
    if work_order.status not in ACTIVE_WORK_ORDER_STATUSES:
        raise InvalidTransition(
            _("工单状态为“%(s)s”,已不能操作") % {"s": WorkOrderStatus(work_order.status).label}
        )


def _status_after_work_order_left(ticket: Ticket) -> Status:
    """With no active work order left (and none done) the ticket waits for dispatch again."""
    active = ticket.work_orders.filter(status__in=ACTIVE_WORK_ORDER_STATUSES)
    if active.filter(status=WorkOrderStatus.IN_PROGRESS).exists():
        return Status.IN_PROGRESS
    if active.exists():
        return Status.DISPATCHED
    return Status.ACCEPTED


@transaction.atomic
def return_work_order(
    actor: User, ticket: Ticket, *, work_order: int, reason: str, now: datetime | None = None
) -> WorkOrder:
    """A department sends its order back (wrong department, not ours): 退单.

    When no other department is still working on it, the ticket waits for a new dispatch.
    """
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "return")
    order = get_work_order(ticket, work_order)
    _check_handler(actor, order)
    _require_active(order)
    reason = require_text(reason, "reason", _("退单原因"))
    at = clock.resolve(now)
    move_work_order(order, WorkOrderStatus.RETURNED, return_reason=reason, completed_at=at)
    move_to(
        ticket,
        _status_after_work_order_left(ticket),
        EventKind.WORK_ORDER_RETURNED,
        actor,
        at,
        note=reason,
        work_order=order,
        data={"department": order.department.code},
    )
    return order


@transaction.atomic
def transfer(
    actor: User,
    ticket: Ticket,
    *,
    work_order: int,
    department: str,
    reason: str,
    deadline: datetime | None = None,
    assignee: str | None = None,
    now: datetime | None = None,
) -> WorkOrder:
    """Move a work order to the right department (转派): the old one is returned, a new one made."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "transfer")
    order = get_work_order(ticket, work_order)
    _require_active(order)
    reason = require_text(reason, "reason", _("转派原因"))
    at = clock.resolve(now)
    dept = department_for(ticket.project, department)
    if dept.pk == order.department_id:
        raise InvalidInput(_("请选择另一个部门"), field="department")
    user = assignee_for(dept, ticket.project, assignee)
    _require_no_open_order(ticket, dept)
    deadline = clock.resolve(deadline) if deadline else order.deadline
    if deadline <= at:
        raise InvalidInput(_("完成时限必须晚于现在"), field="deadline")
    move_work_order(order, WorkOrderStatus.RETURNED, return_reason=reason, completed_at=at)
    sequence = (ticket.work_orders.aggregate(m=Max("sequence"))["m"] or 0) + 1
    new_order = WorkOrder.objects.create(
        ticket=ticket,
        sequence=sequence,
        department=dept,
        assignee=user,
        instructions=order.instructions,
        deadline=deadline,
        appointment_at=order.appointment_at,
        dispatched_by=actor,
        dispatched_at=at,
        # A paid repair's quote and the resident's agreement go with the work.
        fee_total=order.fee_total,
        fee_agreed_at=order.fee_agreed_at,
        fee_agreement_note=order.fee_agreement_note,
    )
    FeeItem.objects.bulk_create(
        FeeItem(
            work_order=new_order,
            standard_id=item.standard_id,
            name=item.name,
            unit=item.unit,
            quantity=item.quantity,
            unit_price=item.unit_price,
            amount=item.amount,
        )
        for item in order.fee_items.order_by("pk")
    )
    move_to(
        ticket,
        _status_after_work_order_left(ticket),
        EventKind.TRANSFERRED,
        actor,
        at,
        note=reason,
        work_order=new_order,
        data={
            "from_work_order": order.sequence,
            "from_department": order.department.code,
            "department": dept.code,
            "deadline": deadline.astimezone(UTC).isoformat(),
        },
    )
    return new_order


@transaction.atomic
def start(
    actor: User, ticket: Ticket, *, work_order: int, now: datetime | None = None
) -> WorkOrder:
    """The department starts work on its order; the handler becomes its assignee if none."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "start")
    order = get_work_order(ticket, work_order)
    _check_handler(actor, order)
    if order.status != WorkOrderStatus.DISPATCHED:
        raise InvalidTransition(_("工单已开始处理或已结束"))
    at = clock.resolve(now)
    assignee = order.assignee
    if order.assignee_id is None and actor.department_id == order.department_id:
        assignee = actor
    move_work_order(order, WorkOrderStatus.IN_PROGRESS, started_at=at, assignee=assignee)
    move_to(ticket, Status.IN_PROGRESS, EventKind.STARTED, actor, at, work_order=order)
    return order


def _on_site(rating: str, signed: bool) -> tuple[str, bool]:
    """The resident's rating at the end of the work (may be blank: not rated) and signature."""
    rating = (rating or "").strip()
    if rating and rating not in Satisfaction.values:
        raise InvalidInput(
            _("住户现场评价“%(r)s”无效,可选:%(o)s")
            % {"r": rating, "o": ", ".join(Satisfaction.values)},
            field="resident_rating",
        )
    if not isinstance(signed, bool):
        raise InvalidInput(_("须为是或否"), field="resident_signed")
    return rating, signed


def _complete(
    order: WorkOrder, result: str, at: datetime, rating: str = "", signed: bool = False
) -> None:
    move_work_order(
        order,
        WorkOrderStatus.DONE,
        result=result,
        completed_at=at,
        started_at=order.started_at or at,
        resident_rating=rating,
        resident_signed=signed,
    )


@transaction.atomic
def complete_work_order(
    actor: User,
    ticket: Ticket,
    *,
    work_order: int,
    result: str,
    resident_rating: str = "",
    resident_signed: bool = False,
    now: datetime | None = None,
) -> WorkOrder:
    """A department finishes its order, with the resident's rating and signature when given.
    When it was the last one open, the ticket is resolved."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "complete_work_order")
    order = get_work_order(ticket, work_order)
    _check_handler(actor, order)
    _require_active(order)
    result = require_text(result, "result", _("处理结果"))
    rating, signed = _on_site(resident_rating, resident_signed)
    at = clock.resolve(now)
    _complete(order, result, at, rating, signed)
    record_event(ticket, EventKind.WORK_ORDER_COMPLETED, actor, at, note=result, work_order=order)
    if not ticket.work_orders.filter(status__in=ACTIVE_WORK_ORDER_STATUSES).exists():
        move_to(
            ticket,
            Status.RESOLVED,
            EventKind.RESOLVED,
            actor,
            at,
            note=result,
            work_order=order,
            fields={"resolved_at": at, "resolution": result},
        )
    return order


@transaction.atomic
def resolve(
    actor: User,
    ticket: Ticket,
    *,
    result: str,
    resident_rating: str = "",
    resident_signed: bool = False,
    now: datetime | None = None,
) -> Ticket:
    """Record the result of the whole ticket; any order still open is completed with it (and
    with the resident's rating and signature, when given)."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "resolve")
    result = require_text(result, "result", _("处理结果"))
    rating, signed = _on_site(resident_rating, resident_signed)
    at = clock.resolve(now)
    active = list(
        ticket.work_orders.select_for_update().filter(status__in=ACTIVE_WORK_ORDER_STATUSES)
    )
    for order in active:
        _check_handler(actor, order)
    for order in active:
        _complete(order, result, at, rating, signed)
    move_to(
        ticket,
        Status.RESOLVED,
        EventKind.RESOLVED,
        actor,
        at,
        note=result,
        data={"completed_work_orders": [o.sequence for o in active]},
        fields={"resolved_at": at, "resolution": result},
    )
    return ticket
