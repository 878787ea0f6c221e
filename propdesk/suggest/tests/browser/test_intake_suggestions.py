"""The suggestions on the intake page in a real browser: the agent types what the caller says,
a category is proposed and a case's 话术 is shown without a reload; one click applies the
category to the form; the case opens from the card; registering records that it was taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from propdesk.console.tests.browser.fixtures import log_in
from propdesk.knowledge.services import load_starter
from propdesk.suggest.models import Suggestion
from propdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"


def test_typing_proposes_a_category_and_a_cases_words_and_one_click_applies_it(world, open_page):
    from propdesk.suggest import cases, training

    training.forget()
    cases.forget()
    load_starter(world.company)
    failures: list[str] = []
    page = open_page()
    page.on("pageerror", lambda error: failures.append(str(error)))
    log_in(page, "agent")
    page.goto("/intake/")
    page.fill("#lookup-phone", "13812345678")
    page.locator("#phone-matches [data-pick]").first.click()
    expect(page.locator("#household-file")).to_contain_text("3栋2单元1101")

    # Typed key by key, as on the phone: one request after the agent pauses, no reload.
    typed = "3栋电梯又困人了,有位老人被困在里面"
    page.locator("#f-description").press_sequentially(typed, delay=20)
    card = page.locator("#suggest-card")
    expect(card.locator("#suggest-categories")).to_contain_text("设备设施 / 电梯")
    expect(card.locator(".suggest-words").first).to_contain_text("请您不要紧张")
    expect(card.locator("#suggest-facts")).to_contain_text("是否处理过后又来投诉")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "intake-suggestions.png"), full_page=True)

    # One click applies the category; the agent's own choice stays open.
    expect(page.locator("#f-category")).to_have_value("")
    card.locator('[data-suggest-category="FAC-ELEV"]').click()
    expect(page.locator("#f-category")).to_have_value("FAC-ELEV")
    expect(card.locator("#suggest-categories")).to_contain_text("已选")
    page.screenshot(path=str(SHOTS / "intake-suggestions-applied.png"), full_page=True)

    # The case opens from the card, in a tab of its own (the form stays as it is).
    with page.context.expect_page() as opened:
        card.locator("#suggest-cases a", has_text="电梯困人").first.click()
    case_page = opened.value
    case_page.wait_for_load_state()
    expect(case_page.locator("body")).to_contain_text("请您不要紧张")
    case_page.close()

    page.click("#review")
    page.click("#confirm-register")
    page.wait_for_url(lambda url: "/tickets/" in url)
    suggestion = Suggestion.objects.get(ticket=Ticket.objects.get())
    assert (suggestion.taken, suggestion.applied) == (True, True)
    assert suggestion.chosen_category.code == "FAC-ELEV"
    assert failures == []
