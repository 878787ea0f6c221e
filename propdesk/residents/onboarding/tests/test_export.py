"""The company written out in the import's format imports back with nothing changed; the
template says what goes where."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import make_user
from propdesk.org.models import User
from propdesk.residents.models import Residency, Resident, Room
from propdesk.residents.onboarding import services as onboarding

from .test_import import snapshot


@pytest.fixture
def lived_in(world):
    """The shared world, with what real data has: a foreign phone, formula-like and multi-line
    notes, a room without a unit, an area, a resident who moved out, a member of staff with no
    project yet."""
    Room.objects.filter(pk=world.room.pk).update(area=Decimal("89.50"), use="office", floor=11)
    Resident.objects.filter(pk=world.resident.pk).update(
        phone2="+85291234567", notes="=老人\n行动不便", is_key_customer=True, contact_times="晚上"
    )
    # Someone not yet assigned to a project: the export writes an empty project list.
    make_user("newhire", "agent", world.company, projects=[])
    # An account made without a name (createsuperuser, the admin's short form): exported with
    # an empty 姓名, which keeps it as it is.
    User.objects.filter(username="newhire").update(display_name="")
    gone = Resident.objects.create(company=world.company, name="搬走的", phone="13500001111")
    Residency.objects.create(resident=gone, room=world.room, relation="tenant", is_active=False)
    return world


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_an_exported_company_imports_back_with_nothing_changed(lived_in, format, tmp_path):
    out = tmp_path / f"company.{'zip' if format == 'csv' else 'xlsx'}"
    onboarding.write_company(lived_in.company, out, format=format)
    before = snapshot()

    plan = onboarding.apply(lived_in.company, out)

    assert plan.ok, plan.problems
    assert plan.changes == 0
    assert all(not m.count for s in plan.sheets for m in s.missing.values())
    assert snapshot() == before


def test_the_export_has_the_sheets_and_headers_of_the_template(lived_in):
    out = io.BytesIO()
    onboarding.write_company(lived_in.company, out)

    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    template = load_workbook(io.BytesIO(onboarding.company_template()))

    assert book.sheetnames == template.sheetnames == ["地区与项目", "部门", "员工", "房屋", "住户"]
    for name in book.sheetnames:
        assert next(book[name].iter_rows(values_only=True)) == next(
            template[name].iter_rows(values_only=True)
        )
    rooms = list(book["房屋"].iter_rows(values_only=True))
    assert rooms[2] == ("SZHY", "3", "3栋", "2", "2单元", "1101", 11, 89.5, "办公", "是")
    residents = list(book["住户"].iter_rows(values_only=True))
    assert [r[0] for r in residents[1:]] == ["李娜", "张伟"]  # not the one who moved out


def test_the_csv_export_is_a_zip_of_one_csv_per_sheet_excel_opens(lived_in):
    out = io.BytesIO()
    onboarding.write_company(lived_in.company, out, format="csv")

    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert archive.namelist() == ["地区与项目.csv", "部门.csv", "员工.csv", "房屋.csv", "住户.csv"]
    residents = archive.read("住户.csv")
    assert residents.startswith(b"\xef\xbb\xbf")
    assert "'=老人" in residents.decode("utf-8-sig")  # never a formula when opened


def test_the_template_notes_each_header_and_offers_the_fixed_values(db):
    book = load_workbook(io.BytesIO(onboarding.company_template()))

    staff = book["员工"]
    headers = [c.value for c in staff[1]]
    assert headers[:5] == ["登录名", "姓名", "手机", "电子邮件", "角色"]
    assert staff["A1"].comment.text.startswith("必填。登录系统用的名字")
    assert staff["A1"].font.color.rgb.endswith("C00000")  # required: red
    assert [c.value for c in staff[2]][:5] == [
        "zhangsan",
        "张三",
        "138 1234 5678",
        "zhangsan@example.cn",
        "部门处理人",
    ]
    lists = {str(v.sqref): v.formula1 for v in staff.data_validations.dataValidation}
    assert (
        lists["E2:E5001"]
        == '"客服专员,客服主管,部门处理人,项目经理,地区公司,总部客服,品质,系统管理员"'
    )
    assert lists["G2:G5001"] == '"指定项目,地区公司,全集团"'
    assert lists["J2:J5001"] == '"是,否"'
    relation = {str(v.sqref): v.formula1 for v in book["住户"].data_validations.dataValidation}
    assert relation["I2:I5001"] == '"业主,租户,家庭成员,其他"'


def test_a_company_exported_in_english_imports_back_in_chinese(lived_in):
    from django.utils import translation

    out = io.BytesIO()
    with translation.override("en"):
        onboarding.write_company(lived_in.company, out)
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert book.sheetnames == ["Regions and projects", "Departments", "Staff", "Rooms", "Residents"]

    plan = onboarding.dry_run(lived_in.company, out.getvalue())

    assert plan.ok, plan.problems
    assert plan.changes == 0
