"""The console's survey pages: the list, a new campaign, a campaign's page in each status with
its moves, results and charts' data, comparison, Pareto and corrective actions; the households
and their links; paper entry. Refusals of role and scope are the console's 403 page."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.core import clock
from propdesk.improvement import services as improvement
from propdesk.improvement.models import CorrectiveAction
from propdesk.surveys import services
from propdesk.surveys.models import Campaign, Item, Response

from .helpers import PERIOD, T0, answer, designate, run_campaign

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def test_the_list_shows_the_campaigns_a_user_sees(client, world, answered):
    run_campaign(world, name="丽苑专项调查", projects=[world.other_project], until="draft")
    client.force_login(world.supervisor)
    page = html_of(client.get("/surveys/"))
    assert f'href="/surveys/{answered.pk}/"' in page
    assert "2026年下半年满意度调查" in page
    assert "调查中" in page
    assert "丽苑专项调查" not in page
    assert 'id="new-campaign"' in page
    client.force_login(world.agent)
    assert 'id="new-campaign"' not in html_of(client.get("/surveys/"))
    assert client.get("/surveys/new/").status_code == 403


def test_a_supervisor_creates_a_campaign_from_the_form(client, world):
    client.force_login(world.supervisor)
    assert client.get("/surveys/new/").status_code == 200
    bad = client.post(
        "/surveys/new/",
        {
            "name": "x",
            "projects": [world.project.pk],
            "period_start": "2026-09-30",
            "period_end": "2026-09-01",
            "min_return_rate": "30",
        },
    )
    assert bad.status_code == 400
    assert "结束日期不能早于开始日期" in html_of(bad)
    made = client.post(
        "/surveys/new/",
        {
            "name": "华苑秋季调查",
            "projects": [world.project.pk],
            "period_start": "2026-09-01",
            "period_end": "2026-09-30",
            "min_return_rate": "30",
        },
    )
    campaign = Campaign.objects.get(name="华苑秋季调查")
    assert made.status_code == 302 and made["Location"] == f"/surveys/{campaign.pk}/"
    page = html_of(client.get(made["Location"]))
    assert 'id="item-form"' in page and 'id="move-submit"' in page
    client.post(f"/surveys/{campaign.pk}/items/", {"area": "cleaning", "text": "楼道清洁"})
    assert list(campaign.items.values_list("text", flat=True)) == ["楼道清洁"]
    client.post(f"/surveys/{campaign.pk}/move/submit/", {"note": ""})
    campaign.refresh_from_db()
    assert campaign.status == "submitted"
    page = html_of(client.get(f"/surveys/{campaign.pk}/"))
    assert 'id="item-form"' not in page and 'id="move-approve"' not in page


def test_the_management_representative_approves_and_a_manager_issues_from_the_page(
    client, world, rooms
):
    mr = designate(world).mr
    campaign = run_campaign(world, projects=[world.project], until="submitted")
    client.force_login(world.manager)
    page = html_of(client.get(f"/surveys/{campaign.pk}/"))
    assert 'id="move-approve"' not in page
    assert "等待管理者代表 Mr 批准" in page
    client.force_login(mr)
    page = html_of(client.get(f"/surveys/{campaign.pk}/"))
    assert 'id="move-approve"' in page and 'id="move-return"' in page
    refused = client.post(f"/surveys/{campaign.pk}/move/return/", {"reason": ""})
    assert refused.status_code == 400
    assert "请填写此项" in html_of(refused)
    with clock.frozen(T0):
        client.post(f"/surveys/{campaign.pk}/move/approve/", {"note": "同意"})
    client.force_login(world.manager)
    with clock.frozen(T0):
        issued = client.post(f"/surveys/{campaign.pk}/move/issue/", {"channel": "link"})
    assert issued.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.status, campaign.invitations.count()) == ("issued", 6)
    page = html_of(client.get(f"/surveys/{campaign.pk}/"))
    assert "6 份问卷" in page
    assert 'id="kpi-return-rate"' in page


def test_an_agent_sees_the_campaign_but_no_moves(client, world, answered):
    client.force_login(world.agent)
    page = html_of(client.get(f"/surveys/{answered.pk}/"))
    assert 'id="moves"' not in page
    assert 'id="paper-link"' in page  # agents type in paper forms
    assert client.post(f"/surveys/{answered.pk}/move/close/").status_code == 403
    client.force_login(world.handler)
    assert client.get(f"/surveys/{answered.pk}/paper/").status_code == 403


def test_another_projects_campaign_is_refused(client, world, rooms):
    theirs = run_campaign(world, name="丽苑专项调查", projects=[world.other_project])
    client.force_login(world.supervisor)
    assert client.get(f"/surveys/{theirs.pk}/").status_code == 403
    assert client.get("/surveys/999999/").status_code == 404


def test_the_results_on_the_page(client, world, answered):
    client.force_login(world.hq)
    page = html_of(client.get(f"/surveys/{answered.pk}/"))
    kpi = page[page.index('id="kpi-return-rate"') :][:600]
    assert "60.00%" in kpi and "return-rate-warning" not in kpi
    assert "61.11%" in page[page.index('id="kpi-satisfaction"') :][:800]
    rows = re.findall(r'<tr data-item="\d+">(.*?)</tr>', page, flags=re.S)
    assert len(rows) == 4
    assert "报修响应速度" in rows[2] and "20.00%" in rows[2]
    pareto = page[page.index('id="pareto-table"') :]
    assert pareto.index("报修响应速度") < pareto.index("前台接待态度")
    assert "57.14%" in pareto and "85.71%" in pareto
    data = json.loads(re.search(r'id="survey-chart-data"[^>]*>(.*?)</script>', page, re.S)[1])
    assert data["areas"]["names"] == ["客户服务", "工程维修", "清洁卫生"]
    assert data["areas"]["percents"] == [77.78, 20.0, 75.0]
    assert data["pareto"]["counts"] == [4, 1, 1, 1]
    assert data["pareto"]["cumulative"] == [57.14, 71.43, 85.71, 100.0]
    assert data["pareto"]["line"] == 80.0
    assert "console/vendor/echarts.min.js" in page and "surveys/results.js" in page
    by_area = html_of(client.get(f"/surveys/{answered.pk}/?pareto=area"))
    assert "按类别" in by_area
    assert "没有可比较的上次调查" in page


def test_a_low_return_rate_is_flagged_on_the_page(client, world, rooms):
    campaign = run_campaign(world)
    answer(campaign, rooms["A"], ["very_satisfied"] * 4)
    client.force_login(world.hq)
    page = html_of(client.get(f"/surveys/{campaign.pk}/"))
    assert 'id="return-rate-warning"' in page
    assert "低于最低回收率 30%" in page


def test_the_comparison_with_the_previous_campaign_on_the_page(client, world, rooms):
    march = T0.replace(month=3, day=2)
    spring = run_campaign(
        world, name="春季调查", period=(march.date(), march.date() + timedelta(days=29)), at=march
    )
    answer(spring, rooms["A"], ["dissatisfied"] * 4, at=march)
    autumn = run_campaign(world)
    answer(autumn, rooms["A"], ["satisfied"] * 4)
    client.force_login(world.hq)
    page = html_of(client.get(f"/surveys/{autumn.pk}/"))
    comparison = page[page.index('id="comparison"') :]
    assert "春季调查" in comparison
    assert "+100.00" in comparison  # overall: 0% → 100%


def test_corrective_actions_from_the_page(client, world, answered):
    item = answered.items.get(text="报修响应速度")
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.force_login(world.supervisor)
    bad = client.post(f"/surveys/{answered.pk}/actions/", {"project": world.project.pk})
    assert bad.status_code == 400
    made = client.post(
        f"/surveys/{answered.pk}/actions/",
        {
            "project": world.project.pk,
            "item": item.pk,
            "owner": world.handler.pk,
            "cause": "派单慢",
            "measure": "一小时内派单",
            "due_on": due,
        },
    )
    assert made.status_code == 302
    action = CorrectiveAction.objects.get()
    client.force_login(world.handler)
    client.post(f"/surveys/actions/{action.pk}/done/", {"note": "已整改"})
    client.force_login(world.quality)
    page = html_of(client.get(f"/surveys/{answered.pk}/"))
    assert f'action="/surveys/actions/{action.pk}/verify/"' in page
    client.post(f"/surveys/actions/{action.pk}/verify/", {"note": "有效", "effective": "yes"})
    action.refresh_from_db()
    assert (action.status, action.verified_by) == ("verified", world.quality)
    page = html_of(client.get(f"/surveys/{answered.pk}/"))
    assert "已验证" in page[page.index('id="action-table"') :]


def test_households_and_their_links(client, world, answered, rooms):
    client.force_login(world.supervisor)
    page = html_of(client.get(f"/surveys/{answered.pk}/households/"))
    token = answered.invitations.get(room=rooms["A"]).token
    assert f"http://testserver/s/{token}/" in page
    assert "3栋2单元1101" in page
    assert "1栋1单元0201" not in page  # 丽苑 is not the supervisor's
    waiting = html_of(client.get(f"/surveys/{answered.pk}/households/?answered=no"))
    assert "3栋2单元1101" not in waiting and "5栋1单元0201" in waiting


def test_paper_entry_from_the_form(client, world, answered, rooms):
    client.force_login(world.agent)
    building = rooms["G"].building
    page = client.get(f"/surveys/{answered.pk}/paper/?building={building.pk}")
    assert page.status_code == 200
    assert "5栋1单元0201" in html_of(page)
    items = list(answered.items.order_by("order"))
    data = {
        "room_id": rooms["G"].pk,
        "source": "paper",
        "answered_on": "2026-09-08",
        f"level-{items[0].pk}": "satisfied",
        f"comment-{items[0].pk}": "不错",
    }
    with clock.frozen(T0):
        saved = client.post(f"/surveys/{answered.pk}/paper/?building={building.pk}", data)
    assert saved.status_code == 302, html_of(saved)
    response = Response.objects.get(invitation__room=rooms["G"])
    assert (response.source, response.entered_by) == ("paper", world.agent)
    assert response.answers.get(item=items[0]).level == "satisfied"
    # The household has answered: it is no longer offered, and posting it again is refused.
    after = html_of(client.get(f"/surveys/{answered.pk}/paper/?building={building.pk}"))
    assert "已录入 5栋1单元0201 的问卷" in after
    assert f'<option value="{rooms["G"].pk}"' not in after
    assert f'<option value="{rooms["H"].pk}"' in after
    again = client.post(f"/surveys/{answered.pk}/paper/?building={building.pk}", data)
    assert again.status_code == 400


def test_pages_cost_a_bounded_number_of_queries(
    client, world, answered, rooms, django_assert_max_num_queries
):
    for n in range(3):
        improvement.open_action(
            world.hq,
            improvement.Source(
                "survey_item", campaign_id=answered.pk, item_id=Item.objects.first().pk
            ),
            project_id=world.project.pk,
            owner_id=world.handler.pk,
            cause=f"原因{n}",
            measure=f"措施{n}",
            due_on=PERIOD[1],
            now=T0,
        )
    client.force_login(world.hq)
    client.get("/surveys/")  # the session and user are loaded once
    with django_assert_max_num_queries(30):
        assert client.get(f"/surveys/{answered.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/surveys/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/surveys/{answered.pk}/households/").status_code == 200


def test_the_plan_is_edited_in_draft_only(client, world, rooms):
    draft = run_campaign(world, projects=[world.project], until="draft")
    client.force_login(world.supervisor)
    assert client.get(f"/surveys/{draft.pk}/edit/").status_code == 200
    saved = client.post(
        f"/surveys/{draft.pk}/edit/",
        {
            "name": "改过的名字",
            "projects": [world.project.pk],
            "period_start": "2026-09-01",
            "period_end": "2026-09-30",
            "min_return_rate": "40",
            "staff": "李主管",
        },
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.min_return_rate, draft.staff) == ("改过的名字", 40, "李主管")
    services.submit(world.supervisor, draft.pk)
    refused = client.get(f"/surveys/{draft.pk}/edit/")
    assert refused.status_code == 302 and refused["Location"] == f"/surveys/{draft.pk}/"
