"""The console's compensation claims: opened from the request's page, walked on the claim's
own page, approved from /claims/ "waiting for me", and listed in the household file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from propdesk.casework.models import Claim
from propdesk.tickets.tests.helpers import register

pytestmark = pytest.mark.django_db
NOW = timezone.now() - timedelta(hours=2)


@pytest.fixture(autouse=True)
def _media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def test_the_front_desk_opens_a_claim_from_the_request_page(world, client):
    ticket = register(world, NOW, description="楼上漏水泡坏吊顶")
    client.force_login(world.agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="ticket-claims"' in page and f"/tickets/{ticket.number}/claims/new/" in page

    client.force_login(world.handler)  # a department handler sees the claims, opens none
    assert "新建赔偿案件" not in client.get(f"/tickets/{ticket.number}/").content.decode()

    client.force_login(world.agent)
    empty = client.post(f"/tickets/{ticket.number}/claims/new/", {"description": " "})
    assert empty.status_code == 400 and "请填写此项" in empty.content.decode()
    opened = client.post(
        f"/tickets/{ticket.number}/claims/new/",
        {"description": "吊顶泡水,要求赔偿", "claimed_amount": "3000"},
    )
    claim = Claim.objects.get(ticket=ticket)
    assert opened.status_code == 302 and opened["Location"] == f"/claims/{claim.pk}/"
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f"/claims/{claim.pk}/" in page and "取证中" in page


def test_the_claim_page_walks_to_the_letter_and_shows_each_refusal(world, client):
    ticket = register(world, NOW, description="楼上漏水泡坏吊顶")
    client.force_login(world.agent)
    client.post(f"/tickets/{ticket.number}/claims/new/", {"description": "吊顶泡水"})
    claim = Claim.objects.get(ticket=ticket)
    base = f"/claims/{claim.pk}/"

    survey = client.post(base + "do/evidence/", {"kind": "survey", "note": "现场勘查:立管渗漏"})
    assert survey.status_code == 302
    early = client.post(base + "do/letter/")
    assert early.status_code == 409 and "不能办理这一步" in early.content.decode()
    bad = client.post(base + "do/assess/", {"amount": "-1", "basis": "报价"})
    assert bad.status_code == 400 and "不能为负数" in bad.content.decode()
    client.post(base + "do/assess/", {"amount": "1800", "basis": "装修报价单"})

    client.force_login(world.manager)
    waiting = client.get("/claims/", {"waiting": "me"}).content.decode()
    assert f'data-claim="{claim.pk}"' in waiting and "项目经理审批" in waiting
    assert 'id="approve"' in client.get(base).content.decode()
    client.post(base + "do/decision/", {"decision": "approved"})
    assert "没有等待您审批的赔偿案件" in client.get("/claims/", {"waiting": "me"}).content.decode()

    client.force_login(world.agent)
    client.post(base + "do/letter/")
    page = client.get(base).content.decode()
    assert "承诺函已出具" in page and f"{base}letter/" in page
    letter = client.get(f"{base}letter/")
    assert b"".join(letter.streaming_content).startswith(b"%PDF")
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(base + "do/signed/", {"file": scan}).status_code == 302
    over = client.post(base + "do/payment/", {"amount": "1800.01", "payee": "张伟"})
    assert over.status_code == 400 and "超过批准金额" in over.content.decode()
    client.post(base + "do/payment/", {"amount": "1800", "payee": "张伟"})
    page = client.get(base).content.decode()
    assert "已申请付款" in page and "现场勘查:立管渗漏" in page
    assert page.count('<li class="list-group-item">') >= 6  # the events, one a step


def test_the_household_file_lists_its_claims(world, client):
    ticket = register(world, NOW, description="楼上漏水泡坏吊顶", room_id=world.room.pk)
    client.force_login(world.agent)
    client.post(f"/tickets/{ticket.number}/claims/new/", {"description": "吊顶泡水"})
    claim = Claim.objects.get(ticket=ticket)
    page = client.get(f"/rooms/{world.room.pk}/").content.decode()
    assert 'id="household-claims"' in page and f"/claims/{claim.pk}/" in page
    # The slot draws every app's part (the callbacks' too: a list given as the slots' dict).
    assert "最近回访" in page
    person = client.get(f"/residents/{world.resident.pk}/").content.decode()
    assert f"/claims/{claim.pk}/" in person


def test_a_claim_of_another_project_is_not_found_on_the_console(world, client):
    from conftest import make_user
    from propdesk.org.choices import Role

    ticket = register(world, NOW)
    client.force_login(world.agent)
    client.post(f"/tickets/{ticket.number}/claims/new/", {"description": "吊顶泡水"})
    claim = Claim.objects.get(ticket=ticket)
    stranger = make_user("gz_agent", Role.AGENT, world.company, projects=[world.other_project])
    client.force_login(stranger)
    assert client.get(f"/claims/{claim.pk}/").status_code == 404
    assert client.post(f"/claims/{claim.pk}/do/withdraw/", {"note": "x"}).status_code == 404
    assert "华苑" not in client.get("/claims/").content.decode()


def test_the_ticket_timeline_tells_the_money_story_among_the_handling(world, client):
    import re

    from propdesk.casework import claims
    from propdesk.tickets import services

    ticket = register(world, NOW, description="楼上漏水泡坏吊顶")
    minute = timedelta(minutes=1)
    claim = claims.open_claim(world.agent, ticket, description="吊顶泡水", now=NOW + 10 * minute)
    services.accept(world.agent, ticket, now=NOW + 20 * minute)
    claims.assess(world.agent, claim, amount="1800", basis="报价单", now=NOW + 30 * minute)
    claims.decide(world.manager, claim, "approved", note="同意", now=NOW + 40 * minute)

    client.force_login(world.agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    timeline = page[page.index('id="timeline"') : page.index("</ol>", page.index('id="timeline"'))]
    steps = re.findall(r"<li[^>]*><div class=\"small text-muted\">([^<]*)</div>\s*<div>(.*?)</div>",
                       timeline, re.S)  # fmt: skip
    kinds = [re.search(r"<strong>(.*?)</strong>", body)[1] for _when, body in steps]
    assert kinds == ["登记", "立案", "受理", "核定金额", "审批通过"]
    # Who and when, and the claim it belongs to, on each of the claim's steps.
    approved_when, approved = steps[-1]
    assert "manager" in approved_when or world.manager.display_name in approved_when
    assert timezone.localtime(NOW + 40 * minute).strftime("%Y-%m-%d %H:%M") in approved_when
    assert f'href="/claims/{claim.pk}/"' in approved and "项目经理审批" in approved
    assert "1800.00 元" in approved and "同意" in approved
    assert f"赔偿案件 {claim.pk}" in steps[1][1]


def test_another_requests_claims_stay_off_the_timeline(world, client):
    from propdesk.casework import claims

    mine = register(world, NOW, description="楼上漏水泡坏吊顶")
    other = register(world, NOW, description="车位被占")
    claim = claims.open_claim(world.agent, other, description="车被刮", now=NOW)
    client.force_login(world.agent)
    page = client.get(f"/tickets/{mine.number}/").content.decode()
    assert f"/claims/{claim.pk}/" not in page
