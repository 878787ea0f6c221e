from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockKind(models.TextChoices):
    """The clocks of SPEC §5's table."""

    REGISTER = "register", _("开单")
    DISPATCH = "dispatch", _("派单")
    EMERGENCY = "emergency", _("紧急响应")
    FIRST_REPLY = "first_reply", _("首次回复")
    AGREED_REPLY = "agreed_reply", _("约定反馈")
    HANDLE = "handle", _("处理")
    RESULT_REPLY = "result_reply", _("结果回复")
    PLAN = "plan", _("处理方案")
    CLOSE = "close", _("结案")
    CALLBACK = "callback", _("回访")
    WORK_ORDER = "work_order", _("工单完成")
    #: An open complaint's follow-up record (跟进记录): one a week, a month when the resident
    #: and the company have long failed to agree (SPEC §4, seed 002 6.5.2 4).
    FOLLOW_UP = "follow_up", _("跟进")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("按时")
    BREACHED = "breached", _("超时")
    CANCELLED = "cancelled", _("不适用")


OPEN_CLOCK_STATES = frozenset({ClockState.RUNNING, ClockState.PAUSED})


class ClockUnit(models.TextChoices):
    MINUTES = "minutes", _("自然分钟")
    HOURS = "hours", _("自然小时")
    WORKING_MINUTES = "working_minutes", _("工作分钟")
    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")
    SAME_DAY = "same_day", _("当天")
    #: The close of working hours on the Nth calendar day, working day or not (SPEC §6).
    CALENDAR_DAYS = "calendar_days", _("自然日(当日下班前)")
    #: The close of working hours on the same date N calendar months later (its last day where
    #: that date does not exist): "one month" is a calendar month (SPEC §5), not 30 days.
    CALENDAR_MONTHS = "calendar_months", _("自然月(当日下班前)")
    FIXED = "fixed", _("约定时间")


#: Counted on the clock on the wall, not in working time (calendar days end at the close of
#: working hours, but the days in between count whether or not they are working days).
NATURAL_UNITS = frozenset(
    {
        ClockUnit.MINUTES,
        ClockUnit.HOURS,
        ClockUnit.FIXED,
        ClockUnit.CALENDAR_DAYS,
        ClockUnit.CALENDAR_MONTHS,
    }
)
