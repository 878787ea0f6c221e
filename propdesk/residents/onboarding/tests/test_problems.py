"""The dry run names every problem of the file at once: the sheet, the row as Excel numbers it,
the column's header, the value and what is wrong, in Chinese."""

from __future__ import annotations

import pytest

from propdesk.org.models import Company
from propdesk.residents.onboarding import services as onboarding

from .files import COMPANY, company, xlsx


@pytest.fixture
def fresh(db) -> Company:
    return Company.objects.create(code="NEW", name="新物业")


def problems(plan) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.value, p.message) for p in plan.problems]


CASES = {
    "unknown project code": (
        {"房屋": {2: {"项目编码": "NOPE"}}},
        ("房屋", 3, "项目编码", "NOPE", "项目编码不存在(地区与项目表中和系统中都没有)"),
    ),
    "duplicate room in the file": (
        {"房屋": {2: {"楼栋": "1", "房号": "101", "楼层": "1"}}},
        ("房屋", 3, "房号", "101", "与第 2 行重复"),
    ),
    "malformed phone": (
        {"住户": {3: {"手机": "139-1234"}}},
        ("住户", 4, "手机", "139-1234", "电话号码格式不正确"),
    ),
    "room of a resident missing": (
        {"住户": {4: {"房号": "S99"}}},
        ("住户", 5, "房号", "S99", "房屋不存在(房屋表中和系统中都没有)"),
    ),
    "role not known": (
        {"员工": {1: {"角色": "保洁阿姨"}}},
        ("员工", 2, "角色", "保洁阿姨",
         "不是可选的值,可选:客服专员、客服主管、部门处理人、项目经理、地区公司、总部客服、品质、系统管理员"),
    ),
    "scope project unknown": (
        {"员工": {2: {"范围项目编码": "NSZA,NOPE"}}},
        ("员工", 3, "范围项目编码", "NSZA,NOPE", "项目编码不存在:NOPE"),
    ),
    "scope region missing": (
        {"员工": {3: {"范围地区编码": ""}}},
        ("员工", 4, "数据范围", "地区公司", "数据范围为地区公司时,须填范围地区编码"),
    ),
    "department unknown": (
        {"员工": {2: {"部门编码": "NSZA-XX"}}},
        ("员工", 3, "部门编码", "NSZA-XX", "部门编码不存在(部门表中和系统中都没有)"),
    ),
    "department of an unknown project": (
        {"部门": {3: {"所属项目编码": "NOPE"}}},
        ("部门", 4, "所属项目编码", "NOPE", "编码不存在(表中和系统中都没有)"),
    ),
    "required cell blank": (
        {"地区与项目": {2: {"地区名称": ""}}},
        ("地区与项目", 3, "地区名称", "", "必填"),
    ),
    "project code not of the form": (
        {"地区与项目": {3: {"项目编码": "ngza"}}},
        ("地区与项目", 4, "项目编码", "ngza", "项目编码须为 2–12 位大写字母或数字,以字母开头"),
    ),
    "region named two ways": (
        {"地区与项目": {2: {"地区名称": "深圳公司"}}},
        ("地区与项目", 3, "地区名称", "深圳公司", "与第 2 行同一地区的名称(深圳地区公司)不一致"),
    ),
    "yes or no": (
        {"房屋": {1: {"已入住": "也许"}}},
        ("房屋", 2, "已入住", "也许", "请填“是”或“否”"),
    ),
    "area not a number": (
        {"房屋": {1: {"建筑面积(㎡)": "八十"}}},
        ("房屋", 2, "建筑面积(㎡)", "八十", "须为数字"),
    ),
    "area past its column": (
        {"房屋": {1: {"建筑面积(㎡)": "12345678"}}},
        ("房屋", 2, "建筑面积(㎡)", "12345678", "数值超出范围"),
    ),
    "text longer than its column": (
        {"住户": {4: {"姓名": "长" * 51}}},
        ("住户", 5, "姓名", "长" * 51, "最多 50 个字"),
    ),
    "date not a date": (
        {"住户": {1: {"入住日期": "去年"}}},
        ("住户", 2, "入住日期", "去年", "须为日期,如 2020-05-01"),
    ),
    "one phone, two people": (
        {"住户": {2: {"姓名": "张伟伟"}}},
        ("住户", 3, "手机", "13912345678",
         "同一手机号在第 2 行的住户信息(姓名、备用电话、重点客户等)与本行不同"),
    ),
    "login name not allowed": (
        {"员工": {1: {"登录名": "wang kf!"}}},
        ("员工", 2, "登录名", "wang kf!", "只能含字母、数字和 @ . + - _"),
    ),
    "e-mail malformed": (
        {"员工": {3: {"电子邮件": "zhao@"}}},
        ("员工", 4, "电子邮件", "zhao@", "电子邮件格式不正确"),
    ),
    "a resident's e-mail malformed": (
        {"住户": {2: {"电子邮件": "zhang@@example"}}},
        ("住户", 3, "电子邮件", "zhang@@example", "电子邮件格式不正确"),
    ),
    "a new account without a name": (
        {"员工": {2: {"姓名": ""}}},
        ("员工", 3, "姓名", "", "新账号须填写姓名"),
    ),
}  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), CASES.values(), ids=CASES.keys())
def test_a_wrong_cell_is_named_by_sheet_row_column_and_value(fresh, changes, expected):
    plan = onboarding.dry_run(fresh, xlsx(company(**changes)))

    assert problems(plan) == [expected]
    assert not plan.ok


def test_every_problem_of_the_file_is_reported_at_once(fresh):
    plan = onboarding.dry_run(
        fresh,
        xlsx(
            company(
                部门={1: {"部门类型": "后勤"}},
                房屋={2: {"项目编码": "NOPE"}, 4: {"房号": ""}},
                住户={1: {"手机": "abc"}, 3: {"与房屋关系": "朋友"}},
            )
        ),
    )

    assert [(p.sheet, p.row, p.column) for p in plan.problems] == [
        ("部门", 2, "部门类型"),
        ("房屋", 3, "项目编码"),
        ("房屋", 5, "房号"),
        ("住户", 2, "手机"),
        ("住户", 4, "与房屋关系"),
        ("住户", 5, "房号"),  # S01, whose row above has no room number
    ]
    assert plan.problem_count == 6


def test_codes_used_by_another_company_are_problems_not_matches(world, fresh):
    sheets = company(
        地区与项目={1: {"地区编码": "SZ"}, 3: {"项目编码": "SZHY"}},
        员工={1: {"登录名": "agent"}},
    )

    plan = onboarding.dry_run(fresh, xlsx(sheets))

    assert [(p.row, p.column, p.message) for p in plan.problems if p.sheet != "部门"][:3] == [
        (2, "地区编码", "地区编码已被其他公司使用"),
        (4, "项目编码", "项目编码已被其他公司使用"),
        (2, "登录名", "登录名已被其他公司的账号使用"),
    ]


def test_a_phone_two_residents_of_the_company_share_cannot_say_who_it_is(world):
    from propdesk.residents.models import Resident

    Resident.objects.create(company=world.company, name="张伟的妻子", phone="13812345678")
    rows = [COMPANY["住户"][0], ["张伟", "13812345678", "", "", "SZHY", "3", "2", "1101", "业主"]]
    plan = onboarding.dry_run(world.company, xlsx({"住户": rows}))

    assert problems(plan) == [
        ("住户", 2, "手机", "13812345678", "系统中有多位住户使用这个手机号,无法确定是哪一位")
    ]


def test_the_rows_with_problems_come_back_with_their_reasons(fresh):
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = xlsx(company(房屋={2: {"项目编码": "NOPE"}}, 住户={3: {"手机": "abc"}}))
    plan = onboarding.dry_run(fresh, workbook)

    book = load_workbook(BytesIO(onboarding.rejected_rows(workbook, plan)))

    assert book.sheetnames == ["房屋", "住户"]
    rooms = [list(r) for r in book["房屋"].iter_rows(values_only=True)]
    assert rooms[0][-2:] == ["原行号", "问题"]
    assert rooms[1][:2] == ["NOPE", "1"] and rooms[1][-2:] == [
        3,
        "项目编码:项目编码不存在(地区与项目表中和系统中都没有)",
    ]
    residents = list(book["住户"].iter_rows(values_only=True))
    assert len(residents) == 2 and residents[1][-1] == "手机:电话号码格式不正确"
