"""The resident on a phone (390×844): signs in with the SMS code (read from the outbox, as the
SMS provider would send it), submits a repair with a photo, watches the timeline move as staff
act, confirms, rates unsatisfied and sees the request reopened with the rating on it; and an
anonymous resident submits and follows the request by its private link."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from propdesk.callbacks.models import Callback
from propdesk.console.tests.browser.fixtures import PHONE
from propdesk.notify.models import OutboxMessage
from propdesk.portal.models import PortalSettings
from propdesk.tickets import services
from propdesk.tickets.choices import Status
from propdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def a_photo(tmp_path):
    from PIL import Image

    path = tmp_path / "漏水.jpg"
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (90, 120, 200)).save(out, "JPEG", quality=95)
    path.write_bytes(out.getvalue())
    return path


def test_a_resident_signs_in_submits_follows_confirms_and_rates_unsatisfied(
    world, open_page, tmp_path
):
    page = open_page(viewport=PHONE)
    page.goto(f"/h5/{world.project.code}/")
    page.click("#start-login")
    page.fill("#phone", "13812345678")
    page.click("#send-code")
    expect(page.locator("#code-sent")).to_be_visible()
    sms = OutboxMessage.objects.get(channel="sms", address="13812345678")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    page.fill("#code", code)
    page.click("#verify")
    expect(page.locator("h1")).to_contain_text("我家的诉求")
    assert scroll_width(page) <= PHONE["width"]

    page.click("#new-request")
    page.check("input[name=kind][value=repair]")
    page.select_option("#category", "FAC")
    page.fill("#description", "卫生间天花板漏水")
    page.fill("#place", "卫生间")
    page.fill("#preferred_time", "周六上午")
    page.set_input_files("#photos", str(a_photo(tmp_path)))
    expect(page.locator("#photos")).to_have_attribute("data-ready", "1")  # shrunk in the page
    page.screenshot(path="docs/screenshots/portal-new-request.png", full_page=True)
    assert scroll_width(page) <= PHONE["width"]
    page.click("#submit-request")
    expect(page.locator("#ticket-status")).to_contain_text("已收到")
    ticket = Ticket.objects.get()
    assert ticket.room == world.room and ticket.attachments.count() == 1
    stored = ticket.attachments.get()
    assert stored.size < 400_000  # 3000×2000 became at most 1600 wide
    expect(page.locator("#ticket-number")).to_have_text(ticket.number)
    expect(page.locator("#promises")).to_contain_text("前回复您")

    # Staff act in the console (through the same services the console calls).
    now = timezone.now()
    services.accept(world.agent, ticket, now=now)
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=now + timedelta(hours=4), now=now
    )
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("已派给工程部处理")
    expect(page.locator(".stage.current")).to_have_text("已派单")
    page.screenshot(path="docs/screenshots/portal-timeline.png", full_page=True)
    services.start(world.handler, ticket, work_order=1, now=now)
    page.reload()
    expect(page.locator(".stage.current")).to_have_text("处理中")
    services.resolve(world.handler, ticket, result="更换了防水层", now=now)
    page.reload()
    expect(page.locator("#resolution")).to_contain_text("更换了防水层")
    expect(page.locator("body")).not_to_contain_text("Handler")

    page.click("#confirm-done")
    expect(page.locator("#rate")).to_be_visible()
    page.check("input[name=satisfaction][value=dissatisfied]")
    page.check("input[name=reasons][value=slow]")
    page.fill("#comment", "等了好几天")
    page.screenshot(path="docs/screenshots/portal-rating.png", full_page=True)
    page.click("#rate-submit")
    expect(page.locator("#ticket-status")).to_contain_text("重新处理中")
    expect(page.locator("#timeline")).to_contain_text("不满意")
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    rating = Callback.objects.get(ticket=ticket)
    assert rating.satisfaction == "dissatisfied" and "等了好几天" in rating.comment
    task = ticket.callback_tasks.get(status="open")
    assert task.owner == world.supervisor  # a person, never the portal's account
    assert scroll_width(page) <= PHONE["width"]


def test_an_anonymous_request_is_followed_by_its_private_link(world, open_page):
    PortalSettings.objects.create(project=world.project, allow_anonymous=True)
    page = open_page(viewport=PHONE)
    page.goto(f"/h5/{world.project.code}/")
    page.click("#start-anonymous")
    page.check("input[name=kind][value=complaint]")
    page.select_option("#category", "ENV")
    page.fill("#description", "东门垃圾桶三天没清")
    page.fill("#place", "东门")
    page.click("#submit-request")
    ticket = Ticket.objects.get()
    expect(page.locator("#ticket-number")).to_have_text(ticket.number)
    link = page.locator("#follow-link").inner_text()
    assert "/t/" in link

    services.accept(world.agent, ticket, now=timezone.now())
    other = open_page(viewport=PHONE)
    other.goto(page.url)
    expect(other.locator("#timeline")).to_contain_text("客服已受理")
    expect(other.locator("#ticket-number")).to_have_text(ticket.number)
