"""Data: the routing rules of seed 000 §3 (SPEC §3 item 4), and the category they need.

- complaints about our own staff (attitude, etiquette, ethics) → 行政人事部 (seed 000 §3 2);
- complaints about company rules and procedures → 品质部, which reviews the document (§3 3);
- media and government contacts → 行政人事部 (§3 4).
And, below those, what a service centre does with the rest of the tree every day: the building
and shared facilities → 工程部, security → 保安部, environment → 环境部, developer matters →
the developer liaison, fees → 财务部 (neighbour disputes and "other" stay with the supervisor).
Rules name a kind of department, so one system rule serves every project.
"""

from django.db import migrations

STAFF = ("SVC-ATTITUDE", "SVC-ETIQUETTE", "SVC-ETHICS")
RULES_CATEGORY = ("SVC-RULES", "公司制度与流程", "Company rules and procedures")
SOURCE = "seed 000 §3"


def add(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    RoutingRule = apps.get_model("tickets", "RoutingRule")
    service = Category.objects.filter(code="SVC").first()
    if service is not None:
        Category.objects.get_or_create(
            code=RULES_CATEGORY[0],
            defaults={
                "name": RULES_CATEGORY[1],
                "name_en": RULES_CATEGORY[2],
                "parent": service,
                "sort_order": 6,
            },
        )
    rows = [
        ("员工服务态度、礼仪、职业道德 → 行政人事部", code, "", "admin_hr", 0) for code in STAFF
    ] + [
        ("公司管理制度、办事流程 → 品质部", RULES_CATEGORY[0], "", "quality", 0),
        ("媒体采访 → 行政人事部", None, "media", "admin_hr", 10),
        ("政府部门转办、到访 → 行政人事部", None, "government", "admin_hr", 10),
        ("房屋管理 → 工程部", "HOUSE", "", "engineering", -10),
        ("设备设施 → 工程部", "FAC", "", "engineering", -10),
        ("安全管理 → 保安部", "SEC", "", "security", -10),
        ("环境管理 → 环境部", "ENV", "", "environment", -10),
        ("地产相关 → 地产客服对接", "DEV", "", "developer", -10),
        ("收费 → 财务部", "FEE", "", "finance", -10),
    ]
    for name, code, channel, kind, priority in rows:
        category = Category.objects.filter(code=code).first() if code else None
        if code and category is None:
            continue  # a company that removed the category needs no rule for it
        RoutingRule.objects.get_or_create(
            company=None,
            project=None,
            category=category,
            channel=channel,
            defaults={
                "name": name,
                "department_kind": kind,
                "priority": priority,
                "source": SOURCE,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("tickets", "RoutingRule").objects.filter(
        company=None, project=None, source=SOURCE
    ).delete()
    Category = apps.get_model("tickets", "Category")
    Ticket = apps.get_model("tickets", "Ticket")
    if not Ticket.objects.filter(category__code=RULES_CATEGORY[0]).exists():
        Category.objects.filter(code=RULES_CATEGORY[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0014_grade_facts_routing_rules_sensitive_closure")]

    operations = [migrations.RunPython(add, remove)]
