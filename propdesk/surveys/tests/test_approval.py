"""The plan's approval by named officers (SPEC §7, seed 001 篇4 §4.1(2)②), through the API: a
plan written by 品质部 is reviewed by the management representative and approved by the general
manager; a department's plan is approved by the management representative and filed with
品质部. Anyone else is refused (403) with the person named, a second approval is 409, bad input
names the field, and nothing is issued before the final approval. An administrator stands in
only while nobody holds the title."""

from __future__ import annotations

import pytest

from propdesk.org.models import CompanyOfficer
from propdesk.surveys import services
from propdesk.surveys.models import Campaign, CampaignEvent

from .helpers import T0, designate
from .test_api import Api, period, planned

pytestmark = pytest.mark.django_db

CAMPAIGN = "/surveys/campaigns/{pk}"


def _kinds(pk: int) -> list[str]:
    return list(CampaignEvent.objects.filter(campaign_id=pk).values_list("kind", flat=True))


def _refused(response, status: int) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


def test_quality_plan_is_reviewed_by_the_representative_and_approved_by_the_general_manager(
    world, rooms
):
    people = designate(world)
    quality, mr, gm = Api(world.quality), Api(people.mr), Api(people.gm)
    # The quality user's scope is 华苑: their plan covers it.
    created = quality.post(
        "/surveys/campaigns",
        {"name": "品质部半年调查", "projects": ["SZHY"], **period(), "unit": "department"},
    )  # fmt: skip
    assert (created.status_code, created.json()["field"]) == (400, "unit")
    created = quality.post(
        "/surveys/campaigns",
        {"name": "品质部半年调查", "projects": ["SZHY"], **period()},
    ).json()  # fmt: skip
    pk = created["id"]
    assert (created["unit"], created["unit_display"]) == ("quality", "品质部")
    quality.post(f"/surveys/campaigns/{pk}/items", {"area": "cleaning", "text": "楼道清洁"})
    submitted = quality.post(f"/surveys/campaigns/{pk}/submit", {"note": "请审核"}).json()
    assert submitted["status"] == "submitted"
    assert submitted["waiting_for"] == {
        "move": "review", "title": "management_representative",
        "title_display": "管理者代表", "person": "mr", "person_name": "Mr",
    }  # fmt: skip
    assert "review" not in submitted["moves"]  # the author is not the representative

    # The general manager cannot approve before the review: 409, with why.
    early = _refused(gm.post(f"/surveys/campaigns/{pk}/approve", {}), 409)
    assert early["detail"] == "品质部编制的计划须先经管理者代表审核,再由总经理批准"
    # Nobody but the representative reviews: not the GM, not 品质部, not the administrator.
    for user in (people.gm, world.quality, world.admin, world.hq, people.deputy):
        refused = _refused(Api(user).post(f"/surveys/campaigns/{pk}/review", {}), 403)
        assert refused["detail"] == "只有管理者代表 Mr 可以审核"
    assert mr.get(f"/surveys/campaigns/{pk}").json()["moves"] == ["review", "return"]

    reviewed = mr.post(f"/surveys/campaigns/{pk}/review", {"note": "目的与对象清楚"}).json()
    assert (reviewed["status"], reviewed["reviewed_by"]) == ("reviewed", "mr")
    assert reviewed["waiting_for"]["person"] == "gm"
    again = _refused(mr.post(f"/surveys/campaigns/{pk}/review", {}), 409)
    assert again["code"] == "invalid_transition"
    # The representative has reviewed: approving is the general manager's, not theirs.
    refused = _refused(mr.post(f"/surveys/campaigns/{pk}/approve", {}), 403)
    assert refused["detail"] == "只有总经理 Gm 可以批准"
    early_issue = _refused(quality.post(f"/surveys/campaigns/{pk}/issue", {}), 409)
    assert early_issue["code"] == "invalid_transition"

    approved = gm.post(f"/surveys/campaigns/{pk}/approve", {"note": "同意实施"}).json()
    assert (approved["status"], approved["approved_by"]) == ("approved", "gm")
    assert approved["filed_at"] is None  # 品质部's own plan is not filed with itself
    assert approved["waiting_for"] is None
    twice = _refused(gm.post(f"/surveys/campaigns/{pk}/approve", {}), 409)
    assert twice["code"] == "invalid_transition"
    assert _kinds(pk) == ["created", "submitted", "reviewed", "approved"]
    events = {e["kind"]: e for e in approved["events"]}
    assert (events["reviewed"]["actor"], events["approved"]["note"]) == ("mr", "同意实施")
    assert events["approved"]["data"] == {"title": "general_manager"}

    issued = quality.post(f"/surveys/campaigns/{pk}/issue", {"channel": "paper"}).json()
    assert issued["status"] == "issued"


def test_a_departments_plan_is_approved_by_the_representative_and_filed_with_quality(world, rooms):
    people = designate(world)
    supervisor = Api(world.supervisor)
    world.supervisor.department = world.engineering
    world.supervisor.save()
    created = supervisor.post(
        "/surveys/campaigns",
        {"name": "客服部专项调查", "projects": ["SZHY"], **period()},
    ).json()  # fmt: skip
    pk = created["id"]
    assert (created["unit"], created["organiser_department"]) == ("department", "SZHY-ENG")
    supervisor.post(f"/surveys/campaigns/{pk}/items", {"area": "cleaning", "text": "楼道清洁"})
    supervisor.post(f"/surveys/campaigns/{pk}/submit", {})

    # A department's plan has no review step.
    no_review = _refused(Api(people.mr).post(f"/surveys/campaigns/{pk}/review", {}), 409)
    assert no_review["detail"] == "部门编制的计划由管理者代表直接批准,不需要审核"
    for user in (people.gm, world.manager, world.quality, world.admin):
        refused = _refused(Api(user).post(f"/surveys/campaigns/{pk}/approve", {}), 403)
        assert refused["detail"] == "只有管理者代表 Mr 可以批准"
    approved = Api(people.mr).post(f"/surveys/campaigns/{pk}/approve", {}).json()
    assert (approved["status"], approved["approved_by"]) == ("approved", "mr")
    assert approved["filed_at"] is not None
    assert _kinds(pk) == ["created", "submitted", "approved", "filed"]
    filed = CampaignEvent.objects.get(campaign_id=pk, kind="filed")
    assert filed.data == {"department": "华苑 工程部"}
    twice = _refused(Api(people.mr).post(f"/surveys/campaigns/{pk}/approve", {}), 409)
    assert twice["code"] == "invalid_transition"

    # 品质部 sees the filed plans in its list.
    filed_list = Api(world.quality).get("/surveys/campaigns", {"filed": "true"}).json()
    assert [c["id"] for c in filed_list["items"]] == [pk]


def test_each_step_sends_back_with_a_reason_and_a_returned_review_is_done_again(world, rooms):
    people = designate(world)
    quality, mr, gm = Api(world.quality), Api(people.mr), Api(people.gm)
    pk = planned(Api(world.hq))["id"]
    Campaign.objects.filter(pk=pk).update(unit="quality")  # HQ marked it as 品质部's
    hq = Api(world.hq)
    hq.post(f"/surveys/campaigns/{pk}/submit", {})

    blank = _refused(mr.post(f"/surveys/campaigns/{pk}/return", {"reason": "  "}), 400)
    assert blank["field"] == "reason"
    missing = _refused(mr.post(f"/surveys/campaigns/{pk}/return", {}), 422)
    assert missing["field"] == "reason"
    not_theirs = _refused(gm.post(f"/surveys/campaigns/{pk}/return", {"reason": "不行"}), 403)
    assert not_theirs["detail"] == "只有管理者代表 Mr 可以审核"
    returned = mr.post(f"/surveys/campaigns/{pk}/return", {"reason": "补充样本说明"}).json()
    assert returned["status"] == "draft"

    hq.post(f"/surveys/campaigns/{pk}/submit", {})
    mr.post(f"/surveys/campaigns/{pk}/review", {})
    refused = _refused(mr.post(f"/surveys/campaigns/{pk}/return", {"reason": "再看看"}), 403)
    assert refused["detail"] == "只有总经理 Gm 可以批准"
    back = gm.post(f"/surveys/campaigns/{pk}/return", {"reason": "调查期太长"}).json()
    assert (back["status"], back["reviewed_by"]) == ("draft", None)  # to be reviewed again

    hq.post(f"/surveys/campaigns/{pk}/submit", {})
    again = _refused(gm.post(f"/surveys/campaigns/{pk}/approve", {}), 409)
    assert again["code"] == "invalid_transition"
    mr.post(f"/surveys/campaigns/{pk}/review", {})
    assert gm.post(f"/surveys/campaigns/{pk}/approve", {}).json()["status"] == "approved"
    returns = CampaignEvent.objects.filter(campaign_id=pk, kind="returned").order_by("pk")
    assert [(e.actor, e.note, e.data["step"]) for e in returns] == [
        (people.mr, "补充样本说明", "review"),
        (people.gm, "调查期太长", "approve"),
    ]
    # Nothing of the history is lost: every move is still there.
    assert _kinds(pk).count("submitted") == 3
    assert quality.get(f"/surveys/campaigns/{pk}").status_code == 200


def test_an_administrator_stands_in_only_while_nobody_holds_the_title(world, rooms):
    pk = planned(Api(world.hq))["id"]
    Api(world.hq).post(f"/surveys/campaigns/{pk}/submit", {})
    detail = Api(world.admin).get(f"/surveys/campaigns/{pk}").json()
    assert detail["waiting_for"]["person"] is None
    assert "approve" in detail["moves"]
    refused = _refused(Api(world.hq).post(f"/surveys/campaigns/{pk}/approve", {}), 403)
    assert "公司尚未指定管理者代表" in refused["detail"]
    assert "只有系统管理员可以代为批准" in refused["detail"]

    # Once someone holds the title, the administrator no longer may.
    people = designate(world)
    refused = _refused(Api(world.admin).post(f"/surveys/campaigns/{pk}/approve", {}), 403)
    assert refused["detail"] == "只有管理者代表 Mr 可以批准"
    # A deactivated holder holds nothing: the administrator may stand in again.
    people.mr.is_active = False
    people.mr.save()
    approved = Api(world.admin).post(f"/surveys/campaigns/{pk}/approve", {}).json()
    assert approved["status"] == "approved"
    assert CampaignEvent.objects.get(campaign_id=pk, kind="approved").data == {
        "title": "management_representative",
        "stand_in": True,
    }


def test_the_officer_must_reach_every_project_of_the_plan(world, rooms):
    people = designate(world)
    people.mr.scope_level = "projects"
    people.mr.save()
    people.mr.scope_projects.set([world.project])
    pk = planned(Api(world.hq))["id"]  # both projects
    Api(world.hq).post(f"/surveys/campaigns/{pk}/submit", {})
    refused = _refused(Api(people.mr).post(f"/surveys/campaigns/{pk}/approve", {}), 403)
    assert refused["code"] == "out_of_scope"


def test_existing_submitted_campaigns_stay_approvable_and_officers_are_one_per_company(
    world, rooms
):
    from django.db import IntegrityError, transaction

    people = designate(world)
    campaign = services.create_campaign(
        world.hq, name="旧调查", period_start=T0.date(), period_end=T0.date(),
        project_ids=[world.project.pk], now=T0,
    )  # fmt: skip
    services.add_item(world.hq, campaign.pk, area="cleaning", text="楼道清洁")
    services.submit(world.hq, campaign.pk, now=T0)
    assert services.approve(people.mr, campaign.pk, now=T0).status == "approved"
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyOfficer.objects.create(
            company=world.company, user=world.hq, title="management_representative"
        )
    CompanyOfficer.objects.create(
        company=world.company, user=world.hq, title="deputy_general_manager"
    )  # two deputies are fine
