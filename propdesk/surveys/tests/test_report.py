"""The analysis report of a closed campaign (SPEC §7, seed 001 篇4 §4.1(5)④), through the API
and the page: reviewed by the management representative, distributed to the general manager,
the deputies, the representative, the managers in charge and the departments concerned — one
notice each through the outbox — and each recipient's receipt recorded; refusals for the wrong
person (403), twice (409), bad input (400 naming the field)."""

from __future__ import annotations

import re

import pytest

from propdesk.notify.models import OutboxMessage
from propdesk.surveys import services
from propdesk.surveys.models import CampaignEvent, ReportReceipt

from .helpers import answered_campaign, designate, run_campaign
from .test_api import Api

pytestmark = pytest.mark.django_db


def _refused(response, status: int) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


@pytest.fixture
def closed(world, rooms):
    people = designate(world)
    campaign = answered_campaign(world, rooms)  # both projects, by HQ; 6 of 10 answered
    services.close(world.hq, campaign.pk)
    return campaign, people


def test_the_report_is_reviewed_distributed_and_each_receipt_recorded(world, closed):
    campaign, people = closed
    report = f"/surveys/campaigns/{campaign.pk}/report"
    hq, mr, gm = Api(world.hq), Api(people.mr), Api(people.gm)

    waiting = hq.get(report).json()
    assert (waiting["status"], waiting["receipts"], waiting["moves"]) == ("waiting", [], [])
    early = _refused(hq.post(f"{report}/distribute", {"departments": []}), 409)
    assert early["detail"] == "分析报告须先经管理者代表审核,才能分发"
    for user in (world.hq, world.admin, people.gm, world.quality):
        refused = _refused(Api(user).post(f"{report}/review", {}), 403)
        assert refused["detail"].startswith("只有管理者代表 Mr 可以审核分析报告") or (
            refused["code"] == "out_of_scope"
        )
    assert mr.get(report).json()["moves"] == ["report_review"]
    reviewed = mr.post(f"{report}/review", {"note": "数据完整,同意分发"}).json()
    assert (reviewed["status"], reviewed["reviewed_by"]) == ("reviewed", "mr")
    assert reviewed["review_note"] == "数据完整,同意分发"
    assert _refused(mr.post(f"{report}/review", {}), 409)["code"] == "invalid_transition"

    unknown = _refused(hq.post(f"{report}/distribute", {"departments": ["NOPE"]}), 400)
    assert (unknown["field"], unknown["detail"]) == ("departments", "部门编码“NOPE”不存在")
    not_theirs = _refused(Api(world.agent).post(f"{report}/distribute", {}), 403)
    assert not_theirs["code"] == "out_of_scope"  # the agent reaches 华苑 only
    assert hq.get(report).json()["moves"] == ["distribute"]
    distributed = hq.post(f"{report}/distribute", {"departments": ["SZHY-ENG"]}).json()
    assert distributed["status"] == "distributed"
    assert distributed["departments"] == ["SZHY-ENG"]
    who = {r["recipient"]: r["reasons"] for r in distributed["receipts"]}
    assert who == {
        "gm": ["general_manager"],
        "deputy": ["deputy_general_manager"],
        "mr": ["management_representative"],
        "manager": ["manager_in_charge"],  # the project manager of 华苑
        "handler": ["department"],  # the member of 华苑's engineering department
    }
    assert all(r["received_at"] is None for r in distributed["receipts"])
    again = _refused(hq.post(f"{report}/distribute", {}), 409)
    assert again["detail"] == "分析报告已分发,不能重复分发"

    # One notice per recipient, in the app, linking to the campaign's report.
    notices = OutboxMessage.objects.filter(event="survey_report_distributed", channel="in_app")
    assert sorted(n.user.username for n in notices) == sorted(who)
    notice = notices.get(user=people.gm)
    assert notice.url == f"/surveys/{campaign.pk}/#report"
    assert notice.subject == "【调查报告】2026年下半年满意度调查 的统计分析报告请查收"
    assert "已经管理者代表 Mr 审核，由 Hq 于" in notice.body
    assert "回收率：60.00%（6/10）" in notice.body

    # Each recipient confirms, once; nobody else can.
    assert gm.get(report).json()["moves"] == ["acknowledge"]
    confirmed = gm.post(f"{report}/acknowledge").json()
    gm_receipt = next(r for r in confirmed["receipts"] if r["recipient"] == "gm")
    assert gm_receipt["received_at"] is not None and confirmed["received"] == 1
    twice = _refused(gm.post(f"{report}/acknowledge"), 409)
    assert twice["detail"] == "您已确认收到该分析报告"
    stranger = _refused(hq.post(f"{report}/acknowledge"), 403)
    assert stranger["detail"] == "您不在该分析报告的分发名单中"
    Api(world.handler).post(f"{report}/acknowledge")
    listing = hq.get(report).json()
    assert listing["received"] == 2
    assert {r["recipient"] for r in listing["receipts"] if r["received_at"]} == {"gm", "handler"}
    kinds = list(
        CampaignEvent.objects.filter(campaign=campaign, kind__startswith="report")
        .order_by("pk")
        .values_list("kind", "actor__username")
    )
    assert kinds == [
        ("report_reviewed", "mr"),
        ("report_distributed", "hq"),
        ("report_received", "gm"),
        ("report_received", "handler"),
    ]
    assert ReportReceipt.objects.count() == 5  # nothing deleted, nothing added


def test_only_a_closed_campaign_has_its_report_reviewed(world, rooms):
    people = designate(world)
    campaign = run_campaign(world, until="issued")
    refused = _refused(Api(people.mr).post(f"/surveys/campaigns/{campaign.pk}/report/review"), 409)
    assert refused["detail"] == "调查当前为“调查中”,结束调查后才能审核和分发分析报告"


def test_a_department_not_serving_the_campaign_is_refused(world, rooms):
    people = designate(world)
    campaign = run_campaign(world, until="closed", projects=[world.project])
    Api(people.mr).post(f"/surveys/campaigns/{campaign.pk}/report/review")
    refused = _refused(
        Api(world.hq).post(
            f"/surveys/campaigns/{campaign.pk}/report/distribute", {"departments": ["GZLY-ENG"]}
        ),
        400,
    )
    assert (refused["field"], refused["detail"]) == (
        "departments",
        "部门“GZLY-ENG”不负责本次调查的项目",
    )
    assert not ReportReceipt.objects.exists()


def test_the_page_shows_the_chain_the_report_and_the_receipt_button(client, world, closed):
    campaign, people = closed
    client.force_login(people.mr)
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert "管理者代表批准" in page and "报品质部备案" in page
    assert 'id="report-review"' in page
    waiting = client.get("/surveys/?show=waiting").content.decode()
    assert campaign.name in waiting
    client.post(f"/surveys/{campaign.pk}/report/review/", {"note": "同意"})

    client.force_login(world.hq)
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert 'id="distribute"' in page and 'value="SZHY-ENG"' in page
    assert campaign.name in client.get("/surveys/?show=waiting").content.decode()
    answer = client.post(
        f"/surveys/{campaign.pk}/report/distribute/", {"departments": ["SZHY-ENG"]}
    )
    assert answer.status_code == 302
    assert campaign.name not in client.get("/surveys/?show=waiting").content.decode()

    client.force_login(people.gm)
    assert campaign.name in client.get("/surveys/?show=waiting").content.decode()
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert 'id="acknowledge"' in page
    assert re.search(r'id="receipt-gm">.*?未确认', page, re.S)
    client.post(f"/surveys/{campaign.pk}/report/acknowledge/")
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert 'id="acknowledge"' not in page
    assert "已确认收到 1 / 5" in page
    assert campaign.name not in client.get("/surveys/?show=waiting").content.decode()
    # Somebody else is refused outright.
    client.force_login(world.hq)
    assert client.post(f"/surveys/{campaign.pk}/report/acknowledge/").status_code == 403


def test_the_plan_waits_in_the_officers_lists(client, world, rooms):
    people = designate(world)
    campaign = run_campaign(world, until="submitted")
    mine = Api(people.mr).get("/surveys/campaigns", {"waiting": "true"}).json()
    assert [c["id"] for c in mine["items"]] == [campaign.pk]
    assert Api(people.gm).get("/surveys/campaigns", {"waiting": "true"}).json()["count"] == 0
    client.force_login(people.mr)
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert "等待管理者代表 Mr 批准" in page
