"""Compensation claims through the API (issue 21 item 2): the whole walk from a claim to the
money recovered from the contractor, approvals by amount along the chain, the commitment letter
as a PDF with the resident's name and amount, and every refusal naming what was wrong."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from propdesk.casework.models import Claim, ClaimEvent
from propdesk.notify.models import OutboxMessage
from propdesk.tickets.tests.helpers import register

pytestmark = pytest.mark.django_db
NOW = timezone.now() - timedelta(hours=2)


@pytest.fixture(autouse=True)
def _media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def png(name="water.png") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def open_claim(world, client, **body) -> dict:
    ticket = register(world, NOW, description="楼上水管爆裂,业主家吊顶和木地板泡坏")
    client.force_login(world.agent)
    answer = post(client, "/api/v1/claims", {
        "ticket": ticket.number, "description": "吊顶、木地板水浸损坏,要求赔偿", **body,
    })  # fmt: skip
    assert answer.status_code == 201, answer.content
    return answer.json()


def told(event: str) -> set[tuple[str, str]]:
    """Who was told of ``event`` through the outbox, and on which channel."""
    rows = OutboxMessage.objects.filter(event=event).select_related("user")
    return {(m.user.username, m.channel) for m in rows}


def assess(client, pk, amount, basis="装修公司报价单:吊顶 1200 元,地板 2300 元"):
    return post(client, f"/api/v1/claims/{pk}/assess", {"amount": amount, "basis": basis})


def decide(client, pk, decision="approved", note=""):
    return post(client, f"/api/v1/claims/{pk}/decision", {"decision": decision, "note": note})


def letter_text(pdf: bytes) -> str:
    program = shutil.which("pdftotext")
    if program is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    # A fixed program on bytes we made.
    command = [program, "-layout", "-", "-"]
    done = subprocess.run(command, input=pdf, capture_output=True, check=True)  # noqa: S603
    return done.stdout.decode()


def test_the_whole_walk_from_claim_to_money_recovered_from_the_contractor(world, client):
    claim = open_claim(world, client, claimed_amount="5000")
    pk = claim["id"]
    assert claim["status"] == "gathering" and claim["claimed_amount"] == "5000.00"

    photo = client.post(f"/api/v1/claims/{pk}/evidence", {"kind": "photo", "file": png()})
    assert photo.status_code == 201, photo.content
    assert photo.json()["kind_display"] == "现场照片"
    found = "勘查:12楼供水立管接头爆裂,系施工单位安装不当"
    survey = client.post(f"/api/v1/claims/{pk}/evidence", {"kind": "survey", "note": found})
    assert survey.status_code == 201
    assert client.get(photo.json()["url"]).status_code == 200

    # 3,500 yuan: over the project manager's 2,000, within the region's 20,000.
    assessed = assess(client, pk, "3500.00").json()
    assert assessed["status"] == "pending" and assessed["steps"] == ["project_manager", "region"]
    assert assessed["waiting_for"] == "project_manager"

    # The project's manager is asked (in the app, with a link to the claim); nobody else yet.
    asked = told("claim_approval")
    assert asked == {("manager", "in_app")}
    message = OutboxMessage.objects.get(event="claim_approval", user=world.manager)
    assert message.url == f"/claims/{pk}/" and claim["ticket"] in message.subject
    assert "3500.00" in message.body and "项目经理审批" in message.subject

    client.force_login(world.region_user)  # the region cannot go before the manager
    assert client.get("/api/v1/claims/waiting").json() == []
    assert decide(client, pk).status_code == 403
    client.force_login(world.manager)
    assert [c["id"] for c in client.get("/api/v1/claims/waiting").json()] == [pk]
    assert decide(client, pk).json()["waiting_for"] == "region"
    assert decide(client, pk).status_code == 409  # twice
    assert told("claim_approval") == {("manager", "in_app"), ("region", "in_app")}
    assert not told("claim_decided")  # the chain has not ended
    client.force_login(world.region_user)
    approved = decide(client, pk, note="同意").json()
    assert approved["status"] == "approved" and approved["approved_amount"] == "3500.00"
    assert decide(client, pk).status_code == 409  # approved already
    # The agent who opened it is told it was approved; HQ was never asked (3,500 ≤ 20,000).
    assert told("claim_decided") == {("agent", "in_app")}
    decided = OutboxMessage.objects.get(event="claim_decided")
    assert "已批准" in decided.subject and "承诺函" in decided.body
    assert decided.url == f"/claims/{pk}/"

    client.force_login(world.agent)
    issued = post(client, f"/api/v1/claims/{pk}/letter")
    assert issued.json()["status"] == "letter_issued"
    letter = client.get(f"/api/v1/claims/{pk}/letter")
    pdf = b"".join(letter.streaming_content)
    assert letter["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    words = letter_text(pdf)
    assert "承诺函" in words and "张伟" in words and "3500.00" in words

    signed = client.post(f"/api/v1/claims/{pk}/signed-letter", {"file": pdf_scan()})
    assert signed.status_code == 201 and signed.json()["kind"] == "signed_letter"
    requested = post(client, f"/api/v1/claims/{pk}/payment-request",
                     {"amount": "3500", "payee": "张伟"})  # fmt: skip
    assert requested.json()["status"] == "payment_requested"

    client.force_login(world.supervisor)
    paid_on = timezone.localdate(NOW).isoformat()
    paid = post(client, f"/api/v1/claims/{pk}/paid",
                {"paid_on": paid_on, "reference": "FK-2026-0088"})  # fmt: skip
    assert paid.json()["status"] == "paid" and paid.json()["paid_on"] == paid_on

    opened = post(client, f"/api/v1/claims/{pk}/charge-back", {
        "party_kind": "contractor", "party_name": "深圳安装工程公司", "amount": "3500",
        "reason": "立管接头安装不当",
    })  # fmt: skip
    assert opened.json()["charge_back"]["status"] == "requested"
    assert post(client, f"/api/v1/claims/{pk}/charge-back/agree").status_code == 200
    recovered = post(client, f"/api/v1/claims/{pk}/charge-back/recover",
                     {"amount": "3500", "on": paid_on}).json()  # fmt: skip
    assert recovered["charge_back"]["status"] == "recovered"
    assert recovered["charge_back"]["recovered_amount"] == "3500.00"

    kinds = [e["kind"] for e in recovered["events"]]
    assert kinds == [
        "opened", "evidence", "evidence", "assessed", "decided", "approved", "letter", "signed",
        "payment_requested", "paid", "charge_back", "charge_back_move", "charge_back_move",
    ]  # fmt: skip
    listed = client.get(f"/api/v1/tickets/{claim['ticket']}/claims").json()
    assert [c["id"] for c in listed] == [pk]


@pytest.mark.parametrize(
    ("amount", "steps"),
    [
        ("2000", ["project_manager"]),
        ("20000", ["project_manager", "region"]),
        ("20000.01", ["project_manager", "region", "hq"]),
    ],
)
def test_the_amount_decides_how_far_up_the_chain(world, client, amount, steps):
    pk = open_claim(world, client)["id"]
    assert assess(client, pk, amount).json()["steps"] == steps


@override_settings(CLAIM_MANAGER_LIMIT="500", CLAIM_REGION_LIMIT="1000")
def test_the_thresholds_are_settings(world, client):
    pk = open_claim(world, client)["id"]
    assert assess(client, pk, "800").json()["steps"] == ["project_manager", "region"]


@pytest.mark.parametrize(
    ("amount", "message"), [("-5", "负数"), ("abc", "数字"), ("0", "大于零"), ("1.234", "两位")]
)
def test_a_bad_amount_is_refused_naming_the_field(world, client, amount, message):
    pk = open_claim(world, client)["id"]
    answer = assess(client, pk, amount)
    assert answer.status_code == 400 and answer.json()["field"] == "amount"
    assert message in answer.json()["detail"]
    assert Claim.objects.get(pk=pk).status == "gathering"


def _approved(world, client, amount="1500") -> int:
    pk = open_claim(world, client)["id"]
    assess(client, pk, amount)
    client.force_login(world.manager)
    decide(client, pk)
    client.force_login(world.agent)
    return pk


def test_no_letter_before_approval(world, client):
    pk = open_claim(world, client)["id"]
    assert post(client, f"/api/v1/claims/{pk}/letter").status_code == 409
    assert client.get(f"/api/v1/claims/{pk}/letter").status_code == 409
    assess(client, pk, "800")
    refused = post(client, f"/api/v1/claims/{pk}/letter")
    assert refused.status_code == 409 and "待审批" in refused.json()["detail"]


def test_payment_above_the_approved_amount_is_refused(world, client):
    pk = _approved(world, client, "1500")
    post(client, f"/api/v1/claims/{pk}/letter")
    client.post(f"/api/v1/claims/{pk}/signed-letter", {"file": pdf_scan()})
    over = post(client, f"/api/v1/claims/{pk}/payment-request",
                {"amount": "1500.01", "payee": "张伟"})  # fmt: skip
    assert over.status_code == 400 and over.json()["field"] == "amount"
    assert "超过批准金额" in over.json()["detail"]
    no_payee = post(client, f"/api/v1/claims/{pk}/payment-request", {"amount": "1500", "payee": ""})
    assert no_payee.status_code == 400 and no_payee.json()["field"] == "payee"


def test_a_charge_back_above_the_approved_amount_is_refused(world, client):
    pk = _approved(world, client, "1500")
    client.force_login(world.supervisor)
    over = post(client, f"/api/v1/claims/{pk}/charge-back", {
        "party_kind": "insurer", "party_name": "平安保险", "amount": "9000", "reason": "公众责任险",
    })  # fmt: skip
    assert over.status_code == 400 and over.json()["field"] == "amount"


def test_approving_outside_scope_or_role_is_403_and_a_reason_is_needed_to_send_back(world, client):
    pk = open_claim(world, client)["id"]
    assess(client, pk, "800")
    assert decide(client, pk).status_code == 403  # an agent is no approver
    client.force_login(world.hq)  # HQ reaches the project but the step is the manager's
    assert decide(client, pk).status_code == 403
    client.force_login(world.manager)
    no_reason = decide(client, pk, "sent_back")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "note"
    back = decide(client, pk, "sent_back", "请补充报价单")
    assert back.json()["status"] == "sent_back"
    client.force_login(world.agent)
    again = assess(client, pk, "600").json()  # a second round, approved afresh
    assert again["status"] == "pending" and again["waiting_for"] == "project_manager"


def test_a_claim_of_another_project_is_refused(world, client):
    from conftest import make_user
    from propdesk.org.choices import Role

    pk = open_claim(world, client)["id"]
    assess(client, pk, "800")
    stranger = make_user("gz_manager", Role.PROJECT_MANAGER, world.company,
                         projects=[world.other_project])  # fmt: skip
    client.force_login(stranger)
    assert decide(client, pk).status_code == 403
    assert client.get(f"/api/v1/claims/{pk}").status_code == 404


def test_events_are_never_edited_nor_deleted(world, client):
    pk = open_claim(world, client)["id"]
    event = ClaimEvent.objects.get(claim_id=pk)
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        ClaimEvent.objects.filter(claim_id=pk).update(note="改")
    with pytest.raises(TypeError):
        event.save()


def test_totals_by_project_and_month(world, client):
    first = _approved(world, client, "1500")
    _approved(world, client, "800")
    post(client, f"/api/v1/claims/{first}/letter")
    client.post(f"/api/v1/claims/{first}/signed-letter", {"file": pdf_scan()})
    post(client, f"/api/v1/claims/{first}/payment-request", {"amount": "1200", "payee": "张伟"})
    client.force_login(world.supervisor)
    today = timezone.localdate()
    post(client, f"/api/v1/claims/{first}/paid", {"paid_on": today.isoformat(), "reference": "X1"})
    post(client, f"/api/v1/claims/{first}/charge-back", {
        "party_kind": "maintenance", "party_name": "电梯维保公司", "amount": "1000",
        "reason": "维保不到位",
    })  # fmt: skip
    post(client, f"/api/v1/claims/{first}/charge-back/recover",
         {"amount": "600", "on": today.isoformat()})  # fmt: skip

    month = f"{today:%Y-%m}"
    rows = client.get("/api/v1/claims/totals", {"month": month}).json()
    assert rows == [{
        "project_code": "SZHY", "project_name": "华苑", "opened": 2,
        "approved": 2, "approved_amount": "2300.00", "paid": 1, "paid_amount": "1200.00",
        "charged_back": 1, "charged_back_amount": "1000.00",
        "recovered": 1, "recovered_amount": "600.00", "pending": 0, "pending_amount": "0.00",
    }]  # fmt: skip
    bad = client.get("/api/v1/claims/totals", {"month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["field"] == "month"
    client.force_login(world.hq)
    page = client.get("/claims/", {"month": month}).content.decode()
    assert "2300.00" in page and "600.00" in page


def test_a_requests_claims_are_read_in_a_fixed_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    number = open_claim(world, client)["ticket"]
    ticket_claims = f"/api/v1/tickets/{number}/claims"
    with CaptureQueriesContext(connection) as one:
        client.get(ticket_claims)
    for _ in range(3):
        post(client, "/api/v1/claims", {"ticket": number, "description": "又一处损坏"})
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(ticket_claims).json()) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_approvers_up_the_chain_are_asked_in_turn_and_the_opener_told_of_a_send_back(world, client):
    from conftest import make_user
    from propdesk.org.choices import Role, ScopeLevel

    # People who must never be asked: another project's manager, another region's leader.
    make_user("gz_manager", Role.PROJECT_MANAGER, world.company, projects=[world.other_project])
    gz_region = world.other_project.region
    make_user("gz_region", Role.REGION, world.company, scope_level=ScopeLevel.REGION,
              region=gz_region)  # fmt: skip
    pk = open_claim(world, client)["id"]
    assess(client, pk, "25000")  # over the region's 20,000: HQ too
    assert told("claim_approval") == {("manager", "in_app")}
    client.force_login(world.manager)
    decide(client, pk)
    client.force_login(world.region_user)
    decide(client, pk)
    assert told("claim_approval") == {
        ("manager", "in_app"), ("region", "in_app"), ("hq", "in_app"),
    }  # fmt: skip
    hq = OutboxMessage.objects.get(event="claim_approval", user=world.hq)
    assert "总部客服审核" in hq.subject and "超过 20000 元" in hq.body

    client.force_login(world.hq)
    back = decide(client, pk, "sent_back", "请补充发票")
    assert back.json()["status"] == "sent_back"
    assert told("claim_decided") == {("agent", "in_app")}
    note = OutboxMessage.objects.get(event="claim_decided")
    assert "退回重新核定" in note.subject and "请补充发票" in note.body

    # Assessed again: a new round asks the manager again (a new message, not the old one).
    client.force_login(world.agent)
    assess(client, pk, "1500")
    asked = OutboxMessage.objects.filter(event="claim_approval", user=world.manager)
    assert asked.count() == 2
    client.force_login(world.manager)
    decide(client, pk, "rejected", "不属于物业责任")
    assert OutboxMessage.objects.filter(event="claim_decided", user=world.agent).count() == 2


def test_a_refused_decision_tells_nobody(world, client):
    pk = open_claim(world, client)["id"]
    assess(client, pk, "800")
    before = OutboxMessage.objects.count()
    assert decide(client, pk).status_code == 403  # the agent is no approver
    client.force_login(world.manager)
    assert decide(client, pk, "sent_back").status_code == 400  # no reason given
    assert OutboxMessage.objects.count() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-100", "负数"), ("一千", "数字"), ("1500.01", "超过批准金额"), ("", "大于零")],
)
def test_a_bad_payment_amount_is_refused_naming_the_field(world, client, amount, message):
    pk = _approved(world, client, "1500")
    post(client, f"/api/v1/claims/{pk}/letter")
    client.post(f"/api/v1/claims/{pk}/signed-letter", {"file": pdf_scan()})
    refused = post(client, f"/api/v1/claims/{pk}/payment-request",
                   {"amount": amount, "payee": "张伟"})  # fmt: skip
    assert refused.status_code == 400 and refused.json()["field"] == "amount"
    assert message in refused.json()["detail"]
    assert Claim.objects.get(pk=pk).status == "signed"


@pytest.mark.parametrize(
    ("amount", "message"), [("-1", "负数"), ("abc", "数字"), ("1500.01", "超过批准金额")]
)
def test_a_bad_charge_back_amount_is_refused_naming_the_field(world, client, amount, message):
    pk = _approved(world, client, "1500")
    client.force_login(world.supervisor)
    refused = post(client, f"/api/v1/claims/{pk}/charge-back", {
        "party_kind": "contractor", "party_name": "安装公司", "amount": amount,
        "reason": "安装不当",
    })  # fmt: skip
    assert refused.status_code == 400 and refused.json()["field"] == "amount"
    assert message in refused.json()["detail"]
    assert client.get(f"/api/v1/claims/{pk}").json()["charge_back"] is None


def test_the_charge_back_walks_its_own_statuses_and_refuses_what_does_not_follow(world, client):
    pk = _approved(world, client, "1500")
    body = {
        "party_kind": "insurer",
        "party_name": "平安保险",
        "amount": "1200",
        "reason": "公众责任险",
    }
    assert post(client, f"/api/v1/claims/{pk}/charge-back", body).status_code == 403  # agent
    client.force_login(world.supervisor)
    bad_kind = post(client, f"/api/v1/claims/{pk}/charge-back", {**body, "party_kind": "neighbour"})
    assert bad_kind.status_code == 400 and bad_kind.json()["field"] == "party_kind"
    assert post(client, f"/api/v1/claims/{pk}/charge-back", body).status_code == 200
    assert post(client, f"/api/v1/claims/{pk}/charge-back", body).status_code == 409  # one only

    base = f"/api/v1/claims/{pk}/charge-back"
    unknown = post(client, f"{base}/forgive")
    assert unknown.status_code == 400 and unknown.json()["field"] == "move"
    no_reason = post(client, f"{base}/dispute")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "note"
    disputed = post(client, f"{base}/dispute", {"note": "保险公司认为不在保险责任内"}).json()
    assert disputed["charge_back"]["status"] == "disputed"
    assert (
        post(client, f"{base}/recover", {"amount": "1200", "on": "2026-01-01"}).status_code == 409
    )
    assert post(client, f"{base}/agree").json()["charge_back"]["status"] == "agreed"
    today = timezone.localdate().isoformat()
    over = post(client, f"{base}/recover", {"amount": "1200.01", "on": today})
    assert over.status_code == 400 and over.json()["field"] == "amount"
    no_day = post(client, f"{base}/recover", {"amount": "1000"})
    assert no_day.status_code == 400 and no_day.json()["field"] == "on"
    bad_day = post(client, f"{base}/recover", {"amount": "1000", "on": "2026-02-30"})
    assert bad_day.status_code == 400 and bad_day.json()["field"] == "on"
    done = post(client, f"{base}/recover", {"amount": "1000", "on": today}).json()
    assert done["charge_back"]["status"] == "recovered"
    assert done["charge_back"]["recovered_amount"] == "1000.00"
    assert post(client, f"{base}/dispute", {"note": "晚了"}).status_code == 409
    moves = [e["data"]["to"] for e in done["events"] if e["kind"] == "charge_back_move"]
    assert moves == ["disputed", "agreed", "recovered"]


def test_no_letter_once_sent_back_and_nothing_is_ever_deleted(world, client):
    pk = open_claim(world, client)["id"]
    client.post(f"/api/v1/claims/{pk}/evidence", {"kind": "photo", "file": png()})
    assess(client, pk, "800")
    client.force_login(world.manager)
    decide(client, pk, "sent_back", "请补充报价")
    client.force_login(world.agent)
    assert post(client, f"/api/v1/claims/{pk}/letter").status_code == 409
    assert client.delete(f"/api/v1/claims/{pk}").status_code == 405
    withdrawn = post(client, f"/api/v1/claims/{pk}/withdraw", {"note": "业主不再要求"}).json()
    assert withdrawn["status"] == "withdrawn"
    # Its file and every step stay, and nothing moves it any more.
    assert [f["kind"] for f in withdrawn["files"]] == ["photo"]
    assert [e["kind"] for e in withdrawn["events"]][-1] == "withdrawn"
    assert assess(client, pk, "800").status_code == 409
    assert post(client, f"/api/v1/claims/{pk}/letter").status_code == 409
