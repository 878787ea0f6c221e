"""Data: SPEC §5 and §6 as corrected against the seeds.

- 规程 4.4's two 重大 facts (a promised service unmet and raised again; an economic loss through
  our fault) are 重大, on by default.
- The same 规程 calls every complaint caused by our own failure 重要: shipped switched off
  (it would make nearly every effective complaint 重要), for a company to switch on.
- "One month" unresolved is a calendar month (the same date next month), not 30 days.
- The same-kind rules count complaints only (the rules are unchanged; their names say so).
- Every clock counts from receipt: the dispatch rule is named so.
- An in-home repair is called back by the close of working hours of the next calendar day
  after the work ends, working day or not (SPEC §6).
Only the system's own rows are changed; a company's own rules are its own.
"""

from django.db import migrations


def c(fact, op, value):
    return {"fact": fact, "op": op, "value": value}


NEW_CLASS_RULES = [
    (
        "重大:承诺或合同约定的服务未兑现、多次反映仍未解决",
        "major",
        41,
        [c("promise_unmet_raised_again", "==", True)],
        True,
    ),
    (
        "重大:因我方原因造成客户较大经济损失",
        "major",
        42,
        [c("economic_loss_our_fault", "==", True)],
        True,
    ),
    (
        "重要:因我方管理或服务不到位(有效投诉)",
        "important",
        115,
        [c("nature", "==", "effective")],
        False,
    ),
]
MONTH_OLD = "重大:因我方原因一个月未解决"
RENAMED = {
    "三级:一个月内同一项目 ≥3 户同类投诉(不含报修)": "三级:一个月内同一项目 ≥3 户同类投诉(仅计投诉)",
    "热点:一个月内 ≥3 位不同投诉人同类投诉": "热点:一个月内 ≥3 位不同投诉人同类投诉(仅计投诉)",
}
#: Every clock counts from receipt (SPEC §5): the dispatch rule's name says so.
DISPATCH_NAMES = ("派单:登记后 1 小时内", "派单:接报后 1 小时内")
OLD_REPAIR_CALLBACK = "入户维修回访:当天或次日"
NEW_REPAIR_CALLBACK = "入户维修回访:完工当天或次日(次日下班前)"


def forward(apps, schema_editor):
    GradeRule = apps.get_model("sla", "GradeRule")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for name, result, order, conditions, active in NEW_CLASS_RULES:
        GradeRule.objects.get_or_create(
            scale="class",
            company=None,
            name=name,
            defaults={
                "order": order,
                "result": result,
                "conditions": conditions,
                "is_active": active,
                "source": "seed 002 规程 4.4",
            },
        )
    GradeRule.objects.filter(company=None, scale="class", name=MONTH_OLD).update(
        conditions=[c("months_unresolved_our_fault", ">=", 1)]
    )
    for old, new in RENAMED.items():
        GradeRule.objects.filter(company=None, name=old).update(name=new)
    SlaPolicy.objects.filter(company=None, project=None, name=DISPATCH_NAMES[0]).update(
        name=DISPATCH_NAMES[1]
    )
    SlaPolicy.objects.filter(company=None, project=None, name=OLD_REPAIR_CALLBACK).update(
        name=NEW_REPAIR_CALLBACK,
        unit="calendar_days",
        amount=1,
        repair_scope="",
        source="SPEC §6; seed 001 篇5 4.1(4)",
    )


def backward(apps, schema_editor):
    GradeRule = apps.get_model("sla", "GradeRule")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    GradeRule.objects.filter(company=None, name__in=[name for name, *_ in NEW_CLASS_RULES]).delete()
    GradeRule.objects.filter(company=None, scale="class", name=MONTH_OLD).update(
        conditions=[c("days_unresolved_our_fault", ">=", 30)]
    )
    for old, new in RENAMED.items():
        GradeRule.objects.filter(company=None, name=new).update(name=old)
    SlaPolicy.objects.filter(company=None, project=None, name=DISPATCH_NAMES[1]).update(
        name=DISPATCH_NAMES[0]
    )
    SlaPolicy.objects.filter(company=None, project=None, name=NEW_REPAIR_CALLBACK).update(
        name=OLD_REPAIR_CALLBACK,
        unit="working_days",
        amount=1,
        repair_scope="in_home",
        source="seed 001 篇5 4.1(4)",
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0009_calendar_days_unit")]

    operations = [migrations.RunPython(forward, backward)]
