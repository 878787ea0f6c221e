"""The intake registers of seed 002 (6.5.1): 来电登记表, 来访登记表 and 来信登记表 — every request
received by phone, at the desk, or by letter or the service mailbox in a period, with what the
paper forms held (who, room, phone, what, expectation, who took it) and where it stands, read
from the record so that nobody fills them in by hand (SPEC §11)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.errors import InvalidInput
from propdesk.org.access import scoped
from propdesk.org.models import User

from .choices import Channel
from .models import Ticket

#: The three registers and the channels each holds: a letter register also takes the service
#: mailbox (seed 002: 来信(包括服务邮箱)).
REGISTERS: dict[str, tuple[object, tuple[str, ...]]] = {
    "phone": (_("来电登记表"), (Channel.PHONE,)),
    "visit": (_("来访登记表"), (Channel.VISIT,)),
    "letter": (_("来信登记表"), (Channel.LETTER, Channel.EMAIL)),
}
#: The longest period one register covers: a month is what a desk files.
MAX_DAYS = 31
#: Rows on one printed register, at most.
MAX_ROWS = 3000


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(_("结束日期不能早于开始日期"), field="to")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(_("一次最多 %(n)s 天") % {"n": MAX_DAYS}, field="to")


def register_rows(user: User, register: str, start: date, end: date) -> QuerySet[Ticket]:
    """The requests of one register received from ``start`` to ``end`` (both days included)
    in the user's projects, oldest first, as the form is filled."""
    if register not in REGISTERS:
        raise InvalidInput(_("没有这种登记表"), field="register")
    check_period(start, end)
    channels = REGISTERS[register][1]
    rows = Ticket.objects.filter(
        channel__in=channels,
        received_at__gte=_start_of(start),
        received_at__lt=_start_of(end + timedelta(days=1)),
    )
    return (
        scoped(rows, user, "project")
        .select_related("project", "category", "room__building", "room__unit", "registered_by")
        .order_by("received_at", "pk")[:MAX_ROWS]
    )
