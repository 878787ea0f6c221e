"""The field handler's phone (390×844): the login page fits the screen, signing in opens 我的工单,
an order past its deadline is flagged, and the contact's phone is masked until a tap reveals
it as a number to call — a reveal written to the audit log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from propdesk.console.tests.browser.fixtures import PHONE, log_in
from propdesk.core.models import AuditAction, AuditLog
from propdesk.tickets.tests.helpers import walk

pytestmark = pytest.mark.django_db(transaction=True)


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_handler_signs_in_on_a_phone_sees_the_overdue_order_and_calls_the_resident(
    world, open_page
):
    # Dispatched to engineering six hours ago with four hours to do it: two hours late.
    late = walk(world, timezone.now() - timedelta(hours=6), "dispatched")
    page = open_page(viewport=PHONE)

    page.goto("/login/")
    expect(page.locator("#login-submit")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]

    log_in(page, "handler")
    expect(page).to_have_url(re.compile(r"/my-orders/$"))
    expect(page.locator("h1")).to_contain_text("我的工单")
    order = page.locator("#orders a", has_text=late.number)
    expect(order.locator(".overdue-flag")).to_contain_text("已超期")
    assert scroll_width(page) <= PHONE["width"]

    order.click()
    expect(page.locator("#order-overdue")).to_contain_text("已超期")
    expect(page.locator("#contact-phone")).to_contain_text("138****5678")
    expect(page.locator("body")).not_to_contain_text("13812345678")
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()

    page.click("#reveal-phone")
    call = page.locator("#call-phone")
    expect(call).to_contain_text("13812345678")
    expect(call).to_have_attribute("href", "tel:+8613812345678")
    reveal = AuditLog.objects.get(action=AuditAction.PHONE_REVEAL)
    assert (reveal.user, reveal.object_type, reveal.object_id) == (
        world.handler,
        "ticket",
        late.number,
    )
    assert scroll_width(page) <= PHONE["width"]
