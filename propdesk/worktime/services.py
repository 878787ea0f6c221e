"""Loading working calendars from the database, seeding them, and importing a year (written
to the audit log with the days before and after)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext as _

from propdesk.core.audit import audit_change
from propdesk.core.cache import TtlCache
from propdesk.core.errors import InvalidInput
from propdesk.core.models import AuditAction
from propdesk.org.models import Project, User

from .arithmetic import DEFAULT_WORK_END, DEFAULT_WORK_START, WorkCalendar
from .models import Calendar, CalendarDay, CalendarYear, ProjectSchedule

SYSTEM_CALENDAR_CODE = "CN"
#: How long a process keeps a calendar before reading it again (edits elsewhere show up
#: within this time; edits in this process clear the cache at once).
CACHE_SECONDS = 300

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

_calendars: TtlCache[WorkCalendar] = TtlCache(CACHE_SECONDS)
#: Which calendar and hours each project uses: every lifecycle move asks.
_projects: TtlCache[tuple[int | None, time, time]] = TtlCache(CACHE_SECONDS)


def clear_cache() -> None:
    _calendars.clear()
    _projects.clear()


#: Sent after a change to working days or hours commits, with ``since``: the first day whose
#: working time may differ. The time limits replan the clocks running over it (sla.replan).
calendar_changed = Signal()


def announce_change(since: date) -> None:
    """This process reads calendars afresh now; everyone is told once the change commits."""
    clear_cache()

    def tell() -> None:
        clear_cache()
        calendar_changed.send(sender=Calendar, since=since)

    transaction.on_commit(tell)


def _load(calendar_id: int | None, work_start: time, work_end: time) -> WorkCalendar:
    return _calendars.get(
        (calendar_id, work_start, work_end),
        lambda: _read_calendar(calendar_id, work_start, work_end),
    )


def _read_calendar(calendar_id: int | None, work_start: time, work_end: time) -> WorkCalendar:
    holidays: set[date] = set()
    makeup: set[date] = set()
    years: frozenset[int] = frozenset()
    if calendar_id is not None:
        for day, is_workday in CalendarDay.objects.filter(calendar_id=calendar_id).values_list(
            "date", "is_workday"
        ):
            (makeup if is_workday else holidays).add(day)
        years = frozenset(
            CalendarYear.objects.filter(calendar_id=calendar_id).values_list("year", flat=True)
        )
    return WorkCalendar(
        holidays=frozenset(holidays),
        makeup_workdays=frozenset(makeup),
        known_years=years,
        work_start=work_start,
        work_end=work_end,
    )


def _calendar_id_for(project: Project) -> int | None:
    schedule = ProjectSchedule.objects.filter(project=project).first()
    if schedule and schedule.calendar_id:
        return schedule.calendar_id
    company_default = (
        Calendar.objects.filter(company_id=project.company_id, is_company_default=True)
        .values_list("pk", flat=True)
        .first()
    )
    if company_default:
        return company_default
    return Calendar.objects.filter(code=SYSTEM_CALENDAR_CODE).values_list("pk", flat=True).first()


def _schedule_of(project: Project) -> tuple[int | None, time, time]:
    schedule = ProjectSchedule.objects.filter(project=project).first()
    start = schedule.work_start if schedule else DEFAULT_WORK_START
    end = schedule.work_end if schedule else DEFAULT_WORK_END
    return _calendar_id_for(project), start, end


def calendar_for_project(project: Project) -> WorkCalendar:
    """The project's calendar and hours: its own, else its company's default, else the system
    calendar (seeded from chinese-calendar); 08:30–18:00 unless the project says otherwise."""
    calendar_id, start, end = _projects.get(project.pk, lambda: _schedule_of(project))
    return _load(calendar_id, start, end)


def system_calendar() -> WorkCalendar:
    calendar_id = (
        Calendar.objects.filter(code=SYSTEM_CALENDAR_CODE).values_list("pk", flat=True).first()
    )
    return _load(calendar_id, DEFAULT_WORK_START, DEFAULT_WORK_END)


@transaction.atomic
def seed_from_chinese_calendar(calendar: Calendar) -> list[int]:
    """Load every year the chinese-calendar package knows into ``calendar``; returns them."""
    from chinese_calendar.constants import holidays, workdays

    rows: dict[date, CalendarDay] = {}
    for day, name in holidays.items():
        rows[day] = CalendarDay(
            calendar=calendar, date=day, is_workday=False, note=HOLIDAY_NAMES.get(str(name), "")
        )
    for day, name in workdays.items():
        note = HOLIDAY_NAMES.get(str(name), "")
        rows[day] = CalendarDay(calendar=calendar, date=day, is_workday=True, note=f"{note}调休")
    years = sorted({d.year for d in rows})
    CalendarDay.objects.filter(calendar=calendar, date__year__in=years).delete()
    CalendarDay.objects.bulk_create(rows.values(), batch_size=500)
    for year in years:
        CalendarYear.objects.update_or_create(
            calendar=calendar, year=year, defaults={"source": "chinese-calendar"}
        )
    transaction.on_commit(clear_cache)
    return years


@dataclass(frozen=True)
class ImportedDay:
    date: date
    is_workday: bool
    note: str


_WORK_WORDS = {"workday", "work", "上班", "调休", "1", "true", "yes"}
_OFF_WORDS = {"holiday", "off", "休息", "放假", "节假日", "0", "false", "no"}


def _parse_kind(value: str, where: str) -> bool:
    word = (value or "").strip().lower()
    if word in _WORK_WORDS:
        return True
    if word in _OFF_WORDS:
        return False
    raise InvalidInput(
        _("%(where)s:类型“%(v)s”无法识别,应为 holiday/休息 或 workday/上班")
        % {"where": where, "v": value},
        field="type",
    )


def _parse_date(value: object, where: str) -> date:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            _("%(where)s:日期“%(v)s”格式不对,应为 YYYY-MM-DD") % {"where": where, "v": value},
            field="date",
        ) from None


def parse_calendar_file(name: str, content: str) -> list[ImportedDay]:
    """Read a schedule from CSV (``date,type,note``) or JSON.

    JSON is either ``{"holidays": [...], "workdays": [...]}`` (dates, or objects with
    ``date`` and ``note``) or a list of ``{"date", "type", "note"}``.
    """
    days: list[ImportedDay] = []
    if name.lower().endswith(".json"):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                _("JSON 格式错误(第 %(line)s 行):%(msg)s") % {"line": exc.lineno, "msg": exc.msg},
                field="file",
            ) from None
        if isinstance(data, dict):
            for key in ("holidays", "workdays"):
                if not isinstance(data.get(key, []), list):
                    raise InvalidInput(_("JSON 中 %(k)s 应为数组") % {"k": key}, field="file")
            entries = [(e, False) for e in data.get("holidays", [])] + [
                (e, True) for e in data.get("workdays", [])
            ]
            if not entries:
                raise InvalidInput(_("JSON 中没有 holidays 或 workdays"), field="file")
            for index, (entry, is_workday) in enumerate(entries, start=1):
                where = _("第 %(n)s 项") % {"n": index}
                if isinstance(entry, dict):
                    days.append(
                        ImportedDay(
                            _parse_date(entry.get("date", ""), where),
                            is_workday,
                            str(entry.get("note", ""))[:50],
                        )
                    )
                else:
                    days.append(ImportedDay(_parse_date(entry, where), is_workday, ""))
        elif isinstance(data, list):
            for index, entry in enumerate(data, start=1):
                where = _("第 %(n)s 项") % {"n": index}
                if not isinstance(entry, dict):
                    raise InvalidInput(_("%(where)s 应为对象") % {"where": where}, field="file")
                days.append(
                    ImportedDay(
                        _parse_date(entry.get("date", ""), where),
                        _parse_kind(str(entry.get("type", "")), where),
                        str(entry.get("note", ""))[:50],
                    )
                )
        else:
            raise InvalidInput(_("JSON 顶层应为对象或数组"), field="file")
    elif name.lower().endswith(".csv"):
        reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
        for line_no, row in enumerate(reader, start=1):
            if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
                continue
            if line_no == 1 and row[0].strip().lower() in {"date", "日期"}:
                continue
            where = _("第 %(n)s 行") % {"n": line_no}
            if len(row) < 2:
                raise InvalidInput(
                    _("%(where)s:应有“日期,类型[,说明]”三列") % {"where": where}, field="file"
                )
            days.append(
                ImportedDay(
                    _parse_date(row[0], where),
                    _parse_kind(row[1], where),
                    (row[2].strip() if len(row) > 2 else "")[:50],
                )
            )
    else:
        raise InvalidInput(_("只支持 .csv 或 .json 文件"), field="file")
    if not days:
        raise InvalidInput(_("文件中没有任何日期"), field="file")
    seen: set[date] = set()
    for day in days:
        if day.date in seen:
            raise InvalidInput(_("日期 %(d)s 出现了两次") % {"d": day.date}, field="date")
        seen.add(day.date)
        if day.is_workday and day.date.weekday() < 5:
            raise InvalidInput(
                _("%(d)s 是工作日(周一至周五),不能再标为调休上班") % {"d": day.date},
                field="date",
            )
    return days


def _schedule(calendar: Calendar, year: int, others: list[date]) -> dict:
    """What an import replaces, as the audit log records it."""
    days = CalendarDay.objects.filter(calendar=calendar).filter(
        Q(date__year=year) | Q(date__in=others)
    )
    known = CalendarYear.objects.filter(calendar=calendar, year=year).first()
    return {
        "year": year,
        "source": known.source if known else None,
        "days": [
            [d.isoformat(), work, note]
            for d, work, note in days.order_by("date").values_list("date", "is_workday", "note")
        ],
    }


@transaction.atomic
def import_calendar(
    calendar: Calendar,
    days: list[ImportedDay],
    *,
    source: str,
    year: int | None = None,
    actor: User | None = None,
) -> list[int]:
    """Replace one year's schedule with the file's; returns the year.

    The year is ``year`` or the one most of the file's dates fall in. A State Council notice
    also lists days of a neighbouring year (2022-12-31 in the 2023 notice): those are added or
    corrected one by one, and that year's other days — and whether it counts as known — are
    left as they were.
    """
    if year is None:
        counts: dict[int, int] = {}
        for day in days:
            counts[day.date.year] = counts.get(day.date.year, 0) + 1
        year = max(counts, key=lambda y: (counts[y], y))
    if not any(d.date.year == year for d in days):
        raise InvalidInput(_("文件中没有 %(y)s 年的日期") % {"y": year}, field="year")
    others = [d.date for d in days if d.date.year != year]
    before = _schedule(calendar, year, others)
    CalendarDay.objects.filter(calendar=calendar, date__year=year).delete()
    CalendarDay.objects.filter(calendar=calendar, date__in=others).delete()
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(calendar=calendar, date=d.date, is_workday=d.is_workday, note=d.note)
            for d in days
        ]
    )
    CalendarYear.objects.update_or_create(
        calendar=calendar, year=year, defaults={"source": source[:100]}
    )
    # The whole year was replaced, and the neighbouring year's days the file names.
    announce_change(min(date(year, 1, 1), *(d.date for d in days)))
    after = _schedule(calendar, year, others)
    audit_change(actor, AuditAction.CONFIG_CHANGE, calendar, before, after)
    return [year]


def import_calendar_file(
    path: str | Path,
    *,
    calendar_code: str = SYSTEM_CALENDAR_CODE,
    year: int | None = None,
    actor: User | None = None,
) -> list[int]:
    path = Path(path)
    calendar = Calendar.objects.filter(code=calendar_code).first()
    if calendar is None:
        raise InvalidInput(_("日历“%(c)s”不存在") % {"c": calendar_code}, field="calendar")
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(_("文件 %(p)s 不存在") % {"p": path}, field="file") from None
    except UnicodeDecodeError:
        raise InvalidInput(_("文件须为 UTF-8 编码"), field="file") from None
    return import_calendar(
        calendar, parse_calendar_file(path.name, content), source=path.name, year=year, actor=actor
    )
