"""The case library's pages: browse by category, read a case with its 话术, write one, review
and publish it, and print a category's handbook (page and PDF)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from propdesk.knowledge import services
from propdesk.knowledge.choices import CaseStatus
from propdesk.knowledge.models import Case
from propdesk.knowledge.services import ScenarioText
from propdesk.tickets.models import Category


@pytest.fixture
def published(world) -> Case:
    trapped = ScenarioText(
        name="有人被困", handling="1. 安抚\n2. 通知维保", words="请不要扒门,维保人员十五分钟内到"
    )
    case = services.create_case(
        world.quality,
        title="电梯困人",
        category=Category.objects.get(code="FAC-ELEV"),
        scenarios=[trapped],
    )
    services.review_case(world.hq, case)
    return services.publish_case(world.hq, case)


def test_an_agent_browses_a_category_and_reads_the_words_to_say(world, client, published):
    client.force_login(world.agent)
    library = client.get(reverse("knowledge:library") + "?category=FAC").content.decode()
    assert "电梯困人" in library and 'id="new-case"' not in library

    page = client.get(reverse("knowledge:case", args=[published.pk])).content.decode()
    assert "请不要扒门" in page and "有人被困" in page
    assert 'id="case-moves"' not in page and 'id="edit-case"' not in page


def test_words_find_a_case_by_what_its_scenarios_say(world, client, published):
    client.force_login(world.agent)
    found = client.get(reverse("knowledge:library"), {"q": "扒门"}).content.decode()
    assert "电梯困人" in found
    missed = client.get(reverse("knowledge:library"), {"q": "漏水"}).content.decode()
    assert "电梯困人" not in missed and "没有案例" in missed


def test_quality_writes_a_case_that_hq_reviews_and_publishes_on_the_page(world, client):
    client.force_login(world.quality)
    form = {
        "title": "楼上漏水", "category": "FAC-PIPE", "scenario_count": "2",
        "s0-name": "", "s0-expectation": "尽快止水", "s0-handling": "关闭楼上总阀",
        "s0-words": "我们马上上门", "s0-improvement": "", "s0-risk": "",
        "s1-handling": "",
    }  # fmt: skip
    if not Category.objects.filter(code="FAC-PIPE").exists():
        form["category"] = Category.objects.filter(parent__isnull=False).first().code
    response = client.post(reverse("knowledge:new"), form)
    case = Case.objects.get(title="楼上漏水")
    assert response.status_code == 302 and case.scenarios.count() == 1

    client.force_login(world.hq)
    client.post(reverse("knowledge:move", args=[case.pk, "review"]))
    client.post(reverse("knowledge:move", args=[case.pk, "publish"]))
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    page = client.get(reverse("knowledge:case", args=[case.pk])).content.decode()
    assert "审核通过" in page and "发布" in page  # the version history


def test_a_form_without_handling_says_so_and_keeps_what_was_typed(world, client):
    client.force_login(world.quality)
    response = client.post(reverse("knowledge:new"), {
        "title": "车位被占", "category": "FAC-ELEV", "scenario_count": "1",
        "s0-words": "您好", "s0-handling": "",
    })  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写处理方式" in page and "车位被占" in page and "您好" in page


def test_a_send_back_without_a_reason_is_refused_on_the_page(world, client):
    case = services.create_case(
        world.quality, title="x", category=Category.objects.get(code="FAC-ELEV"),
        scenarios=[ScenarioText(handling="y")],
    )  # fmt: skip
    client.force_login(world.hq)
    response = client.post(reverse("knowledge:move", args=[case.pk, "send_back"]), {"text": ""})
    assert response.status_code == 400 and "退回的原因" in response.content.decode()


def test_agents_cannot_open_the_writing_form(world, client):
    client.force_login(world.agent)
    assert client.get(reverse("knowledge:new")).status_code == 404


def test_the_handbook_of_a_category_prints_and_downloads_as_pdf(world, client, published):
    client.force_login(world.agent)
    page = client.get(reverse("knowledge:handbook", args=["FAC"])).content.decode()
    assert "投诉处理案例手册" in page and "请不要扒门" in page
    pdf = client.get(reverse("knowledge:handbook", args=["FAC"]) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
