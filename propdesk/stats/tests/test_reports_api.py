"""The monthly report through the API (SPEC §9): listed by month and scope, read with its
figures, text and status, its files downloaded, its text edited while a draft, and published —
the region's leaders and HQ told through the outbox. Refusals: 400 naming the field, 403
outside the scope or the role, 404 unknown, 409 once published."""

import json
from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from propdesk.core.exports import XLSX_TYPE
from propdesk.notify.models import OutboxMessage
from propdesk.sla import services as sla
from propdesk.stats import reports
from propdesk.stats.models import MonthlyReport
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import ApiClient
from propdesk.worktime.arithmetic import SHANGHAI


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def september(world):
    """A complaint accepted on 1 September and never followed up: one follow-up breach."""
    ticket = register(world, at(9, 1))
    services.accept(world.agent, ticket, now=at(9, 1, 11))
    sla.sweep(now=at(9, 9))
    reports.generate_month(2026, 9, now=at(10, 3, 2))
    return MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")


def patch(api: ApiClient, path: str, body: dict):
    return api.client.patch("/api/v1" + path, json.dumps(body), content_type="application/json")


def test_a_manager_lists_reads_edits_and_publishes_the_report_and_the_region_and_hq_are_told(
    world, september
):
    manager = ApiClient(world.manager)

    listed = manager.get("/reports", {"month": "2026-09"})
    assert listed.status_code == 200
    # The manager reads the scopes whose every project they see: 华苑 and its region.
    assert [(r["scope_kind"], r["scope_code"]) for r in listed.json()] == [
        ("project", "SZHY"),
        ("region", "SZ"),
    ]
    one = manager.get("/reports", {"month": "2026-09", "scope": "project:SZHY"}).json()
    assert [r["id"] for r in one] == [september.pk]
    assert one[0]["status"] == "draft"
    assert one[0]["publish_by"] == "2026-10-10"

    read = manager.get(f"/reports/{september.pk}").json()
    assert read["title"] == "华苑 2026年9月 客服工作月报"
    assert read["figures"]["counts"]["received"] == 1
    assert read["figures"]["follow_up_breaches"] == {"breaches": 1, "complaints": 1}
    # The headline beside the per-clock rates: one complaint, not handled in time.
    assert read["figures"]["complaint_timeliness"] == {"part": 0, "whole": 1, "percent": "0.0"}
    assert "handle" in read["figures"]["timeliness"]
    assert read["may_edit"] is True

    edited = patch(manager, f"/reports/{september.pk}", {"commentary": "  本月跟进不及时一次。 "})
    assert edited.status_code == 200
    assert edited.json()["commentary"] == "本月跟进不及时一次。"

    published = manager.post(f"/reports/{september.pk}/publish")
    assert published.status_code == 200
    body = published.json()
    assert (body["status"], body["published_by"], body["may_edit"]) == (
        "published",
        str(world.manager),
        False,
    )
    # Published now, long after 10 October.
    assert body["published_late"] is True

    notices = OutboxMessage.objects.filter(event="monthly_report_published")
    assert {m.user for m in notices} == {world.region_user, world.hq}
    notice = notices.filter(user=world.hq, channel="in_app").get()
    assert notice.subject == "【月报】华苑 2026年9月客服工作月报已发布"
    assert "跟进超时" in notice.body and "1 次" in notice.body
    assert "投诉处理及时率" in notice.body
    assert notice.url == f"/reports/{september.pk}/"

    # Readable through the API once published, by the region too.
    again = ApiClient(world.region_user).get(f"/reports/{september.pk}").json()
    assert (again["status"], again["commentary"]) == ("published", "本月跟进不及时一次。")


def test_the_reports_files_download_with_their_content_types(world, september):
    manager = ApiClient(world.manager)

    xlsx = manager.get(f"/reports/{september.pk}/xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == XLSX_TYPE
    assert "attachment" in xlsx["Content-Disposition"]
    book = load_workbook(BytesIO(xlsx.content))
    assert "投诉处理及时率" in book.sheetnames
    sheet = book["跟进"]
    assert [c.value for c in sheet[2]] == ["跟进超时(次)", 1]

    pdf = manager.get(f"/reports/{september.pk}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_publishing_twice_is_a_conflict_and_a_published_text_stays(world, september):
    manager = ApiClient(world.manager)
    assert manager.post(f"/reports/{september.pk}/publish").status_code == 200

    twice = manager.post(f"/reports/{september.pk}/publish")
    assert twice.status_code == 409
    assert twice.json()["code"] == "invalid_transition"
    late_edit = patch(manager, f"/reports/{september.pk}", {"commentary": "改"})
    assert late_edit.status_code == 409
    assert (
        OutboxMessage.objects.filter(event="monthly_report_published", user=world.hq).count() == 1
    )


def test_outside_the_scope_or_the_role_is_refused(world, september):
    outsider = ApiClient(world.outsider)  # a supervisor of 丽苑
    for refused in (
        outsider.get(f"/reports/{september.pk}"),
        outsider.get(f"/reports/{september.pk}/xlsx"),
        outsider.get(f"/reports/{september.pk}/pdf"),
        outsider.post(f"/reports/{september.pk}/publish"),
        outsider.get("/reports", {"month": "2026-09", "scope": "project:SZHY"}),
    ):
        assert refused.status_code == 403, refused.content
        assert "华苑 2026" not in refused.content.decode()

    agent = ApiClient(world.agent)  # in scope, but an agent does not publish
    assert agent.get(f"/reports/{september.pk}").status_code == 200
    assert agent.post(f"/reports/{september.pk}/publish").status_code == 403
    assert patch(agent, f"/reports/{september.pk}", {"commentary": "改"}).status_code == 403
    # A report whose projects the manager does not all see (the company's) is not theirs.
    company = MonthlyReport.objects.get(scope_kind="company")
    assert ApiClient(world.manager).post(f"/reports/{company.pk}/publish").status_code == 403

    september.refresh_from_db()
    assert (september.status, september.commentary) == ("draft", "")
    assert not OutboxMessage.objects.filter(event="monthly_report_published").exists()


def test_bad_input_is_refused_naming_the_field(world, september):
    manager = ApiClient(world.manager)
    for query, field in (
        ({"month": "2026-13"}, "month"),
        ({"month": "九月"}, "month"),
        ({"month": "2026-09", "scope": "project:NOWHERE"}, "scope"),
        ({"month": "2026-09", "scope": "everywhere"}, "scope"),
    ):
        answer = manager.get("/reports", query)
        assert (answer.status_code, answer.json()["field"]) == (400, field), query
    empty = patch(manager, f"/reports/{september.pk}", {})
    assert (empty.status_code, empty.json()["field"]) == (400, "commentary")
    too_long = patch(manager, f"/reports/{september.pk}", {"commentary": "长" * 20001})
    assert (too_long.status_code, too_long.json()["field"]) == (400, "commentary")
    assert manager.get("/reports/999999").status_code == 404
