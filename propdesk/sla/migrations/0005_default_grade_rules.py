"""Data: SPEC §5's two default grade tables (seed 002 §6.2 and 作业指引 §3), top-down."""

from django.db import migrations


def c(fact, op, value):
    return {"fact": fact, "op": op, "value": value}


LEVEL = [
    (
        "一级:≥10 人群诉且索赔超过 10 万元",
        "1",
        [c("complainant_count", ">=", 10), c("claimed_amount", ">", 100000)],
    ),
    ("一级:负面媒体曝光,严重损害品牌", "1", [c("media_exposure", "==", "brand_damage")]),
    ("一级:被指严重破坏环境、公共设施或公德", "1", [c("serious_public_harm", "==", True)]),
    ("一级:重大事故,造成伤亡或财产损失", "1", [c("major_accident", "==", True)]),
    (
        "二级:不足 10 人,索赔超过 10 万元",
        "2",
        [c("complainant_count", "<", 10), c("claimed_amount", ">", 100000)],
    ),
    ("二级:≥10 人,索赔 10 万元以内", "2", [c("complainant_count", ">=", 10)]),
    (
        "二级:质量、设计或合同纠纷,要求退房或大额赔偿",
        "2",
        [c("demands_return_or_compensation", "==", True)],
    ),
    ("二级:销售时提供虚假信息", "2", [c("false_sales_information", "==", True)]),
    ("三级:3–10 人,索赔 10 万元以内", "3", [c("complainant_count", ">=", 3)]),
    ("三级:可能引发诉讼", "3", [c("litigation", "in", ["risk", "filed"])]),
    ("三级:可能引发媒体曝光", "3", [c("media_exposure", "in", ["risk", "exposed"])]),
    ("三级:一个月内同一项目 ≥3 户同类投诉(不含报修)", "3", [c("same_kind_residents_30d", ">=", 3)]),
    ("三级:因我方原因 15 天未解决", "3", [c("days_unresolved_our_fault", ">=", 15)]),
    ("四级:其他", "4", []),
]
CLASS = [
    ("重大:已起诉", "major", [c("litigation", "==", "filed")]),
    ("重大:已被媒体曝光", "major", [c("media_exposure", "in", ["exposed", "brand_damage"])]),
    ("重大:≥5 人集体投诉", "major", [c("complainant_count", ">=", 5)]),
    ("重大:因我方原因一个月未解决", "major", [c("days_unresolved_our_fault", ">=", 30)]),
    ("热点:可能引发诉讼", "hot", [c("litigation", "==", "risk")]),
    ("热点:可能引发媒体曝光", "hot", [c("media_exposure", "==", "risk")]),
    ("热点:一个月内 ≥3 位不同投诉人同类投诉", "hot", [c("same_kind_residents_30d", ">=", 3)]),
    ("热点:≥3 人集体投诉", "hot", [c("complainant_count", ">=", 3)]),
    ("热点:因我方原因一周未解决", "hot", [c("days_unresolved_our_fault", ">=", 7)]),
    ("重要:处理后再次投诉", "important", [c("is_repeat", "==", True)]),
    ("重要:需外部顾问或其他公司支持", "important", [c("needs_outside_support", "==", True)]),
    ("一般:其他", "general", []),
]


def add(apps, schema_editor):
    GradeRule = apps.get_model("sla", "GradeRule")
    for scale, table, source in (
        ("level", LEVEL, "seed 002 §6.2"),
        ("class", CLASS, "seed 002 作业指引 §3"),
    ):
        for order, (name, result, conditions) in enumerate(table, start=1):
            GradeRule.objects.get_or_create(
                scale=scale,
                company=None,
                name=name,
                defaults={
                    "order": order * 10,
                    "result": result,
                    "conditions": conditions,
                    "source": source,
                },
            )


def remove(apps, schema_editor):
    apps.get_model("sla", "GradeRule").objects.filter(company=None).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0004_grade_rules")]

    operations = [migrations.RunPython(add, remove)]
