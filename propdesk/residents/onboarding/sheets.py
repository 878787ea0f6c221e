"""The five sheets of the company workbook, column by column: the file format.

Each column says its header, the note the template puts on it, an example, how its cell is
read (columns.Kind) and, when it is stored in a model field, that field (its length is checked
by core.fits). The order of SHEETS is the order of reading and applying: a sheet refers only to
the sheets before it.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from propdesk.org.choices import DepartmentKind, Role, ScopeLevel
from propdesk.org.models import Department, Project, Region, User

from ..choices import ContactChannel, Relation, RoomUse
from ..models import Building, Resident, Room, Unit
from .columns import Column, Kind, Sheet, fold

# Headers and sheet names are translated in a context of their own ("workbook"): they are a file
# format, read back in any language (columns.header_words), and a translator should know it.


def _f(model: type[models.Model], name: str) -> models.Field:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


PLACES = Sheet(
    "places",
    pgettext_lazy("workbook", "地区与项目"),
    (
        Column(
            "region_code",
            pgettext_lazy("workbook", "地区编码"),
            gettext_lazy("地区公司的编码,全系统唯一,如 SZ"),
            "SZ",
            Kind.CODE,
            True,
            field=_f(Region, "code"),
        ),
        Column(
            "region_name",
            pgettext_lazy("workbook", "地区名称"),
            gettext_lazy("地区公司的名称"),
            "深圳地区公司",
            required=True,
            field=_f(Region, "name"),
        ),
        Column(
            "project_code",
            pgettext_lazy("workbook", "项目编码"),
            gettext_lazy("项目编码:2–12 位大写字母或数字,以字母开头;只建地区时留空"),
            "SZHY",
            Kind.CODE,
            field=_f(Project, "code"),
        ),
        Column(
            "project_name",
            pgettext_lazy("workbook", "项目名称"),
            gettext_lazy("项目(小区/管理处)的名称"),
            "华苑",
            field=_f(Project, "name"),
        ),
        Column(
            "address",
            pgettext_lazy("workbook", "项目地址"),
            gettext_lazy("项目地址,可留空"),
            "深圳市南山区华苑路 1 号",
            field=_f(Project, "address"),
        ),
        Column(
            "is_active",
            pgettext_lazy("workbook", "在管"),
            gettext_lazy("是否在管:是/否,留空为是"),
            "是",
            Kind.BOOL,
        ),
    ),
)

DEPARTMENTS = Sheet(
    "departments",
    pgettext_lazy("workbook", "部门"),
    (
        Column(
            "code",
            pgettext_lazy("workbook", "部门编码"),
            gettext_lazy("部门编码,公司内唯一"),
            "SZHY-ENG",
            Kind.CODE,
            True,
            field=_f(Department, "code"),
        ),
        Column(
            "name",
            pgettext_lazy("workbook", "部门名称"),
            gettext_lazy("部门名称"),
            "工程部",
            required=True,
            field=_f(Department, "name"),
        ),
        Column(
            "kind",
            pgettext_lazy("workbook", "部门类型"),
            gettext_lazy("从下拉列表选择部门类型"),
            "工程",
            Kind.CHOICE,
            True,
            DepartmentKind,
        ),
        Column(
            "project_code",
            pgettext_lazy("workbook", "所属项目编码"),
            gettext_lazy(
                "项目的部门填项目编码;地区公司的部门留空并填所属地区编码;总部部门两者都留空"
            ),
            "SZHY",
            Kind.CODE,
        ),
        Column(
            "region_code",
            pgettext_lazy("workbook", "所属地区编码"),
            gettext_lazy("地区公司的部门填地区编码"),
            "",
            Kind.CODE,
        ),
        Column(
            "is_active",
            pgettext_lazy("workbook", "启用"),
            gettext_lazy("是否启用:是/否,留空为是"),
            "是",
            Kind.BOOL,
        ),
    ),
)

STAFF = Sheet(
    "staff",
    pgettext_lazy("workbook", "员工"),
    (
        Column(
            "username",
            pgettext_lazy("workbook", "登录名"),
            gettext_lazy("登录系统用的名字,全系统唯一;导入的员工首次登录时自行设置密码"),
            "zhangsan",
            Kind.CODE,
            True,
            field=_f(User, "username"),
            aliases=("用户名", "账号"),
        ),
        Column(
            "name",
            pgettext_lazy("workbook", "姓名"),
            gettext_lazy("员工姓名:新账号必填;已有账号留空则不改"),
            "张三",
            field=_f(User, "display_name"),
        ),
        Column(
            "phone",
            pgettext_lazy("workbook", "手机"),
            gettext_lazy("手机或带区号的座机,可留空"),
            "138 1234 5678",
            Kind.PHONE,
            aliases=("手机号", "电话"),
        ),
        Column(
            "email",
            pgettext_lazy("workbook", "电子邮件"),
            gettext_lazy("电子邮件,可留空"),
            "zhangsan@example.cn",
            Kind.EMAIL,
            field=_f(User, "email"),
            aliases=("邮箱",),
        ),
        Column(
            "role",
            pgettext_lazy("workbook", "角色"),
            gettext_lazy("从下拉列表选择角色"),
            "部门处理人",
            Kind.CHOICE,
            True,
            Role,
        ),
        Column(
            "department",
            pgettext_lazy("workbook", "部门编码"),
            gettext_lazy("所在部门的编码(部门表或系统中已有),可留空"),
            "SZHY-ENG",
            Kind.CODE,
        ),
        Column(
            "scope",
            pgettext_lazy("workbook", "数据范围"),
            gettext_lazy("指定项目:填范围项目编码;地区公司:填范围地区编码;全集团:两者留空"),
            "指定项目",
            Kind.CHOICE,
            True,
            ScopeLevel,
        ),
        Column(
            "scope_projects",
            pgettext_lazy("workbook", "范围项目编码"),
            gettext_lazy("一个或多个项目编码,用顿号或逗号分隔"),
            "SZHY",
            Kind.CODES,
        ),
        Column(
            "scope_region",
            pgettext_lazy("workbook", "范围地区编码"),
            gettext_lazy("数据范围为地区公司时填地区编码"),
            "",
            Kind.CODE,
        ),
        Column(
            "is_active",
            pgettext_lazy("workbook", "在职"),
            gettext_lazy("是否在职:是/否,留空为是"),
            "是",
            Kind.BOOL,
        ),
    ),
)

ROOMS = Sheet(
    "rooms",
    pgettext_lazy("workbook", "房屋"),
    (
        Column(
            "project_code",
            pgettext_lazy("workbook", "项目编码"),
            gettext_lazy("房屋所在项目的编码"),
            "SZHY",
            Kind.CODE,
            True,
        ),
        Column(
            "building",
            pgettext_lazy("workbook", "楼栋"),
            gettext_lazy("楼栋编号,如 3 或 A座"),
            "3",
            Kind.CODE,
            True,
            field=_f(Building, "code"),
        ),
        Column(
            "building_name",
            pgettext_lazy("workbook", "楼栋名称"),
            gettext_lazy("留空时:数字编号写作“3栋”,其余照编号"),
            "3栋",
            field=_f(Building, "name"),
        ),
        Column(
            "unit",
            pgettext_lazy("workbook", "单元"),
            gettext_lazy("单元编号,如 2;没有单元(别墅、商铺)时留空"),
            "2",
            Kind.CODE,
            True,
            field=_f(Unit, "code"),
        ),
        Column(
            "unit_name",
            pgettext_lazy("workbook", "单元名称"),
            gettext_lazy("留空时:数字编号写作“2单元”,其余照编号"),
            "2单元",
            field=_f(Unit, "name"),
        ),
        Column(
            "number",
            pgettext_lazy("workbook", "房号"),
            gettext_lazy("房号,如 1201"),
            "1201",
            Kind.CODE,
            True,
            field=_f(Room, "number"),
            aliases=("房间号", "室号"),
        ),
        Column(
            "floor",
            pgettext_lazy("workbook", "楼层"),
            gettext_lazy("楼层,整数,可留空"),
            "12",
            Kind.INTEGER,
        ),
        Column(
            "area",
            pgettext_lazy("workbook", "建筑面积(㎡)"),
            gettext_lazy("建筑面积,单位平方米,可留空"),
            "89.50",
            Kind.DECIMAL,
            field=_f(Room, "area"),
            aliases=("建筑面积", "面积", "面积(㎡)", "面积(m²)"),
        ),
        Column(
            "use",
            pgettext_lazy("workbook", "用途"),
            gettext_lazy("从下拉列表选择用途,留空为住宅"),
            "住宅",
            Kind.CHOICE,
            choices=RoomUse,
        ),
        Column(
            "is_occupied",
            pgettext_lazy("workbook", "已入住"),
            gettext_lazy("是否已入住:是/否,留空为是"),
            "是",
            Kind.BOOL,
        ),
    ),
)

RESIDENTS = Sheet(
    "residents",
    pgettext_lazy("workbook", "住户"),
    (
        Column(
            "name",
            pgettext_lazy("workbook", "姓名"),
            gettext_lazy("住户姓名"),
            "李娜",
            required=True,
            field=_f(Resident, "name"),
        ),
        Column(
            "phone",
            pgettext_lazy("workbook", "手机"),
            gettext_lazy("手机或带区号的座机;同一公司内以手机号认人"),
            "13912345678",
            Kind.PHONE,
            True,
            aliases=("手机号", "电话", "联系电话"),
        ),
        Column(
            "phone2", pgettext_lazy("workbook", "备用电话"), gettext_lazy("可留空"), "", Kind.PHONE
        ),
        Column(
            "email",
            pgettext_lazy("workbook", "电子邮件"),
            gettext_lazy("可留空"),
            "",
            Kind.EMAIL,
            field=_f(Resident, "email"),
            aliases=("邮箱",),
        ),
        Column(
            "project_code",
            pgettext_lazy("workbook", "项目编码"),
            gettext_lazy("所住房屋的项目编码"),
            "SZHY",
            Kind.CODE,
            True,
        ),
        Column(
            "building",
            pgettext_lazy("workbook", "楼栋"),
            gettext_lazy("所住房屋的楼栋编号"),
            "3",
            Kind.CODE,
            True,
        ),
        Column(
            "unit",
            pgettext_lazy("workbook", "单元"),
            gettext_lazy("所住房屋的单元编号;没有单元时留空"),
            "2",
            Kind.CODE,
            True,
        ),
        Column(
            "number",
            pgettext_lazy("workbook", "房号"),
            gettext_lazy("所住房屋的房号(须在房屋表或系统中)"),
            "1201",
            Kind.CODE,
            True,
            aliases=("房间号", "室号"),
        ),
        Column(
            "relation",
            pgettext_lazy("workbook", "与房屋关系"),
            gettext_lazy("从下拉列表选择:业主、租户、家庭成员、其他"),
            "业主",
            Kind.CHOICE,
            True,
            Relation,
            aliases=("关系",),
        ),
        Column(
            "since",
            pgettext_lazy("workbook", "入住日期"),
            gettext_lazy("日期,如 2020-05-01,可留空"),
            "2020-05-01",
            Kind.DATE,
        ),
        Column(
            "key_customer",
            pgettext_lazy("workbook", "重点客户"),
            gettext_lazy("是/否,留空为否"),
            "否",
            Kind.BOOL,
        ),
        Column(
            "preferred_contact",
            pgettext_lazy("workbook", "首选联系方式"),
            gettext_lazy("从下拉列表选择,留空为电话"),
            "电话",
            Kind.CHOICE,
            choices=ContactChannel,
        ),
        Column(
            "contact_times",
            pgettext_lazy("workbook", "方便联系时间"),
            gettext_lazy("如:工作日晚上"),
            "工作日晚上",
            field=_f(Resident, "contact_times"),
        ),
        Column(
            "notes",
            pgettext_lazy("workbook", "备注"),
            gettext_lazy("如:独居老人、不用微信"),
            "",
            field=_f(Resident, "notes"),
        ),
    ),
)

#: In the order they are read and applied: each refers only to the sheets before it.
SHEETS: tuple[Sheet, ...] = (PLACES, DEPARTMENTS, STAFF, ROOMS, RESIDENTS)


@cache
def sheet_names() -> dict[str, Sheet]:
    """Every way a sheet's name is written (each language) → the sheet."""
    names: dict[str, Sheet] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for sheet in SHEETS:
                names[fold(str(sheet.title))] = sheet
    return names
