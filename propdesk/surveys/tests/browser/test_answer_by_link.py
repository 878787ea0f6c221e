"""A resident answers the survey from the link in an SMS, on a phone, without logging in; a
second answer from the same link (a tab opened earlier) is refused with a clear message and
nothing more is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from propdesk.console.tests.browser.fixtures import PHONE
from propdesk.surveys.models import Response
from propdesk.surveys.tests.helpers import population, run_campaign, token_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_answers_on_a_phone_and_a_second_answer_is_refused(world, open_page):
    rooms = population(world)
    today = timezone.localdate()
    campaign = run_campaign(
        world,
        period=(today - timedelta(days=1), today + timedelta(days=30)),
        at=timezone.now() - timedelta(hours=1),
    )
    link = f"/s/{token_of(campaign, rooms['A'])}/"
    items = list(campaign.items.order_by("order"))

    phone = open_page(viewport=PHONE)
    earlier_tab = open_page(viewport=PHONE)
    earlier_tab.goto(link)  # opened before the answer, submitted after it
    phone.goto(link)
    expect(phone.locator("#survey-title")).to_have_text("2026年下半年满意度调查")
    expect(phone.locator("#survey-project")).to_contain_text("华苑")
    expect(phone.locator("body")).not_to_contain_text("张伟")
    # Phone-first: nothing wider than the screen, and levels are big enough for a thumb.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    choice = phone.locator(f"label[for=item-{items[0].pk}-very_satisfied]")
    box = choice.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box

    picks = ["very_satisfied", "basically_satisfied", "dissatisfied", None]
    for item, level in zip(items, picks, strict=True):
        if level:
            phone.locator(f"label[for=item-{item.pk}-{level}]").click()
    phone.fill(f"#comment-{items[2].pk}", "报修两天才来")
    phone.fill("#comment", "希望加装快递柜")
    phone.locator("#answer-submit").click()
    expect(phone.locator("#thanks")).to_contain_text("提交成功,感谢您的参与!")

    response = Response.objects.get()
    assert response.source == "link"
    levels = list(response.answers.order_by("item__order").values_list("level", flat=True))
    assert levels == ["very_satisfied", "basically_satisfied", "dissatisfied", ""]

    earlier_tab.locator(f"label[for=item-{items[0].pk}-very_dissatisfied]").click()
    with earlier_tab.expect_response(lambda r: r.request.method == "POST") as refused:
        earlier_tab.locator("#answer-submit").click()
    assert refused.value.status == 409
    expect(earlier_tab.locator("#refused-message")).to_have_text("此问卷已提交,每户只能填写一次")
    assert Response.objects.count() == 1

    phone.goto(link)  # the link again, later
    expect(phone.locator("#refused-message")).to_have_text("此问卷已提交,每户只能填写一次")
