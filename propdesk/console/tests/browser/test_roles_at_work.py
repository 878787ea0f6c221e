"""The main jobs of each role in a real browser: an agent registers a phone complaint for a
resident found by phone number, a supervisor dispatches it, a handler resolves it on a phone,
the agent records the callback and closes it; and nobody opens another project's ticket."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from propdesk.tickets.models import Ticket

from .fixtures import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def make_move(page, move: str, fill=lambda page: None) -> None:
    """Open the move's form, fill it, submit, and insist the server took it (a refusal's
    message is shown in the failure)."""
    page.click(f"#btn-{move}")
    expect(page.locator(f"#move-{move}")).to_be_visible()
    fill(page)
    # A move does real work (clocks, notices, tasks): on a loaded machine give it time.
    with page.expect_response(lambda r: f"/move/{move}/" in r.url, timeout=60_000) as answer:
        page.click(f"#submit-{move}")
    page.wait_for_load_state()
    errors = page.locator(".move-error").all_inner_texts()
    assert answer.value.status == 302, (move, answer.value.status, errors)


def register_phone_complaint(page) -> str:
    page.goto("/intake/")
    page.fill("#lookup-phone", "13812345678")
    pick = page.locator("#phone-matches [data-pick]").first
    expect(pick).to_contain_text("选择")
    expect(page.locator("#phone-matches")).to_contain_text("张伟")
    pick.click()
    expect(page.locator("#household-file")).to_contain_text("3栋2单元1101")
    page.fill("#f-category-filter", "电梯")
    page.fill("#f-description", "3栋2单元电梯停在12楼不动,按钮没反应")
    page.fill("#f-expectation", "今天修好")
    page.click("#review")
    readback = page.locator("#readback")
    expect(readback).to_contain_text("张伟")
    expect(readback).to_contain_text("电梯")
    expect(readback).to_contain_text("3栋2单元1101")
    page.click("#confirm-register")
    expect(page.locator("#ticket-status")).to_have_text("已登记")
    return page.locator("#ticket-number").inner_text()


def test_a_complaint_goes_from_the_phone_to_closed_through_every_role(world, open_page):
    agent = open_page()
    log_in(agent, "agent")
    number = register_phone_complaint(agent)
    ticket = Ticket.objects.get(number=number)
    assert (ticket.resident, ticket.room, ticket.channel) == (world.resident, world.room, "phone")

    supervisor = open_page()
    log_in(supervisor, "supervisor")
    supervisor.goto(f"/tickets/{number}/")
    make_move(supervisor, "accept")
    expect(supervisor.locator("#ticket-status")).to_have_text("已受理")

    def dispatch_to_engineering(page):
        page.select_option("#dispatch-department", "SZHY-ENG")
        page.select_option("#dispatch-assignee", "handler")

    make_move(supervisor, "dispatch", dispatch_to_engineering)
    expect(supervisor.locator("#ticket-status")).to_have_text("已派单")
    expect(supervisor.locator("#work-orders")).to_contain_text("工程部")

    handler = open_page(viewport=PHONE)
    log_in(handler, "handler")
    handler.goto("/my-orders/")
    handler.locator("#orders a", has_text=number).click()
    handler.click("#order-start")
    expect(handler.locator("#order-status")).to_have_text("处理中")
    handler.fill("#complete-result", "更换了主板,电梯恢复运行")
    handler.click("#order-complete")
    expect(handler.locator("#orders")).not_to_contain_text(number)
    # Nothing on the phone page is wider than the phone.
    width = handler.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width

    agent.goto(f"/tickets/{number}/")
    expect(agent.locator("#ticket-status")).to_have_text("已解决")
    expect(agent.locator("#ticket-resolution")).to_contain_text("更换了主板")

    def satisfied(page):
        page.click("label[for=callback-satisfaction-satisfied]")
        expect(page.locator("#callback-satisfaction-satisfied")).to_be_checked()

    make_move(agent, "callback", satisfied)
    expect(agent.locator("#ticket-status")).to_have_text("已回访")
    make_move(agent, "close", lambda page: page.select_option("#close-reason", "satisfied"))
    expect(agent.locator("#ticket-status")).to_have_text("已关闭")
    timeline = agent.locator("#timeline")
    for step in ("登记", "派单", "开始处理", "工单完成", "回访", "关闭"):
        expect(timeline).to_contain_text(step)


def test_a_user_of_one_project_cannot_open_a_ticket_of_another(world, open_page):
    from django.utils import timezone

    from propdesk.tickets.tests.helpers import register

    ticket = register(world, timezone.now())
    outsider = open_page()
    log_in(outsider, "outsider")
    response = outsider.goto(f"/tickets/{ticket.number}/")
    assert response.status == 403
    expect(outsider.locator("#forbidden")).to_contain_text("无权访问")
    expect(outsider.locator("body")).not_to_contain_text(ticket.description)


def test_a_wrong_password_five_times_locks_the_account(world, open_page):
    page = open_page()
    for _ in range(5):
        page.goto("/login/")
        page.fill("#username", "agent")
        page.fill("#password", "wrong")
        page.click("#login-submit")
        expect(page.locator("#login-error")).to_contain_text("不正确")
    page.fill("#username", "agent")
    page.fill("#password", "pw-agent")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_contain_text(re.compile("锁定"))
