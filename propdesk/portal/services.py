"""What a resident does on the portal (SPEC §12), one typed function each.

Who is asking is a :class:`Visitor`: a project, and either a phone proven by an SMS code (on the
household file: its rooms; not on file: a guest whose requests await a room match) or nobody
(anonymous, where the project allows it). Every change to a ticket goes through the tickets,
callbacks and notify services in the name of the project's portal account
(``org.services.portal_account``): the lifecycle, the clocks, the receipt and the callback
tasks follow as for any other channel.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from propdesk.callbacks import services as callback_services
from propdesk.callbacks.choices import CallbackMethod
from propdesk.callbacks.models import TaskReason
from propdesk.core import clock
from propdesk.core.errors import Conflict, InvalidInput, NotFound
from propdesk.org.models import Project
from propdesk.org.services import PORTAL_ACCOUNT_PREFIX, portal_account
from propdesk.residents import services as residents_services
from propdesk.residents.models import Resident, Room
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import (
    SATISFIED_LEVELS,
    Channel,
    Kind,
    ReporterType,
    Satisfaction,
    Status,
)
from propdesk.tickets.models import Attachment, Category, Ticket

from .models import PortalSettings, Submission

#: What a resident may ask for on the portal (the kinds of SPEC §3 a resident names).
PORTAL_KINDS = (Kind.REPAIR, Kind.COMPLAINT, Kind.CONSULTATION, Kind.SUGGESTION, Kind.PRAISE)
MAX_PHOTOS = 9
#: The channel of a portal request: SPEC §3 lists "WeChat / app / resident portal" as one.
PORTAL_CHANNEL = Channel.WECHAT
#: Reasons a resident may tick beside an unsatisfied rating (the chips).
REASON_CHIPS = {
    "slow": _("处理太慢"),
    "not_fixed": _("问题没有解决"),
    "attitude": _("服务态度不好"),
    "no_reply": _("没有回复我"),
    "mess": _("施工后未清理"),
    "other": _("其他"),
}


def settings_of(project: Project) -> PortalSettings:
    found = PortalSettings.objects.filter(project=project).first()
    return found or PortalSettings(project=project)


def project_by_code(code: str) -> Project:
    project = Project.objects.select_related("company").filter(code=code, is_active=True).first()
    if project is None:
        raise NotFound(_("项目不存在"))
    return project


@dataclass
class Visitor:
    """The person on the portal of one project: a proven phone and what the household file
    says of it (read afresh at every request: a resident who moved out loses the rooms)."""

    project: Project
    phone: str = ""
    residents: list[Resident] = field(default_factory=list)
    rooms: list[Room] = field(default_factory=list)

    @property
    def signed_in(self) -> bool:
        return bool(self.phone)

    @property
    def on_file(self) -> bool:
        return bool(self.rooms)


def visitor(project: Project, phone: str) -> Visitor:
    """Who a proven phone is in this project: the residents with it (phone or phone2) and
    their current rooms here."""
    if not phone:
        return Visitor(project)
    residents = list(
        Resident.objects.filter(company_id=project.company_id)
        .filter(Q(phone=phone) | Q(phone2=phone))
        .filter(residencies__is_active=True, residencies__room__project=project)
        .distinct()
        .order_by("pk")
    )
    rooms = list(
        Room.objects.filter(
            project=project,
            residencies__is_active=True,
            residencies__resident__in=residents,
        )
        .select_related("building", "unit")
        .distinct()
        .order_by("building__code", "unit__code", "number")
    )
    return Visitor(project, phone, residents, rooms)


def household_tickets(who: Visitor) -> QuerySet[Ticket]:
    """Every request of the visitor's household in this project: of their rooms, or reported
    by them; for a phone not on file, those it sent as a contact without a room."""
    if not who.signed_in:
        return Ticket.objects.none()
    mine = Q(contact_phone=who.phone, resident__isnull=True, room__isnull=True)
    if who.on_file:
        mine |= Q(room__in=who.rooms) | Q(resident__in=who.residents)
    return (
        Ticket.objects.filter(project=who.project)
        .filter(mine)
        .select_related("category", "category__parent", "room__building", "room__unit")
        .order_by("-received_at", "-pk")
    )


def ticket_of(who: Visitor, number: str) -> Ticket:
    """One request of the household; any other is simply not found."""
    ticket = household_tickets(who).filter(number=number).first()
    if ticket is None:
        raise NotFound(_("没有找到这条诉求"))
    return ticket


def ticket_by_token(project: Project, token: str) -> Ticket:
    """The request a private link follows (anonymous submissions)."""
    submission = (
        Submission.objects.select_related("ticket", "ticket__category")
        .filter(token=token, ticket__project=project)
        .first()
        if token
        else None
    )
    if submission is None:
        raise NotFound(_("链接无效"))
    return submission.ticket


# --- submitting ------------------------------------------------------------------------------


def categories() -> list[Category]:
    """The simple choice a resident makes: the top level of the category tree."""
    return list(Category.objects.filter(parent__isnull=True, is_active=True))


@dataclass
class Request:
    """What the resident's form says."""

    kind: str
    category: str
    description: str
    place: str = ""
    room_id: int | None = None
    preferred_time: str = ""
    may_call: bool = True
    contact_name: str = ""
    #: A random reference the form carries: sending it twice makes one request.
    ref: str = ""
    photos: Sequence[UploadedFile] = ()


def _check_request(data: Request) -> None:
    if data.kind not in PORTAL_KINDS:
        raise InvalidInput(_("请选择类型"), field="kind")
    if len(data.photos) > MAX_PHOTOS:
        raise InvalidInput(_("最多上传 %(n)s 张照片") % {"n": MAX_PHOTOS}, field="photos")
    if not data.category:
        raise InvalidInput(_("请选择分类"), field="category")


def _description(data: Request) -> str:
    """The description as the agent reads it: what the resident wrote, then when they are in
    and whether they may be called (the ticket has no fields for these)."""
    lines = [data.description.strip()]
    if data.preferred_time.strip():
        lines.append(_("【方便时间】%(t)s") % {"t": data.preferred_time.strip()})
    lines.append(_("【来电】可以来电") if data.may_call else _("【来电】请勿来电,用短信联系"))
    return "\n".join(lines)


def submit(
    who: Visitor, data: Request, *, anonymous: bool = False, now: datetime | None = None
) -> tuple[Ticket, Submission]:
    """Register the resident's request through tickets.services (channel WeChat/portal), with
    its photos, and keep its private link. A phone on file reports as the resident of the
    chosen room; a phone not on file as a contact, the request marked for a room match;
    anonymous (where the project allows it) with no contact at all."""
    _check_request(data)
    at = clock.resolve(now)
    actor = portal_account(who.project)
    ref = "".join(ch for ch in data.ref if ch.isalnum())[:40]
    new = ticket_services.NewTicket(
        kind=data.kind,
        channel=PORTAL_CHANNEL,
        category=data.category,
        description=_description(data),
        project=who.project.code,
        place=data.place.strip(),
        client_ref=f"h5:{who.project.code}:{ref}" if ref else "",
    )
    if anonymous:
        if not settings_of(who.project).allow_anonymous:
            raise InvalidInput(_("本项目不接受匿名提交,请先验证手机号"), field="phone")
        new.reporter_type = ReporterType.ANONYMOUS
    elif not who.signed_in:
        raise InvalidInput(_("请先验证手机号"), field="phone")
    elif who.on_file:
        room = next((r for r in who.rooms if r.pk == data.room_id), None)
        if data.room_id is not None and room is None:
            raise InvalidInput(_("请选择您的房屋"), field="room_id")
        resident = next(
            (r for r in who.residents if room is None or r.rooms.filter(pk=room.pk).exists()),
            who.residents[0],
        )
        new.reporter_type = ReporterType.RESIDENT
        new.resident_id = resident.pk
        new.room_id = room.pk if room else None
        new.contact_phone = who.phone
    else:
        new.reporter_type = ReporterType.CONTACT
        new.contact_name = data.contact_name.strip()[:50]
        new.contact_phone = who.phone
        new.needs_room_match = True
    with transaction.atomic():
        ticket, created = ticket_services.register_ticket(actor, new, now=at)
        if created:
            submission = Submission.objects.create(
                ticket=ticket,
                token=secrets.token_urlsafe(24),
                phone="" if anonymous else who.phone,
                preferred_time=data.preferred_time.strip()[:100],
                may_call=data.may_call,
                created_at=at,
            )
        else:
            submission = Submission.objects.get(ticket=ticket)
    if created:
        for photo in data.photos:
            ticket_services.add_attachment(actor, ticket, photo, now=at)
    return ticket, submission


def add_information(
    who: Visitor,
    ticket: Ticket,
    *,
    text: str,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> None:
    """More words or photos on an open request of the household."""
    if not text.strip() and not photos:
        raise InvalidInput(_("请填写补充内容或选择照片"), field="text")
    if ticket.status in (Status.CLOSED, Status.MERGED, Status.CANCELLED):
        raise Conflict(_("诉求已结束,如有新问题请重新提交"))
    already = ticket.attachments.count()
    if already + len(photos) > MAX_PHOTOS * 2:
        raise InvalidInput(_("照片太多了"), field="photos")
    actor = portal_account(who.project)
    at = clock.resolve(now)
    if text.strip():
        ticket_services.add_progress_note(
            actor, ticket, text=_("住户补充:%(t)s") % {"t": text.strip()}, now=at
        )
    for photo in photos:
        ticket_services.add_attachment(actor, ticket, photo, now=at)


# --- the result: confirm, reject, rate -------------------------------------------------------


def may_answer(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """Whether the resident may still confirm, reject or rate the result: it is resolved and
    awaiting its callback, within the configured days of its resolution."""
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return False
    window = timedelta(days=settings.PORTAL_CONFIRM_DAYS)
    return clock.resolve(now) <= ticket.resolved_at + window


def _require_answerable(ticket: Ticket, at: datetime) -> None:
    if not may_answer(ticket, now=at):
        raise Conflict(
            _("这条诉求现在不能评价;超过 %(d)s 天的,如仍有问题请重新提交")
            % {"d": settings.PORTAL_CONFIRM_DAYS}
        )


def confirm_done(who: Visitor, ticket: Ticket, *, now: datetime | None = None) -> None:
    """The resident says the work is done: written on the request's history, then they rate."""
    at = clock.resolve(now)
    _require_answerable(ticket, at)
    ticket_services.add_progress_note(
        portal_account(who.project), ticket, text=_("住户确认已完成"), now=at
    )


def rate(
    who: Visitor,
    ticket: Ticket,
    *,
    satisfaction: str,
    reasons: Sequence[str] = (),
    comment: str = "",
    now: datetime | None = None,
) -> Ticket:
    """The resident's rating, recorded as a callback by link (callbacks.services): satisfied
    closes the callback; otherwise the one reopen rule of tickets.services sends the request
    back to dispatch with the rating on it, and an agent gets a callback task to call them."""
    at = clock.resolve(now)
    _require_answerable(ticket, at)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("请选择满意程度"), field="satisfaction")
    unknown = [r for r in reasons if r not in REASON_CHIPS]
    if unknown:
        raise InvalidInput(_("原因无效"), field="reasons")
    words = [str(REASON_CHIPS[r]) for r in reasons]
    text = " ".join([*(f"#{w}" for w in words), comment.strip()]).strip()
    with transaction.atomic():
        callback_services.record_callback(
            portal_account(who.project),
            ticket,
            satisfaction=satisfaction,
            method=CallbackMethod.LINK,
            comment=text,
            now=at,
        )
        if satisfaction not in SATISFIED_LEVELS:
            callback_services.open_task(
                Ticket.objects.select_related("resident", "registered_by").get(pk=ticket.pk),
                TaskReason.PORTAL_UNSATISFIED,
                at,
            )
    return Ticket.objects.get(pk=ticket.pk)


def may_reopen(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """Whether the resident may still say a request that was called back or closed is not
    solved: within the configured days of its resolution, unless the company closed it with its
    position recorded (tickets.services.reopen_at_residents_word says why)."""
    if ticket.status not in ticket_services.RESIDENT_MAY_REOPEN or ticket.resolved_at is None:
        return False
    if ticket.closure_reason in ticket_services.CONTESTED:
        return False
    window = timedelta(days=settings.PORTAL_CONFIRM_DAYS)
    return clock.resolve(now) <= ticket.resolved_at + window


def not_done(who: Visitor, ticket: Ticket, *, reason: str, now: datetime | None = None) -> Ticket:
    """The resident says it is not done. Awaiting its callback: an unsatisfied answer to the
    result (SPEC §4: the request reopens and goes back to dispatch), with their words. Already
    called back or closed, within the window: it reopens at their word, and an agent gets a
    callback task to call them as for an unsatisfied rating."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("请说明哪里还没有解决"), field="reason")
    at = clock.resolve(now)
    if ticket.status == Status.RESOLVED:
        return rate(
            who,
            ticket,
            satisfaction=Satisfaction.DISSATISFIED,
            reasons=["not_fixed"],
            comment=reason,
            now=at,
        )
    if not may_reopen(ticket, now=at):
        raise Conflict(
            _("这条诉求现在不能重新处理;超过 %(d)s 天的,如仍有问题请重新提交")
            % {"d": settings.PORTAL_CONFIRM_DAYS}
        )
    with transaction.atomic():
        ticket_services.reopen_at_residents_word(
            portal_account(who.project), ticket, reason=_("住户反映:%(t)s") % {"t": reason}, now=at
        )
        callback_services.open_task(
            Ticket.objects.select_related("resident", "registered_by").get(pk=ticket.pk),
            TaskReason.PORTAL_UNSATISFIED,
            at,
        )
    return Ticket.objects.get(pk=ticket.pk)


def resident_photos(ticket: Ticket) -> QuerySet[Attachment]:
    """The photos the resident added to their request (on the portal): shown back to them.
    Staff's own files (site photos, documents) stay in the console."""
    return ticket.attachments.filter(
        uploaded_by__username__startswith=PORTAL_ACCOUNT_PREFIX,
        content_type__startswith="image/",
    ).order_by("uploaded_at", "pk")


def resident_photo(ticket: Ticket, photo_id: int) -> Attachment:
    found = resident_photos(ticket).filter(pk=photo_id).first()
    if found is None:
        raise NotFound(_("照片不存在"))
    return found


def accepts_messages(who: Visitor) -> bool:
    """Whether we send this household's proven phone our notices: yes unless they said no."""
    return all(r.accepts_messages for r in who.residents)


def set_messages(who: Visitor, allowed: bool) -> None:
    """The resident turns our notices on or off for themselves (every resident with this phone
    in the project); a phone not on file has nothing to set."""
    if not who.on_file:
        raise InvalidInput(_("您的手机号不在住户档案中"), field="allowed")
    residents_services.set_accepts_messages(who.residents, allowed)


def surveys_open(who: Visitor) -> list[Any]:
    """The household's questionnaires not yet answered, of campaigns under way (each links to
    the surveys app's own answer page by its token)."""
    if not who.on_file:
        return []
    from propdesk.surveys.choices import CampaignStatus
    from propdesk.surveys.models import Invitation

    return list(
        Invitation.objects.filter(
            room__in=who.rooms, campaign__status=CampaignStatus.ISSUED, response__isnull=True
        )
        .select_related("campaign")
        .order_by("-pk")[:5]
    )
