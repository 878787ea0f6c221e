"""Data: the default time limits of SPEC §5's table (a company edits them in the admin)."""

from django.db import migrations

# (name, clock, criteria, unit, amount, is_cap, priority, source)
DEFAULTS = [
    ("开单:接报后 30 分钟内", "register", {}, "minutes", 30, False, 0, "seed 002 作业指导书 4.2"),
    ("派单:登记后 1 小时内", "dispatch", {}, "hours", 1, False, 0, "seed 002 作业指导书 4.3"),
    (
        "紧急事件:15 分钟到场处置",
        "emergency",
        {},
        "minutes",
        15,
        False,
        0,
        "seed 002 诉求处理 3, seed 003",
    ),
    ("求助:5 分钟内答复", "first_reply", {"kind": "help"}, "minutes", 5, False, 10, "seed 001 篇3"),
    (
        "首次回复:来电当天",
        "first_reply",
        {"channel": "phone"},
        "same_day",
        1,
        False,
        0,
        "seed 002 规程 (3)2",
    ),
    (
        "首次回复:来访当天",
        "first_reply",
        {"channel": "visit"},
        "same_day",
        1,
        False,
        0,
        "seed 002 规程 (3)2",
    ),
    (
        "首次回复:来信 2 个工作日",
        "first_reply",
        {"channel": "letter"},
        "working_days",
        2,
        False,
        0,
        "seed 002",
    ),
    (
        "首次回复:电子邮件 2 个工作日",
        "first_reply",
        {"channel": "email"},
        "working_days",
        2,
        False,
        0,
        "seed 002",
    ),
    ("首次回复:网络 24 小时", "first_reply", {"channel": "web"}, "hours", 24, False, 0, "seed 002"),
    (
        "首次回复:微信/APP 24 小时",
        "first_reply",
        {"channel": "wechat"},
        "hours",
        24,
        False,
        0,
        "seed 002",
    ),
    (
        "首次回复:其他渠道 1 个工作日",
        "first_reply",
        {},
        "working_days",
        1,
        False,
        0,
        "seed 002 诉求处理",
    ),
    (
        "首次回复:投诉最迟 1 个工作日",
        "first_reply",
        {"kind": "complaint"},
        "working_days",
        1,
        True,
        0,
        "seed 001 篇5 4.2(1)",
    ),
    (
        "一般投诉:24 小时内处理",
        "handle",
        {"kind": "complaint"},
        "hours",
        24,
        False,
        0,
        "seed 000 2.3",
    ),
    (
        "处理结果回复:5 个工作日",
        "result_reply",
        {"kind": "complaint"},
        "working_days",
        5,
        False,
        0,
        "seed 002 6.3.1",
    ),
    (
        "处理方案:10 个工作日",
        "plan",
        {"kind": "complaint"},
        "working_days",
        10,
        False,
        0,
        "seed 002 6.3.1",
    ),
    (
        "结案:15 个工作日",
        "close",
        {"kind": "complaint"},
        "working_days",
        15,
        False,
        0,
        "seed 002 6.3.1",
    ),
    (
        "投诉回访:解决后 24 小时",
        "callback",
        {"kind": "complaint"},
        "hours",
        24,
        False,
        0,
        "seed 002 作业指导书 4.5",
    ),
    (
        "入户维修回访:当天或次日",
        "callback",
        {"kind": "repair", "repair_scope": "in_home"},
        "working_days",
        1,
        False,
        0,
        "seed 001 篇5 4.1(4)",
    ),
]


def add(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for name, clock, criteria, unit, amount, is_cap, priority, source in DEFAULTS:
        SlaPolicy.objects.get_or_create(
            name=name,
            company=None,
            project=None,
            defaults={
                "clock": clock,
                "unit": unit,
                "amount": amount,
                "is_cap": is_cap,
                "priority": priority,
                "source": source,
                **criteria,
            },
        )


def remove(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaPolicy.objects.filter(company=None, project=None, name__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_clocks_and_policies")]

    operations = [migrations.RunPython(add, remove)]
