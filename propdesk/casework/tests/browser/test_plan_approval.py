"""A handling plan in a real browser: the supervisor writes the plan of a 一级 complaint with
the compensation it offers on the ticket page; the project manager finds it in 方案审批,
approves it there, and the ticket page shows it approved with the plan clock met."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from propdesk.console.tests.browser.fixtures import log_in
from propdesk.sla.choices import ClockKind, ClockState
from propdesk.tickets import services as ticket_services
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"


def test_a_project_manager_approves_a_plan_from_their_queue(world, open_page):
    start = timezone.now() - timedelta(hours=3)
    ticket = register(world, start, description="开发商承诺的会所一直未交付,业主要求赔偿")
    ticket_services.accept(world.agent, ticket, now=start + timedelta(minutes=1))
    ticket_services.update_ticket(
        world.supervisor, ticket, changes={"needs_plan": True}, now=start + timedelta(minutes=2)
    )
    Ticket.objects.filter(pk=ticket.pk).update(grade_level="1")

    supervisor = open_page()
    log_in(supervisor, "supervisor")
    supervisor.goto(f"/tickets/{ticket.number}/")
    supervisor.click("#btn-submit_plan")
    supervisor.fill(
        "#move-submit_plan textarea[name=plan]", "10 月 31 日前交付会所;先行补偿物业费 800 元"
    )
    supervisor.fill("#move-submit_plan input[name=amount]", "800")
    supervisor.click("#submit-submit_plan")
    plans = supervisor.locator("#handling-plans")
    expect(plans).to_contain_text("待审批")
    expect(plans).to_contain_text("等待项目经理审批")

    manager = open_page()
    log_in(manager, "manager")
    manager.goto("/")
    manager.get_by_role("link", name="方案审批").click()
    card = manager.locator("#waiting-plans [data-plan]").first
    expect(card).to_contain_text(ticket.number)
    expect(card).to_contain_text("补偿 800.00 元")
    expect(card).to_contain_text("一级投诉")
    SHOTS.mkdir(parents=True, exist_ok=True)
    manager.screenshot(path=str(SHOTS / "plans-queue.png"), full_page=True)
    # Sending back needs a reason: the page says so and nothing is decided.
    card.get_by_role("button", name="退回修改").click()
    expect(manager.locator("#plan-error")).to_contain_text("原因")
    card = manager.locator("#waiting-plans [data-plan]").first
    card.locator("textarea[name=note]").fill("同意,请三日内书面答复业主")
    card.get_by_role("button", name="批准", exact=True).click()
    expect(manager.locator("#no-plans")).to_be_visible()

    manager.goto(f"/tickets/{ticket.number}/")
    expect(manager.locator("#handling-plans")).to_contain_text("已批准")
    expect(manager.locator("#handling-plans")).to_contain_text("同意,请三日内书面答复业主")
    assert ticket.clocks.get(kind=ClockKind.PLAN).state == ClockState.MET
