"""The resident's page at /s/<token>/: no login, the questionnaire grouped by service area with
the five levels, thanks after submitting, a 409 page for a second answer (nothing stored), a
friendly 404 for a bad token, and nothing about the household beyond the project's name."""

import pytest
from django.test import Client

from propdesk.core import clock
from propdesk.surveys.models import Response, ResponseItem

from .helpers import T0, answer, run_campaign, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(world, rooms):
    campaign = run_campaign(world)
    return campaign, f"/s/{token_of(campaign, rooms['A'])}/"


def post_answers(client, campaign, url, levels):
    items = list(campaign.items.order_by("order"))
    data = {f"item-{i.pk}": level for i, level in zip(items, levels, strict=True)}
    data["comment"] = "电梯老是坏"
    with clock.frozen(T0):
        return client.post(url, data)


def test_the_questionnaire_by_area_with_the_five_levels_and_no_personal_data(world, link):
    _campaign, url = link
    resident = Client()
    with clock.frozen(T0):
        page = resident.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026年下半年满意度调查" in html and "华苑" in html
    assert html.index("客户服务") < html.index("前台接待态度") < html.index("工程维修")
    for level in ("很满意", "满意", "基本满意", "不满意", "很不满意"):
        assert f">{level}</label>" in html
    assert html.count('type="radio"') == 4 * 5
    for personal in ("张伟", "13812345678", "1101", "3栋", "2单元"):
        assert personal not in html
    assert "console/vendor/bootstrap.min.css" in html
    assert 'name="viewport"' in html
    assert "navbar" not in html  # not the staff console


def test_answering_thanks_the_resident_and_stores_the_answer(world, link):
    campaign, url = link
    resident = Client()
    sent = post_answers(
        resident, campaign, url, ["very_satisfied", "", "dissatisfied", "satisfied"]
    )
    assert sent.status_code == 302 and sent["Location"] == f"{url}thanks/"
    thanks = resident.get(sent["Location"])
    assert thanks.status_code == 200
    assert "提交成功,感谢您的参与!" in thanks.content.decode()
    response = Response.objects.get()
    assert (response.source, response.comment) == ("link", "电梯老是坏")
    levels = list(response.answers.order_by("item__order").values_list("level", flat=True))
    assert levels == ["very_satisfied", "", "dissatisfied", "satisfied"]


def test_a_second_answer_from_the_same_link_is_refused_with_a_clear_message(world, link):
    campaign, url = link
    first, second = Client(), Client()
    with clock.frozen(T0):
        assert second.get(url).status_code == 200  # a second tab opened before answering
    post_answers(first, campaign, url, ["very_satisfied"] * 4)
    refused = post_answers(second, campaign, url, ["very_dissatisfied"] * 4)
    assert refused.status_code == 409
    assert "此问卷已提交,每户只能填写一次" in refused.content.decode()
    assert Response.objects.count() == 1
    assert ResponseItem.objects.filter(level="very_dissatisfied").count() == 0
    with clock.frozen(T0):
        reopened = second.get(url)
    assert reopened.status_code == 409
    assert "此问卷已提交,每户只能填写一次" in reopened.content.decode()


def test_a_bad_token_is_a_friendly_404(world, link):
    for url in ("/s/not-a-token/", f"/s/{'A' * 32}/", f"/s/{'A' * 32}/thanks/"):
        page = Client().get(url)
        assert page.status_code == 404
        assert "问卷链接无效" in page.content.decode()


def test_a_closed_campaign_says_so(world, link, rooms):
    campaign, url = link
    answer(campaign, rooms["B"], ["satisfied"] * 4)
    from propdesk.surveys import services

    services.close(world.hq, campaign.pk, now=T0)
    page = Client().get(url)
    assert page.status_code == 409
    assert "本次调查已结束" in page.content.decode()


def test_thanks_before_answering_leads_back_to_the_form(world, link):
    _campaign, url = link
    page = Client().get(f"{url}thanks/")
    assert page.status_code == 302 and page["Location"] == url


def test_the_form_keeps_what_was_chosen_when_a_comment_is_too_long(world, link):
    campaign, url = link
    item = campaign.items.order_by("order").first()
    with clock.frozen(T0):
        page = Client().post(url, {f"item-{item.pk}": "satisfied", "comment": "长" * 1001})
    assert page.status_code == 400
    html = page.content.decode()
    assert "不能超过 1000 个字" in html
    assert 'value="satisfied" autocomplete="off" checked' in html
    assert not Response.objects.exists()


def test_the_page_needs_a_handful_of_queries(world, link, django_assert_max_num_queries):
    _campaign, url = link
    with clock.frozen(T0), django_assert_max_num_queries(5):
        assert Client().get(url).status_code == 200
