"""A quality user verifies and closes a corrective action in a real browser (issue 21 "Done
when"): the action, reported done by its owner, is found in 纠正措施 among those awaiting
verification, its page opened, the verification recorded, and it reads closed with its
history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from propdesk.console.tests.browser.fixtures import log_in
from propdesk.improvement import services
from propdesk.improvement.models import CorrectiveAction
from propdesk.tickets.tests.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"


def test_a_quality_user_verifies_and_closes_a_corrective_action(world, open_page):
    now = timezone.now()
    ticket = register(world, now - timedelta(hours=2), description="电梯厅地面长期有积水")
    action = services.open_action(
        world.supervisor, services.Source("ticket", ticket=ticket.number),
        owner_id=world.handler.pk, cause="空调冷凝水管脱落,无人巡查",
        measure="修复冷凝水管,纳入每周巡检", due_on=timezone.localdate() + timedelta(days=7),
        now=now - timedelta(hours=1),
    )  # fmt: skip
    services.mark_done(world.handler, action.pk, note="已修复并加入巡检表", now=now)

    page = open_page()
    log_in(page, "quality")
    page.goto("/actions/?status=done")
    page.locator(f'#actions [data-action="{action.pk}"] a').first.click()
    expect(page.locator("#action-status")).to_have_text("待验证")
    expect(page.locator("#action-source")).to_contain_text(ticket.number)
    page.click("#verify-effective")  # no note yet: refused, naming it
    expect(page.locator("#action-error")).to_contain_text("请填写此项")
    page.fill("#verify-note", "连续两周回访无积水,措施有效")
    page.click("#verify-effective")
    expect(page.locator("#action-status")).to_have_text("已验证关闭")
    expect(page.locator("#action-verified")).to_contain_text("连续两周回访无积水")
    expect(page.locator("#action-events")).to_contain_text("验证有效,关闭")
    expect(page.locator("#verify-form")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "corrective-action-verified.png"), full_page=True)
    action = CorrectiveAction.objects.get(pk=action.pk)
    assert (action.status, action.verified_by) == ("verified", world.quality)
