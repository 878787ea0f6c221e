"""The default category tree of SPEC §3 (投诉分类标准), two levels with stable codes.

Data only; the schema is in 0001. Reversing removes only the rows this migration added and
only while no ticket uses them.
"""

from django.db import migrations

DEFAULT_CATEGORIES = [
    (
        "HOUSE",
        "房屋管理",
        "Building and unit",
        [
            ("HOUSE-LEAK", "房屋渗漏", "Leaks in the home"),
            ("HOUSE-CRACK", "墙体开裂", "Cracked walls"),
            ("HOUSE-DOOR", "门窗", "Doors and windows"),
            ("HOUSE-DECOR", "装修管理", "Renovation management"),
            ("HOUSE-OTHER", "其他房屋问题", "Other building matters"),
        ],
    ),
    (
        "FAC",
        "设备设施",
        "Shared facilities",
        [
            ("FAC-WATER", "给排水", "Water supply and drains"),
            ("FAC-LIGHT", "楼道照明", "Corridor lighting"),
            ("FAC-ELEV", "电梯", "Elevators"),
            ("FAC-ACCESS", "门禁", "Access control"),
            ("FAC-INTERCOM", "可视对讲", "Video intercom"),
            ("FAC-FIRE", "消防设施", "Fire equipment"),
            ("FAC-PUMP", "水泵房", "Pump room"),
            ("FAC-GATE", "车库道闸", "Garage barrier gates"),
            ("FAC-POWER", "供配电", "Power supply"),
            ("FAC-OTHER", "其他设施", "Other facilities"),
        ],
    ),
    (
        "SEC",
        "安全管理",
        "Security",
        [
            ("SEC-GUARD", "门岗与巡逻", "Gate guards and patrols"),
            ("SEC-FIRE", "消防安全", "Fire safety"),
            ("SEC-PARK", "停车秩序", "Parking order"),
            ("SEC-CRIME", "治安事件", "Theft and public order"),
            ("SEC-OTHER", "其他安全问题", "Other security matters"),
        ],
    ),
    (
        "ENV",
        "环境管理",
        "Environment",
        [
            ("ENV-CLEAN", "保洁", "Cleaning"),
            ("ENV-GREEN", "绿化", "Greening"),
            ("ENV-PEST", "消杀与虫害", "Pests"),
            ("ENV-WORKS", "施工噪音", "Noise from works"),
            ("ENV-WASTE", "垃圾清运", "Waste removal"),
        ],
    ),
    (
        "SVC",
        "综合服务",
        "General service",
        [
            ("SVC-ATTITUDE", "服务态度", "Staff attitude"),
            ("SVC-ETIQUETTE", "礼仪规范", "Etiquette"),
            ("SVC-ETHICS", "职业道德", "Professional ethics"),
            ("SVC-LATE", "处理不及时", "Late handling"),
            ("SVC-REPLY", "回复不及时", "Late reply"),
        ],
    ),
    (
        "DISP",
        "业户纠纷",
        "Neighbour disputes",
        [
            ("DISP-PET", "宠物", "Dogs and pets"),
            ("DISP-NOISE", "邻里噪音", "Noise from neighbours"),
            ("DISP-LEAK", "楼上漏水", "Leaks between floors"),
            ("DISP-THROW", "高空抛物", "Objects thrown from height"),
            ("DISP-OTHER", "其他纠纷", "Other disputes"),
        ],
    ),
    (
        "DEV",
        "地产相关",
        "Developer",
        [
            ("DEV-A1", "工程质量(仅维修)", "Construction quality: repair only"),
            (
                "DEV-A2",
                "工程质量(维修并赔偿/退房)",
                "Construction quality: repair and compensation or refund",
            ),
            ("DEV-B1", "设计不符合规范", "Design against code"),
            ("DEV-B2", "设计合规但影响居住", "Design compliant but affects living"),
            ("DEV-B3", "规划布局", "Site planning"),
            ("DEV-SALES", "销售承诺", "Sales promises"),
        ],
    ),
    (
        "FEE",
        "收费",
        "Fees",
        [
            ("FEE-MGMT", "物业服务费", "Management fee"),
            ("FEE-PARK", "停车费", "Parking fee"),
            ("FEE-UTIL", "水电费", "Water and power bills"),
            ("FEE-PRICE", "收费标准调整", "Price changes"),
            ("FEE-REPAIR", "有偿维修收费", "Paid repair charges"),
        ],
    ),
    (
        "OTHER",
        "其他",
        "Other",
        [
            ("OTHER-OTHER", "其他", "Other"),
        ],
    ),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    for top_index, (code, name, name_en, children) in enumerate(DEFAULT_CATEGORIES, start=1):
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": top_index * 10}
        )
        for child_index, (child_code, child_name, child_en) in enumerate(children, start=1):
            Category.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "name_en": child_en,
                    "parent": parent,
                    "sort_order": child_index,
                },
            )


def remove_categories(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    Ticket = apps.get_model("tickets", "Ticket")
    codes = [c for top in DEFAULT_CATEGORIES for c in [top[0], *(ch[0] for ch in top[3])]]
    used = set(Ticket.objects.values_list("category__code", flat=True).distinct())
    Category.objects.filter(
        code__in=[c for c in codes if c not in used], parent__isnull=False
    ).delete()
    Category.objects.filter(
        code__in=[c for c in codes if c not in used], children__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
