"""The company import over the API: the dry run answers the report, the apply writes all or
nothing and is logged, only administrators may (SPEC §2, onboarding)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from propdesk.core.models import AuditAction, AuditLog
from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Company
from propdesk.residents.models import Resident

from .files import company, xlsx

CHECK = "/api/v1/imports/company/check"
APPLY = "/api/v1/imports/company/apply"


@pytest.fixture
def fresh(db) -> Company:
    return Company.objects.create(code="NEW", name="新物业")


@pytest.fixture
def admin(fresh, client):
    user = make_user("it.admin", Role.ADMIN, fresh, scope_level=ScopeLevel.COMPANY)
    client.force_login(user)
    return user


def send(client, url: str, content: bytes, **form):
    return client.post(url, {"file": SimpleUploadedFile("公司数据.xlsx", content), **form})


def test_the_check_answers_the_report_sheet_by_sheet_and_writes_nothing(admin, client):
    answer = send(client, CHECK, xlsx(company(住户={2: {"手机": "12345"}})))

    assert answer.status_code == 200, answer.json()
    report = answer.json()
    assert report["ok"] is False and report["applied"] is False
    assert report["problem_count"] == 1 and report["file_name"] == "公司数据.xlsx"
    residents = next(s for s in report["sheets"] if s["key"] == "residents")
    assert residents["problems"] == [
        {"row": 3, "column": "手机", "value": "12345", "message": "电话号码格式不正确"}
    ]
    places = next(s for s in report["sheets"] if s["key"] == "places")
    assert places["counts"]["项目"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert Resident.objects.count() == 0


def test_the_apply_writes_the_file_logs_it_and_a_second_apply_changes_nothing(admin, client):
    first = send(client, APPLY, xlsx(company()))
    assert first.status_code == 200, first.json()
    assert first.json()["applied"] is True and first.json()["changes"] > 0
    assert Resident.objects.count() == 3
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, user=admin).count() == 1

    again = send(client, APPLY, xlsx(company()))
    assert again.status_code == 200 and again.json()["changes"] == 0


def test_an_apply_with_problems_is_refused_with_the_report_and_writes_nothing(admin, client):
    answer = send(client, APPLY, xlsx(company(住户={4: {"手机": "12345"}})))

    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "import_has_problems" and "未导入任何数据" in body["detail"]
    assert body["plan"]["problem_count"] == 1
    assert Resident.objects.count() == 0
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()


def test_an_unreadable_file_is_a_400_that_says_why(admin, client):
    answer = client.post(CHECK, {"file": SimpleUploadedFile("住户.xls", b"\xd0\xcf\x11\xe0" * 8)})
    assert answer.status_code == 400 and "另存为 .xlsx" in answer.json()["detail"]


def test_only_an_administrator_imports_and_only_into_their_company(fresh, client):
    client.force_login(make_user("agent", Role.AGENT, fresh))
    assert send(client, CHECK, xlsx(company())).status_code == 403
    Company.objects.create(code="OTHER", name="别家")
    client.force_login(make_user("it.admin", Role.ADMIN, fresh, scope_level=ScopeLevel.COMPANY))
    refused = send(client, APPLY, xlsx(company()), company="OTHER")
    assert refused.status_code == 403 and Resident.objects.count() == 0
