"""What a figure is counted over: a period (a month, or any days) and a scope (a project, a
region, the company), always within the projects the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.clock import FIRST_DAY, LAST_DAY
from propdesk.core.errors import InvalidInput, OutOfScope
from propdesk.org.models import Project, Region, User


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` included (Asia/Shanghai)."""

    first: date
    last: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-09`` (a month) or ``2026-09-01..2026-09-15``."""
        try:
            if ".." in text:
                a, b = text.split("..", 1)
                period = cls(date.fromisoformat(a), date.fromisoformat(b))
            else:
                year, month = text.split("-")
                period = cls.month(int(year), int(month))
        except ValueError:
            raise InvalidInput(
                _("期间格式应为 YYYY-MM 或 YYYY-MM-DD..YYYY-MM-DD"), field="period"
            ) from None
        if period.last < period.first:
            raise InvalidInput(_("期间的结束不能早于开始"), field="period")
        if period.first < FIRST_DAY or period.last > LAST_DAY:  # year 1 overflowed: a 500
            raise InvalidInput(
                _("日期应在 %(first)s 到 %(last)s 之间") % {"first": FIRST_DAY, "last": LAST_DAY},
                field="period",
            )
        return period

    @property
    def start(self) -> datetime:
        return _midnight(self.first)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return _midnight(self.last + timedelta(days=1))

    def previous_month(self) -> Period:
        first = self.first.replace(day=1) - timedelta(days=1)
        return Period.month(first.year, first.month)

    def same_month_last_year(self) -> Period:
        return Period.month(self.first.year - 1, self.first.month)

    def __str__(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


@dataclass(frozen=True)
class Scope:
    kind: str  # project | region | company
    code: str
    name: str
    project_ids: frozenset[int]


def scope_for(user: User, text: str | None) -> Scope:
    """``project:SZHY``, ``region:SZ`` or ``company`` (the default): the projects of it that
    the user may see. A project or region that exists but lies outside the user's scope is
    OutOfScope (403, SPEC §1), as it is everywhere else; an unknown one is InvalidInput."""
    text = (text or "company").strip()
    visible = user.project_ids
    if text == "company":
        ids = frozenset(
            Project.objects.filter(company_id=user.company_id, pk__in=visible).values_list(
                "pk", flat=True
            )
        )
        return Scope("company", "", str(user.company or ""), ids)
    kind, _sep, code = text.partition(":")
    if kind == "project":
        project = Project.objects.filter(code=code).first()
        if project is None:
            raise InvalidInput(_("项目“%(c)s”不存在") % {"c": code}, field="scope")
        if project.pk not in visible:
            raise OutOfScope(_("项目“%(c)s”不在您的数据范围内") % {"c": code}, field="scope")
        return Scope("project", code, project.name, frozenset({project.pk}))
    if kind == "region":
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise InvalidInput(_("地区“%(c)s”不存在") % {"c": code}, field="scope")
        ids = frozenset(
            pk
            for pk in Project.objects.filter(region=region).values_list("pk", flat=True)
            if pk in visible
        )
        if not ids:
            raise OutOfScope(_("地区“%(c)s”不在您的数据范围内") % {"c": code}, field="scope")
        return Scope("region", code, region.name, ids)
    raise InvalidInput(_("范围应为 company、region:编码 或 project:编码"), field="scope")
