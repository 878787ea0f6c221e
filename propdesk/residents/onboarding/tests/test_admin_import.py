"""The admin's import and export of one model's sheet (residents/admin_import.py): uploaded on
the model's list, checked by the company import's engine (the same messages), confirmed, and
exported in the same columns so that the file imports back with nothing changed."""

from __future__ import annotations

import io

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from propdesk.core.models import AuditAction, AuditLog
from propdesk.core.tests.admin_forms import admin_client
from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Company, Department, Project, Region, User
from propdesk.residents.models import Building, Resident, Room, Unit
from propdesk.residents.onboarding import services as onboarding
from propdesk.residents.onboarding.resources import resource_for

from .files import COMPANY, company, csv_file, xlsx
from .test_import import snapshot

ORG_ONLY = {"房屋": None, "住户": None}


@pytest.fixture
def fresh(db) -> Company:
    """A company whose organisation and staff are in (the rooms and residents are not)."""
    found = Company.objects.create(code="NEW", name="新物业")
    onboarding.apply(found, xlsx(company(**ORG_ONLY)), name="org.xlsx")
    return found


@pytest.fixture
def root(fresh) -> tuple[Client, User]:
    """A superuser of no company: it chooses the company. (One in the company, made by
    createsuperuser, has no name: its row in the staff sheet would not import back.)"""
    return admin_client()


def upload(client: Client, model: str, content: bytes, name: str, company: Company, **extra):
    """The first step: the file on the model's import page (the dry run)."""
    data = {"import_file": SimpleUploadedFile(name, content), "format": "0", "company": company.pk}
    return client.post(reverse(f"admin:{model}_import"), data | extra)


def confirm(client: Client, model: str, page):
    """The second step: the confirm form the dry run's page holds, posted back as it is."""
    form = page.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:{model}_process_import"), data, follow=True)


def export(client: Client, model: str, company: Company, fmt: str = "0", query: str = ""):
    url = reverse(f"admin:{model}_export") + query
    return client.post(url, {"format": fmt, "company": company.pk, "resource": "0"})


def messages_of(page) -> list[str]:
    return [str(m) for m in page.context["messages"]]


def test_rooms_are_checked_shown_and_imported_only_on_confirm(root, fresh):
    client, _root = root
    rooms = csv_file(COMPANY["房屋"])

    page = upload(client, "residents_room", rooms, "rooms.csv", fresh)

    assert page.status_code == 200
    assert "confirm_form" in page.context
    assert "  房屋:新建 4,更新 0,不变 0" in page.context["result"].summary
    assert "房屋:新建 4,更新 0,不变 0" in page.content.decode()
    assert not Room.objects.exists()  # the dry run wrote nothing

    done = confirm(client, "residents_room", page)

    assert done.redirect_chain[-1][0] == reverse("admin:residents_room_changelist")
    assert Room.objects.filter(project__company=fresh).count() == 4
    assert Building.objects.get(project__code="NSZA", code="2").name == "2栋"
    assert "房屋:新建 4,更新 0,不变 0" in messages_of(done)


def test_a_row_error_is_the_workbook_imports_own_message(root, fresh):
    client, _root = root
    sheet = company(房屋={2: {"楼层": "十二"}, 3: {"项目编码": "NOPE"}})["房屋"]
    rooms = csv_file(sheet)
    workbook = onboarding.dry_run(fresh, xlsx({"房屋": sheet}), name="company.xlsx")

    page = upload(client, "residents_room", rooms, "rooms.csv", fresh)

    assert "confirm_form" not in page.context
    result = page.context["result"]
    assert result.has_validation_errors()
    shown = [(p.row, p.column, p.value, p.message) for p in result.problems]
    assert shown == [(p.row, p.column, p.value, p.message) for p in workbook.problems]
    assert (3, "楼层", "十二", "须为整数") in shown
    assert (4, "项目编码", "NOPE", "项目编码不存在(地区与项目表中和系统中都没有)") in shown
    html = page.content.decode()
    assert "须为整数" in html and "项目编码不存在(地区与项目表中和系统中都没有)" in html
    assert [row.number for row in result.invalid_rows] == [3, 4]
    assert result.invalid_rows[0].field_specific_errors == {"楼层": ["须为整数"]}
    assert not Room.objects.exists()


def test_the_export_imports_back_with_nothing_changed(root, fresh):
    client, _root = root
    onboarding.apply(fresh, xlsx(company()), name="company.xlsx")
    before = snapshot()

    for model in ("residents_room", "residents_resident", "org_project", "org_user",
                  "org_department", "residents_building", "org_region"):  # fmt: skip
        for fmt, name in (("0", "export.xlsx"), ("1", "export.csv")):
            answer = export(client, model, fresh, fmt)
            assert answer.status_code == 200, (model, answer.content[:300])
            page = upload(client, model, answer.content, name, fresh)
            result = page.context["result"]
            assert not result.refused, (model, result.problems, result.base_errors)
            assert result.totals["new"] == result.totals["update"] == 0, (model, result.summary)
            assert result.totals["skip"] > 0
            confirm(client, model, page)

    assert snapshot() == before


def test_the_export_has_the_sheets_columns_and_the_lists_filter(root, fresh):
    client, _root = root
    onboarding.apply(fresh, xlsx(company()), name="company.xlsx")
    nsza = Project.objects.get(code="NSZA")

    answer = export(client, "residents_room", fresh, "0", f"?project__id__exact={nsza.pk}")

    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["房屋"]
    rows = list(book["房屋"].iter_rows(values_only=True))
    assert list(rows[0]) == COMPANY["房屋"][0]
    assert sorted(row[5] for row in rows[1:]) == ["101", "102", "1201"]  # not NSZB's S01
    logged = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert (logged.object_type, logged.object_id, logged.detail["rows"]) == (
        "onboarding:rooms", "NEW", 3,
    )  # fmt: skip


def test_a_whole_workbook_on_the_rooms_list_imports_its_rooms_only(root, fresh):
    client, _root = root
    new = {"地区编码": "NHZ", "地区名称": "杭州", "项目编码": "NHZA", "项目名称": "西湖"}
    whole = xlsx(company(地区与项目={4: new}))

    page = upload(client, "residents_room", whole, "company.xlsx", fresh)
    confirm(client, "residents_room", page)

    assert Room.objects.filter(project__company=fresh).count() == 4
    assert not Project.objects.filter(code="NHZA").exists()  # the places sheet was not read
    assert not Resident.objects.exists()


def test_a_file_without_the_sheet_or_that_cannot_be_read_says_why(root, fresh):
    client, _root = root

    page = upload(client, "residents_room", csv_file(COMPANY["部门"]), "部门.csv", fresh)
    assert [str(e.error) for e in page.context["result"].base_errors] == [
        "文件中没有“房屋”表:请上传含这张表的工作簿,或表头与它相同的 CSV 文件"
    ]

    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    page = upload(client, "residents_room", old, "rooms.xls", fresh)
    message = "这是旧版 Excel 文件(.xls);请在 Excel 中另存为 .xlsx 再导入"
    assert [str(e.error) for e in page.context["result"].base_errors] == [message]
    assert message in page.content.decode()
    assert "Traceback" not in page.content.decode()


def test_a_gb18030_csv_is_read_as_the_workbook_import_reads_it(root, fresh):
    client, _root = root

    page = upload(client, "residents_room", csv_file(COMPANY["房屋"], "gb18030"), "房屋.csv", fresh)

    assert "confirm_form" in page.context, page.context["result"].base_errors


def test_projects_import_the_places_sheet(root, fresh):
    client, _root = root
    new = {"地区编码": "NHZ", "地区名称": "杭州地区公司", "项目编码": "NHZA", "项目名称": "西湖苑"}
    sheet = company(地区与项目={4: new})["地区与项目"]

    page = upload(client, "org_project", csv_file(sheet), "places.csv", fresh)
    confirm(client, "org_project", page)

    project = Project.objects.get(code="NHZA")
    assert (project.company, project.region.name) == (fresh, "杭州地区公司")


def test_an_import_of_staff_is_audited_as_a_permission_change(root, fresh):
    client, _root = root
    sheet = company(员工={1: {"角色": "项目经理"}})["员工"]

    page = upload(client, "org_user", csv_file(sheet), "staff.csv", fresh)
    confirm(client, "org_user", page)

    assert User.objects.get(username="wang.kf").role == Role.PROJECT_MANAGER
    logged = AuditLog.objects.get(action=AuditAction.PERMISSION_CHANGE, object_type="import")
    assert logged.object_id == "NEW"
    assert "  员工:新建 0,更新 1,不变 3" in logged.detail["summary"]


@pytest.fixture
def company_admin(fresh) -> User:
    """The administrator of ``fresh``: staff of the admin, may add and change rooms, and sees
    the whole company (a company file reaches every project)."""
    user = User.objects.create_user(
        "boss", password="pw-boss", company=fresh, role=Role.ADMIN, is_staff=True,
        scope_level=ScopeLevel.COMPANY,
    )  # fmt: skip
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="residents", codename__in=["add_room", "change_room",
                                                                "view_room"]
        )
    )  # fmt: skip
    return user


def test_a_company_administrator_imports_into_their_own_company_only(company_admin, fresh):
    other = Company.objects.create(code="OTH", name="别家物业")
    client = Client()
    client.force_login(company_admin)

    form = client.get(reverse("admin:residents_room_import")).context["form"]
    assert list(form.fields["company"].queryset) == [fresh]

    refused = upload(client, "residents_room", csv_file(COMPANY["房屋"]), "rooms.csv", other)
    assert "company" in refused.context["form"].errors
    assert export(client, "residents_room", other).status_code == 403

    page = upload(client, "residents_room", csv_file(COMPANY["房屋"]), "rooms.csv", fresh)
    confirm(client, "residents_room", page)
    assert Room.objects.filter(project__company=fresh).count() == 4


def test_only_administrators_may_import(fresh, company_admin):
    client = Client()
    agent = User.objects.create_user("agent", company=fresh, role=Role.AGENT, is_staff=True)
    agent.user_permissions.add(*company_admin.user_permissions.all())
    client.force_login(agent)

    assert client.get(reverse("admin:residents_room_import")).status_code == 403
    assert client.get(reverse("admin:residents_room_export")).status_code == 403
    # The company administrator without the permission to change a model may not import it.
    client.force_login(company_admin)
    assert client.get(reverse("admin:org_department_import")).status_code == 403


def test_a_refused_apply_writes_nothing_and_says_why(root, fresh):
    client, _root = root
    page = upload(client, "residents_room", csv_file(COMPANY["房屋"]), "rooms.csv", fresh)
    # Between the dry run and the confirm, the project goes to another company's code.
    Project.objects.filter(code="NSZB").update(code="NSZX")

    done = confirm(client, "residents_room", page)

    assert done.redirect_chain[-1][0] == reverse("admin:residents_room_import")
    shown = messages_of(done)
    assert "文件中有 1 处问题,未导入任何数据;请改正后重试" in shown
    assert not Room.objects.exists()


@pytest.mark.parametrize(
    "model", [Region, Project, Department, User, Building, Unit, Room, Resident]
)
def test_each_list_offers_its_sheet(root, model):
    client, _root = root
    opts = model._meta
    sheet = resource_for(model).selection.sheet

    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
    listed = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    assert page.status_code == 200
    assert all(str(c.header) in page.content.decode() for c in sheet.columns)
    assert reverse(f"admin:{opts.app_label}_{opts.model_name}_export") in listed.content.decode()


def test_the_resource_imports_a_tablib_dataset_from_code(fresh):
    header, *rows = COMPANY["房屋"]
    resource = resource_for(Room)(company=fresh)

    checked = resource.import_data(tablib.Dataset(*rows, headers=header), dry_run=True)
    assert (checked.totals["new"], checked.total_rows) == (3 + 3 + 4, 4)
    assert not Room.objects.exists()

    bad = tablib.Dataset(*rows, ["NSZA", "1", "", "1", "", "103", "x", "", "", ""], headers=header)
    with pytest.raises(onboarding.ImportHasProblems):
        resource.import_data(bad, raise_errors=True)
    assert not Room.objects.exists()


def test_an_administrator_of_some_projects_has_no_import_or_export_on_the_lists(
    company_admin, client
):
    company_admin.scope_level = ScopeLevel.PROJECTS
    company_admin.save()
    client.force_login(company_admin)
    assert client.get(reverse("admin:residents_room_import")).status_code == 403
    assert client.get(reverse("admin:residents_room_export")).status_code == 403
