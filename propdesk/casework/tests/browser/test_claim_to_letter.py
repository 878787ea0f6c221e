"""An agent walks a compensation claim to a printed commitment letter in a real browser
(issue 21 "Done when"): opened from the request's page, evidence added, the amount assessed,
approved by the project manager from their queue, the letter issued and downloaded as a PDF,
and every step shown on the request's timeline."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from propdesk.casework.models import Claim
from propdesk.console.tests.browser.fixtures import log_in
from propdesk.tickets.tests.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo() -> dict:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "brown").save(buffer, "PNG")
    return {"name": "吊顶水渍.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_an_agent_walks_a_claim_to_a_printed_commitment_letter(world, open_page, media):
    ticket = register(
        world, timezone.now() - timedelta(hours=1), description="楼上水管爆裂,吊顶和地板泡坏"
    )
    agent = open_page()
    log_in(agent, "agent")
    agent.goto(f"/tickets/{ticket.number}/")
    agent.click("#new-claim")
    agent.fill("#claim-description", "吊顶、木地板水浸损坏,业主要求赔偿")
    agent.fill("#claim-asked", "3000")
    agent.click("#open-claim")
    expect(agent.locator("#claim-status")).to_have_text("取证中")

    agent.select_option("#evidence-kind", "photo")
    agent.set_input_files("#evidence-file", photo())
    agent.fill("#evidence-note", "客厅吊顶水渍")
    agent.click("#add-evidence")
    expect(agent.locator("#claim-files")).to_contain_text("吊顶水渍.png")

    agent.fill("#assess-amount", "1800")
    agent.fill("#assess-basis", "装修公司报价:吊顶 800 元,地板 1000 元")
    agent.click("#assess")
    expect(agent.locator("#claim-status")).to_have_text("待审批")
    expect(agent.locator("#issue-letter")).to_have_count(0)  # no letter before approval

    manager = open_page()
    log_in(manager, "manager")
    manager.goto("/claims/?waiting=me")
    claim = Claim.objects.get(ticket=ticket)
    manager.locator(f'#waiting-claims [data-claim="{claim.pk}"] a').click()
    manager.fill("#decision-note", "同意按报价赔偿")
    manager.click("#approve")
    expect(manager.locator("#claim-status")).to_have_text("已批准")

    agent.reload()
    agent.click("#issue-letter")
    expect(agent.locator("#claim-status")).to_have_text("承诺函已出具")
    expect(agent.locator("#approved")).to_contain_text("1800.00 元")
    expect(agent.locator("#claim-events")).to_contain_text("出具承诺函")
    SHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SHOTS / "claim-letter-issued.png"), full_page=True)

    href = agent.locator("#letter-link").get_attribute("href")
    letter = agent.request.get(href)
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")

    # The money story on the request's own timeline, among its handling, with who and when;
    # each step leads back to the claim.
    agent.goto(f"/tickets/{ticket.number}/")
    timeline = agent.locator("#timeline")
    for step in ("立案", "补充证据", "核定金额", "审批通过", "出具承诺函"):
        expect(timeline).to_contain_text(step)
    approved = timeline.locator("li", has_text="审批通过")
    expect(approved).to_contain_text("同意按报价赔偿")
    expect(approved).to_contain_text("1800.00 元")
    agent.screenshot(path=str(SHOTS / "claim-on-ticket-timeline.png"), full_page=True)
    approved.locator(f'a[href="/claims/{claim.pk}/"]').click()
    expect(agent.locator("#claim-status")).to_have_text("承诺函已出具")
