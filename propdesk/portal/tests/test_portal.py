"""The resident portal (SPEC §12): signing in by SMS code, submitting, following, confirming and
rating, anonymous submission, and the portal's own QR poster."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import make_room
from propdesk.callbacks.models import Callback, CallbackTask, TaskReason, TaskStatus
from propdesk.core.errors import InvalidInput
from propdesk.notify.models import OutboxMessage
from propdesk.portal import services, signin
from propdesk.portal.models import LoginCode, PortalSettings, Submission
from propdesk.residents.models import Residency, Resident
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import Channel, ReporterType, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import walk

pytestmark = pytest.mark.django_db

PHONE = "13812345678"  # world.resident, room 3-2-1101 of project SZHY
NOW = timezone.now()


def _jpeg() -> bytes:
    """A small JPEG, as the browser's resizing sends it."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()


def photo(name: str = "leak.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def code_sent_to(phone: str) -> str:
    """The code, as the resident reads it in the SMS the outbox holds."""
    message = OutboxMessage.objects.filter(address=phone, channel="sms").latest("pk")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def signed_in(client: Client, project, phone: str = PHONE) -> Client:
    home = f"/h5/{project.code}/login/"
    client.post(home, {"step": "send", "phone": phone}, REMOTE_ADDR="10.0.0.1")
    answer = client.post(home, {"step": "verify", "phone": phone, "code": code_sent_to(phone)})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return client


# --- the code --------------------------------------------------------------------------------


def test_the_code_goes_out_by_sms_through_the_outbox_and_is_stored_hashed(world):
    row = signin.send_code(world.project, "138-1234-5678", address="10.0.0.1", now=NOW)
    message = OutboxMessage.objects.get(channel="sms", address=PHONE)
    code = code_sent_to(PHONE)
    assert message.event == "portal_login_code"
    assert "华宇物业" in message.body and "5 分钟" in message.body and "登录验证码" in message.body
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert signin.verify_code(world.project, PHONE, code, now=NOW) == PHONE
    # Once only.
    with pytest.raises(InvalidInput):
        signin.verify_code(world.project, PHONE, code, now=NOW)


def test_a_code_expires_after_five_minutes(world):
    signin.send_code(world.project, PHONE, address=None, now=NOW)
    code = code_sent_to(PHONE)
    with pytest.raises(InvalidInput, match="失效"):
        signin.verify_code(world.project, PHONE, code, now=NOW + timedelta(minutes=5, seconds=1))


def test_five_wrong_tries_spend_the_code_each_try_counted(world):
    signin.send_code(world.project, PHONE, address=None, now=NOW)
    code = code_sent_to(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidInput, match=f"还可以试 {left} 次"):
            signin.verify_code(world.project, PHONE, wrong, now=NOW)
    with pytest.raises(InvalidInput, match="过多"):
        signin.verify_code(world.project, PHONE, wrong, now=NOW)
    assert LoginCode.objects.get().attempts == 5
    with pytest.raises(InvalidInput, match="失效"):
        signin.verify_code(world.project, PHONE, code, now=NOW)


def test_sending_is_limited_per_phone_a_minute_and_an_hour(world):
    signin.send_code(world.project, PHONE, address=None, now=NOW)
    with pytest.raises(signin.TooMany, match="1 分钟"):
        signin.send_code(world.project, PHONE, address=None, now=NOW + timedelta(seconds=59))
    for minutes in (1, 2, 3, 4):
        signin.send_code(world.project, PHONE, address=None, now=NOW + timedelta(minutes=minutes))
    with pytest.raises(signin.TooMany, match="本小时"):
        signin.send_code(world.project, PHONE, address=None, now=NOW + timedelta(minutes=10))
    signin.send_code(world.project, PHONE, address=None, now=NOW + timedelta(minutes=61))


def test_sending_is_limited_per_address(world, settings):
    settings.PORTAL_CODES_PER_ADDRESS_HOUR = 2
    signin.send_code(world.project, "13900000001", address="10.0.0.9", now=NOW)
    signin.send_code(world.project, "13900000002", address="10.0.0.9", now=NOW)
    with pytest.raises(signin.TooMany):
        signin.send_code(world.project, "13900000003", address="10.0.0.9", now=NOW)
    signin.send_code(world.project, "13900000003", address="10.0.0.8", now=NOW)


def test_only_a_mobile_gets_a_code(world):
    with pytest.raises(InvalidInput):
        signin.send_code(world.project, "0755-12345678", address=None, now=NOW)
    assert not OutboxMessage.objects.exists()


# --- signing in and the household --------------------------------------------------------------


def test_a_resident_signs_in_and_sees_the_household_requests_only(world):
    mine = walk(world, NOW - timedelta(hours=2), "dispatched")
    other = _other_household(world)
    theirs = walk(world, NOW - timedelta(hours=2), "registered", resident_id=other.pk)
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/").content.decode()
    assert mine.number in page
    assert theirs.number not in page
    assert "已派给负责部门" in page


def test_the_timeline_says_what_happened_in_plain_words_without_staff_names(world):
    ticket = walk(world, NOW - timedelta(hours=3), "resolved")
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    for words in ("已收到您的诉求", "客服已受理", "已派给工程部处理", "已处理完毕", "更换了主板"):
        assert words in page
    for name in ("Agent", "Supervisor", "Handler", "agent", "handler", "supervisor"):
        assert name not in page
    assert "13812345678" not in page  # not even the resident's own number in the page


def test_promised_times_come_from_the_clocks(world):
    ticket = walk(world, NOW - timedelta(minutes=5), "registered")
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    assert "我们的承诺" in page and "前回复您" in page


# --- submitting --------------------------------------------------------------------------------


def test_a_resident_on_file_submits_with_a_photo_for_their_room(world):
    client = signed_in(Client(), world.project)
    answer = client.post(
        f"/h5/{world.project.code}/new/",
        {
            "kind": "repair",
            "category": "FAC",
            "description": "厨房水管漏水",
            "room_id": world.room.pk,
            "preferred_time": "周末上午",
            "may_call": "1",
            "ref": "abc123",
            "photos": [photo()],
        },
    )
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/r/{ticket.number}/")
    assert ticket.channel == Channel.WECHAT and ticket.reporter_type == ReporterType.RESIDENT
    assert (ticket.resident, ticket.room) == (world.resident, world.room)
    assert "周末上午" in ticket.description and not ticket.needs_room_match
    assert ticket.attachments.count() == 1
    assert ticket.registered_by.username == "portal.SZHY"
    assert not ticket.registered_by.has_usable_password()
    # The same form sent twice makes one request.
    client.post(
        f"/h5/{world.project.code}/new/",
        {"kind": "repair", "category": "FAC", "description": "厨房水管漏水", "ref": "abc123"},
    )
    assert Ticket.objects.count() == 1


def test_a_phone_not_on_file_submits_and_the_request_awaits_a_room_match(world):
    client = signed_in(Client(), world.project, "13600000000")
    assert "不在住户档案" in client.get(f"/h5/{world.project.code}/").content.decode()
    client.post(
        f"/h5/{world.project.code}/new/",
        {"kind": "complaint", "category": "ENV", "description": "楼道很脏", "place": "3栋大堂"},
    )
    ticket = Ticket.objects.get()
    assert ticket.needs_room_match and ticket.reporter_type == ReporterType.CONTACT
    assert ticket.contact_phone == "13600000000"
    assert ticket.number in client.get(f"/h5/{world.project.code}/").content.decode()
    # The agent matches it to a room: the mark goes.
    ticket_services.update_ticket(world.agent, ticket, changes={"room_id": world.room.pk})
    assert not Ticket.objects.get().needs_room_match


def test_too_many_photos_are_refused(world):
    with pytest.raises(InvalidInput):
        services.submit(
            services.visitor(world.project, PHONE),
            services.Request(
                kind="repair",
                category="FAC",
                description="漏水",
                photos=[photo(f"{i}.jpg") for i in range(10)],
            ),
        )


def test_anonymous_submission_only_where_the_project_allows_it(world):
    client = Client()
    form = {"kind": "complaint", "category": "ENV", "description": "垃圾没清", "place": "东门"}
    refused = client.post(f"/h5/{world.project.code}/new/?anonymous=1", form)
    assert refused.status_code == 302 and "/login/" in refused["Location"]
    PortalSettings.objects.create(project=world.project, allow_anonymous=True)
    answer = client.post(f"/h5/{world.project.code}/new/?anonymous=1", form)
    ticket = Ticket.objects.get()
    token = Submission.objects.get(ticket=ticket).token
    assert answer["Location"] == f"/h5/{world.project.code}/t/{token}/"
    assert ticket.reporter_type == ReporterType.ANONYMOUS and not ticket.contact_phone
    page = Client().get(answer["Location"]).content.decode()
    assert ticket.number in page and "私密链接" in page
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")  # one character off, never equal
    assert Client().get(f"/h5/{world.project.code}/t/{wrong}/").status_code == 404
    assert Client().get(f"/h5/{world.other_project.code}/t/{token}/").status_code == 404


# --- adding, confirming, rating ------------------------------------------------------------------


def test_a_resident_adds_information_and_a_photo_to_an_open_request(world):
    ticket = walk(world, NOW - timedelta(hours=1), "dispatched")
    client = signed_in(Client(), world.project)
    client.post(
        f"/h5/{world.project.code}/r/{ticket.number}/add/",
        {"text": "晚上还在漏", "photos": [photo()]},
    )
    assert ticket.progress_notes.get().text == "住户补充:晚上还在漏"
    assert ticket.attachments.count() == 1
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    assert "您补充了情况" in page and "您添加了照片" in page


def test_rating_unsatisfied_reopens_with_the_rating_and_gives_an_agent_a_callback_task(world):
    ticket = walk(world, NOW - timedelta(hours=1), "resolved")
    client = signed_in(Client(), world.project)
    client.post(f"/h5/{world.project.code}/r/{ticket.number}/confirm/")
    client.post(
        f"/h5/{world.project.code}/r/{ticket.number}/rate/",
        {"satisfaction": "dissatisfied", "reasons": ["slow", "attitude"], "comment": "拖了三天"},
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED and ticket.reopen_count == 1
    callback = Callback.objects.get(ticket=ticket)
    assert callback.satisfaction == "dissatisfied" and callback.method == "link"
    assert "拖了三天" in callback.comment and "#处理太慢" in callback.comment
    task = CallbackTask.objects.get(ticket=ticket, status=TaskStatus.OPEN)
    assert task.reason == TaskReason.PORTAL_UNSATISFIED
    assert task.owner == world.agent  # the first owner, who registered it


def test_rating_satisfied_completes_the_callback(world):
    ticket = walk(world, NOW - timedelta(hours=1), "resolved")
    client = signed_in(Client(), world.project)
    client.post(f"/h5/{world.project.code}/r/{ticket.number}/rate/", {"satisfaction": "satisfied"})
    ticket.refresh_from_db()
    assert ticket.status == Status.CALLBACK_DONE
    assert not CallbackTask.objects.filter(ticket=ticket, status=TaskStatus.OPEN).exists()


def test_saying_it_is_not_done_reopens_within_the_window_only(world, settings):
    settings.PORTAL_CONFIRM_DAYS = 7
    late = walk(world, NOW - timedelta(days=9), "resolved")
    ticket = walk(world, NOW - timedelta(hours=1), "resolved")
    client = signed_in(Client(), world.project)
    refused = client.post(
        f"/h5/{world.project.code}/r/{late.number}/not_done/", {"reason": "还在漏"}
    )
    assert refused.status_code == 409
    client.post(f"/h5/{world.project.code}/r/{ticket.number}/not_done/", {"reason": "还在漏"})
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    late.refresh_from_db()
    assert late.status == Status.RESOLVED


def test_an_open_survey_of_the_household_is_linked(world):
    from datetime import date

    from propdesk.surveys.models import Campaign, Invitation

    fields = {f.name for f in Campaign._meta.get_fields()}
    if "company" not in fields:  # pragma: no cover - the campaign's shape is the surveys app's
        pytest.skip("campaign fields changed")
    campaign = Campaign.objects.create(
        company=world.company,
        name="2026 年下半年满意度调查",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 12, 31),
        status="issued",
        created_by=world.supervisor,
        created_at=NOW,
    )
    Invitation.objects.create(
        campaign=campaign,
        room=world.room,
        project=world.project,
        token="tok-123",
        channel="sms",
        issued_at=NOW,
    )
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/").content.decode()
    assert "/s/tok-123/" in page


# --- strictly their own ------------------------------------------------------------------------


def _other_household(world) -> Resident:
    room = make_room(world.project, "5", "1", "0502")
    other = Resident.objects.create(company=world.company, name="王芳", phone="13700001111")
    Residency.objects.create(resident=other, room=room, relation="owner")
    return other


@pytest.mark.parametrize("who", ["same_project", "other_project"])
def test_every_portal_url_refuses_another_household(world, who):
    ticket = walk(world, NOW - timedelta(hours=1), "resolved")
    open_one = walk(world, NOW - timedelta(hours=1), "dispatched")
    if who == "same_project":
        _other_household(world)
        client = signed_in(Client(), world.project, "13700001111")
        code = world.project.code
    else:
        # The neighbour lives in the other project: at this one, a stranger.
        client = signed_in(Client(), world.project, "13987654321")
        code = world.project.code
    for number in (ticket.number, open_one.number):
        assert client.get(f"/h5/{code}/r/{number}/").status_code == 404
        for action in ("add", "confirm", "not_done", "rate"):
            answer = client.post(
                f"/h5/{code}/r/{number}/{action}/",
                {"text": "x", "reason": "x", "satisfaction": "dissatisfied"},
            )
            assert answer.status_code == 404, action
    for page in (f"/h5/{code}/", f"/h5/{code}/new/", f"/h5/{world.other_project.code}/"):
        body = client.get(page).content.decode()
        assert ticket.number not in body and open_one.number not in body
        assert "13812345678" not in body and "张伟" not in body
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and not ticket.progress_notes.exists()


def test_a_signed_in_resident_of_one_project_is_a_stranger_at_another(world):
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.other_project.code}/").content.decode()
    assert "手机号登录" in page


# --- WeChat ------------------------------------------------------------------------------------


def test_wechat_sign_in_exchanges_the_code_and_binds_the_openid_once(world, settings, httpserver):
    settings.WECHAT_APP_ID = "wx123"
    settings.WECHAT_APP_SECRET = "s3cret"
    settings.WECHAT_API_BASE = httpserver.url_for("").rstrip("/")
    httpserver.expect_request(
        "/sns/oauth2/access_token",
        query_string={
            "appid": "wx123",
            "secret": "s3cret",
            "code": "CODE1",
            "grant_type": "authorization_code",
        },
    ).respond_with_json({"access_token": "AT", "expires_in": 7200, "openid": "oRESIDENT"})
    client = Client()
    start = client.get(f"/h5/{world.project.code}/wechat/")
    assert start["Location"].startswith("https://open.weixin.qq.com/connect/oauth2/authorize?")
    assert "scope=snsapi_base" in start["Location"] and "appid=wx123" in start["Location"]
    state = re.search(r"state=([^&#]+)", start["Location"]).group(1)
    back = client.get(f"/h5/{world.project.code}/wechat/back/", {"code": "CODE1", "state": state})
    assert back["Location"] == f"/h5/{world.project.code}/login/"  # not bound yet: the SMS step
    signed_in(client, world.project)
    # Next time the openid alone signs in.
    httpserver.expect_request("/sns/oauth2/access_token").respond_with_json({"openid": "oRESIDENT"})
    again = Client()
    start = again.get(f"/h5/{world.project.code}/wechat/")
    state = re.search(r"state=([^&#]+)", start["Location"]).group(1)
    back = again.get(f"/h5/{world.project.code}/wechat/back/", {"code": "CODE2", "state": state})
    assert back["Location"] == f"/h5/{world.project.code}/"
    assert "我家的诉求" in again.get(back["Location"]).content.decode()


def test_a_wechat_error_is_told_and_signs_nobody_in(world, settings, httpserver):
    settings.WECHAT_APP_ID = "wx123"
    settings.WECHAT_APP_SECRET = "s3cret"
    settings.WECHAT_API_BASE = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/sns/oauth2/access_token").respond_with_json(
        {"errcode": 40029, "errmsg": "invalid code"}
    )
    client = Client()
    start = client.get(f"/h5/{world.project.code}/wechat/")
    state = re.search(r"state=([^&#]+)", start["Location"]).group(1)
    back = client.get(f"/h5/{world.project.code}/wechat/back/", {"code": "BAD", "state": state})
    assert back.status_code == 502 and "40029" in back.content.decode()
    assert "手机号登录" in client.get(f"/h5/{world.project.code}/").content.decode()


def test_wechat_is_off_without_settings(world):
    assert Client().get(f"/h5/{world.project.code}/wechat/").status_code == 404


# --- QR code and poster ------------------------------------------------------------------------


def test_the_qr_code_and_the_poster_for_managers(world, client):
    svg = Client().get(f"/h5/{world.project.code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    client.force_login(world.supervisor)
    menu = client.get("/").content.decode()
    assert 'id="menu-posters"' in menu  # in the user menu of the console
    listing = client.get("/portal-posters/").content.decode()
    assert world.project.name in listing and world.other_project.name not in listing
    poster = client.get(f"/portal-posters/{world.project.code}/").content.decode()
    assert world.project.name in poster and f"/h5/{world.project.code}/qr.svg" in poster
    assert client.get(f"/portal-posters/{world.other_project.code}/").status_code == 403


def test_a_portal_page_is_light(world):
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/new/")
    from django.contrib.staticfiles import finders

    size = len(page.content)
    for asset in ("portal/portal.css", "portal/portal.js"):
        with open(finders.find(asset), "rb") as f:
            size += len(f.read())
    assert size < 200 * 1024


def test_the_residents_receipt_by_sms_carries_the_requests_portal_page(world, settings):
    from propdesk.tickets.tests.helpers import register

    settings.PUBLIC_URL = "https://wuye.example.cn"
    ticket = register(world, NOW)

    receipt = OutboxMessage.objects.get(ticket=ticket, event="ticket_registered_receipt")
    link = f"https://wuye.example.cn/h5/{world.project.code}/r/{ticket.number}/"
    assert link in receipt.body
