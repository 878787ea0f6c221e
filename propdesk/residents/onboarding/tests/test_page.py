"""The administrator's import page: upload, the check's report, the rejected rows, the apply as a
background task with its progress, the export; and who may use it (SPEC §2, onboarding)."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from propdesk.core.models import AuditAction, AuditLog
from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Company
from propdesk.residents import tasks
from propdesk.residents.models import CompanyImport, ImportStatus, Resident
from propdesk.residents.onboarding import jobs

from .files import company, xlsx


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def fresh(db) -> Company:
    return Company.objects.create(code="NEW", name="新物业")


@pytest.fixture
def admin(fresh, client):
    user = make_user("it.admin", Role.ADMIN, fresh, scope_level=ScopeLevel.COMPANY)
    client.force_login(user)
    return user


def upload(client, content: bytes, name: str = "公司数据.xlsx"):
    return client.post(
        reverse("residents:imports"), {"file": SimpleUploadedFile(name, content)}, follow=False
    )


def uploaded(client, content: bytes, django_capture_on_commit_callbacks) -> CompanyImport:
    """Upload ``content`` and run the check the upload booked (the worker's part)."""
    with django_capture_on_commit_callbacks(execute=True) as booked:
        response = upload(client, content)
    assert response.status_code == 302, response.content.decode()
    assert len(booked) == 1  # the check is booked when the upload is stored
    job = CompanyImport.objects.get()
    tasks.check_company_import.call(job.pk)
    job.refresh_from_db()
    return job


def test_an_administrator_uploads_reads_the_report_applies_and_finds_the_residents(
    admin, client, django_capture_on_commit_callbacks
):
    job = uploaded(client, xlsx(company()), django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.CHECKED
    assert Resident.objects.count() == 0  # the check writes nothing

    page = client.get(reverse("residents:import", args=[job.pk])).content.decode()
    assert "检查通过" in page and 'id="apply"' in page
    assert "住户" in page and "新建" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("residents:import_apply", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLYING and job.applied_by == admin
    tasks.apply_company_import.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and job.applied_at is not None
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["刘芳", "周杰", "张伟"]
    page = client.get(reverse("residents:import", args=[job.pk])).content.decode()
    assert 'id="import-done"' in page and 'id="apply"' not in page
    logged = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert logged.user == admin and logged.object_id == str(job.pk)
    assert logged.detail["file"] == "公司数据.xlsx"
    assert logged.detail["changes"]["住户"]["created"] == 3
    # The history lists it.
    history = client.get(reverse("residents:imports")).content.decode()
    assert "公司数据.xlsx" in history and "已导入" in history


def test_a_row_with_a_problem_is_shown_and_comes_back_in_the_rejected_rows(
    admin, client, django_capture_on_commit_callbacks
):
    bad = xlsx(company(住户={2: {"手机": "12345"}}))
    job = uploaded(client, bad, django_capture_on_commit_callbacks)

    page = client.get(reverse("residents:import", args=[job.pk])).content.decode()
    assert "发现 1 处问题" in page
    assert "电话号码格式不正确" in page and "12345" in page
    assert 'id="apply"' not in page
    refused = client.post(reverse("residents:import_apply", args=[job.pk]))
    assert refused.status_code == 400 and "请下载有问题的行" in refused.content.decode()
    assert CompanyImport.objects.get().status == ImportStatus.CHECKED

    rejected = client.get(reverse("residents:import_rejected", args=[job.pk]))
    assert rejected.status_code == 200
    assert "attachment" in rejected["Content-Disposition"]
    book = load_workbook(io.BytesIO(rejected.content))
    rows = list(book["住户"].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one row
    assert "12345" in rows[1] and any("电话号码格式不正确" in str(c) for c in rows[1])


def test_a_file_that_cannot_be_read_fails_its_check_with_the_reason(
    admin, client, django_capture_on_commit_callbacks
):
    job = uploaded(client, b"not a workbook at all", django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    page = client.get(reverse("residents:import", args=[job.pk])).content.decode()
    assert 'id="job-error"' in page and "文件已损坏" in page


def test_an_old_xls_or_a_file_too_big_is_refused_at_upload(admin, client, settings):
    response = upload(client, b"\xd0\xcf\x11\xe0", "住户.xls")
    assert response.status_code == 400
    assert "另存为 .xlsx" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10
    response = upload(client, b"x" * 11, "住户.csv")
    assert response.status_code == 400 and "请分成几个文件导入" in response.content.decode()
    assert not CompanyImport.objects.exists()


def test_the_page_shows_the_progress_of_a_running_apply_and_reloads_when_it_ends(
    admin, client, django_capture_on_commit_callbacks
):
    job = uploaded(client, xlsx(company()), django_capture_on_commit_callbacks)
    jobs.start_apply(admin, job)
    # What the worker writes as it goes.
    write = jobs._progress_writer(job.pk)
    time.sleep(jobs.PROGRESS_EVERY_SECONDS)
    write(30, 120)

    page = client.get(reverse("residents:import", args=[job.pk])).content.decode()
    assert 'id="import-progress"' in page and 'value="25"' in page
    assert "30 / 约 120" in page
    fragment = client.get(reverse("residents:import_progress", args=[job.pk]))
    assert 'value="25"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment

    tasks.apply_company_import.call(job.pk)
    done = client.get(reverse("residents:import_progress", args=[job.pk]))
    assert done["HX-Refresh"] == "true"


def test_a_progress_that_stopped_moving_is_said_to_have_stalled(admin, fresh):
    job = CompanyImport.objects.create(
        company=fresh, file_name="x.xlsx", uploaded_by=admin, uploaded_at="2026-12-01T08:00Z",
        status=ImportStatus.APPLYING,
    )  # fmt: skip
    path = jobs._progress_path(job.pk)
    path.parent.mkdir(parents=True)
    stale = time.time() - jobs.STALLED_AFTER_SECONDS - 1
    path.write_text(json.dumps({"done": 5, "total": 10, "at": stale}))
    assert jobs.progress_of(job) == {"done": 5, "total": 10, "percent": 50, "stalled": True}


def test_an_apply_that_meets_new_problems_writes_nothing_and_shows_them(
    admin, client, fresh, django_capture_on_commit_callbacks
):
    job = uploaded(client, xlsx(company()), django_capture_on_commit_callbacks)
    jobs.start_apply(admin, job)
    # Between the check and the apply, someone else gave 刘芳's phone to another resident.
    Resident.objects.create(company=fresh, name="别人", phone="13700001111")
    Resident.objects.create(company=fresh, name="别人二", phone="13700001111")

    tasks.apply_company_import.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and "未导入任何数据" in job.error
    assert Resident.objects.count() == 2
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()
    page = client.get(reverse("residents:import", args=[job.pk])).content.decode()
    assert "新的问题" in page and 'id="apply"' not in page


def test_the_template_and_the_company_export_download_and_the_export_is_logged(
    admin, client, fresh
):
    template = client.get(reverse("residents:import_template"))
    assert template.status_code == 200
    assert "住户" in load_workbook(io.BytesIO(template.content)).sheetnames

    exported = client.get(reverse("residents:import_export"))
    assert exported.status_code == 200
    assert "NEW-" in exported["Content-Disposition"]
    assert "员工" in load_workbook(io.BytesIO(exported.content)).sheetnames
    as_csv = client.get(reverse("residents:import_export") + "?format=csv")
    assert as_csv.content[:2] == b"PK"  # a zip of CSV files
    logged = AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="company")
    assert [e.detail["format"] for e in logged.order_by("pk")] == ["xlsx", "csv"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.HQ, Role.QUALITY])
def test_only_administrators_may_import(fresh, client, role):
    client.force_login(make_user("someone", role, fresh))
    for name in ("residents:imports", "residents:import_template", "residents:import_export"):
        assert client.get(reverse(name)).status_code == 403
    nav = client.get(reverse("residents:residents")).content.decode()
    assert reverse("residents:imports") not in nav


def test_an_administrator_sees_only_the_imports_of_their_company(
    admin, client, fresh, django_capture_on_commit_callbacks
):
    job = uploaded(client, xlsx(company()), django_capture_on_commit_callbacks)
    other = Company.objects.create(code="OTHER", name="别家物业")
    client.force_login(make_user("other.admin", Role.ADMIN, other, scope_level=ScopeLevel.COMPANY))
    for name in ("residents:import", "residents:import_progress", "residents:import_rejected"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("residents:import_apply", args=[job.pk])).status_code == 404
    assert "公司数据.xlsx" not in client.get(reverse("residents:imports")).content.decode()


def test_a_superuser_without_a_company_chooses_it(fresh, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-2026")
    client.force_login(root)
    page = client.get(reverse("residents:imports")).content.decode()
    assert 'id="upload-company"' in page and "NEW 新物业" in page
    response = client.post(
        reverse("residents:imports"),
        {"file": SimpleUploadedFile("a.xlsx", xlsx(company()))},
    )
    assert response.status_code == 400 and "请选择公司" in response.content.decode()
    response = client.post(
        reverse("residents:imports"),
        {"company": "NEW", "file": SimpleUploadedFile("a.xlsx", xlsx(company()))},
    )
    assert response.status_code == 302
    assert CompanyImport.objects.get().company == fresh


def test_an_administrator_of_some_projects_may_not_import_the_whole_company(fresh, client):
    client.force_login(make_user("site.admin", Role.ADMIN, fresh))  # scope: some projects
    refused = client.get(reverse("residents:imports"))
    assert refused.status_code == 403
    assert "全公司的数据范围" in refused.content.decode()
    assert client.get(reverse("residents:import_export")).status_code == 403


def test_a_file_that_changes_nothing_says_so_and_offers_no_import(
    admin, client, fresh, django_capture_on_commit_callbacks
):
    from propdesk.residents.onboarding import services as onboarding

    onboarding.apply(fresh, xlsx(company()))
    job = uploaded(client, xlsx(company()), django_capture_on_commit_callbacks)

    page = client.get(reverse("residents:import", args=[job.pk])).content.decode()
    assert 'id="nothing-to-apply"' in page and 'id="apply"' not in page


def test_the_import_page_is_in_the_user_menu_of_an_administrator_only(admin, client, fresh):
    assert 'id="menu-imports"' in client.get(reverse("residents:residents")).content.decode()
    client.force_login(make_user("agent", Role.AGENT, fresh))
    assert 'id="menu-imports"' not in client.get(reverse("residents:residents")).content.decode()


def test_a_check_or_an_apply_run_twice_does_nothing_more(
    admin, client, django_capture_on_commit_callbacks
):
    job = uploaded(client, xlsx(company()), django_capture_on_commit_callbacks)
    tasks.check_company_import.call(job.pk)  # the worker ran it twice
    tasks.apply_company_import.call(job.pk)  # not booked: nothing
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and not Resident.objects.exists()
    jobs.start_apply(admin, job)
    with pytest.raises(jobs.Conflict, match="导入中"):
        jobs.start_apply(admin, job)  # a second click while it runs


def test_an_upload_whose_file_went_missing_fails_with_a_reason(
    admin, client, django_capture_on_commit_callbacks
):
    job = uploaded(client, xlsx(company()), django_capture_on_commit_callbacks)
    jobs.start_apply(admin, job)
    job.refresh_from_db()
    job.file.storage.delete(job.file.name)  # someone cleaned the folder

    with pytest.raises(FileNotFoundError):
        tasks.apply_company_import.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "未导入任何数据" in job.error
    assert not Resident.objects.exists()


def test_who_imports_into_which_company(admin, fresh, django_user_model):
    assert jobs.importing_company(admin) == fresh
    with pytest.raises(jobs.PermissionDenied, match="只能导入本公司"):
        jobs.importing_company(admin, "OTHER")
    root = django_user_model.objects.create_superuser("root", password="pw-root-2026")
    with pytest.raises(jobs.InvalidInput, match="没有编码为“NOPE”的公司"):
        jobs.importing_company(root, "NOPE")
    assert jobs.importing_company(root, "NEW") == fresh
    assert list(jobs.jobs_for(root)) == []
    job = CompanyImport.objects.create(
        company=fresh, file_name="x.xlsx", uploaded_by=admin, uploaded_at="2026-12-01T08:00Z"
    )
    with pytest.raises(jobs.Conflict, match="还没有检查结果"):
        jobs.report_of(job)
