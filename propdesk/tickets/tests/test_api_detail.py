"""GET /tickets/{number} and what hangs off it: events, work orders, phone reveal, attachments."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from propdesk.core.models import AuditAction, AuditLog
from propdesk.tickets import services
from propdesk.tickets.models import Attachment

from .helpers import register, walk
from .test_api_helpers import ApiClient, earlier, quick_password_hashing  # noqa: F401


def tiny_png() -> bytes:
    """A real 1×1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def agent(world):
    return ApiClient(world.agent)


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def test_detail_shows_the_whole_ticket(world, agent, media):
    ticket = walk(world, earlier(), "in_progress")
    services.add_progress_note(world.handler, ticket, text="已联系电梯维保公司", work_order=1)
    services.reply_to_resident(world.agent, ticket, content="维修人员已到场", channel="phone")
    services.add_attachment(
        world.agent, ticket, SimpleUploadedFile("现场.png", tiny_png(), "image/png")
    )

    response = agent.get(f"/tickets/{ticket.number}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["status_display"] == "处理中"
    assert body["contact_phone"] == "138****5678"
    [order] = body["work_orders"]
    assert order["sequence"] == 1
    assert order["department"] == "SZHY-ENG"
    assert order["department_name"] == "工程部"
    assert order["status"] == "in_progress"
    assert order["assignee"] == "handler"
    assert body["progress_notes"] == [
        {
            "text": "已联系电梯维保公司",
            "author": "Handler",
            "work_order": 1,
            "created_at": body["progress_notes"][0]["created_at"],
        }
    ]
    assert [(r["channel"], r["content"], r["author"]) for r in body["replies"]] == [
        ("phone", "维修人员已到场", "Agent")
    ]
    [attachment] = body["attachments"]
    assert attachment["name"] == "现场.png"
    assert attachment["content_type"] == "image/png"
    assert attachment["url"] == f"/api/v1/tickets/{ticket.number}/attachments/{attachment['id']}"
    assert body["callbacks"] == []


def test_detail_shows_callbacks_and_closure(world, agent):
    ticket = walk(world, earlier(), "closed")

    body = agent.get(f"/tickets/{ticket.number}").json()

    assert body["status"] == "closed"
    assert body["closure_reason"] == "satisfied"
    assert body["resolution"] == "更换了主板,电梯恢复运行"
    [callback] = body["callbacks"]
    assert callback["satisfaction"] == "satisfied"
    assert callback["satisfaction_display"] == "满意"
    assert callback["called_by"] == "Agent"
    assert body["allowed_actions"] == ["reopen"]


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    [
        ("registered", "agent", ["accept", "answer", "note", "reply", "cancel", "update"]),
        ("registered", "quality", ["note"]),
        ("dispatched", "handler", ["return", "start", "note", "reply", "resolve"]),
        ("resolved", "quality", ["note", "callback"]),
        ("suspended", "supervisor", ["note", "reply", "resume", "merge", "cancel", "update"]),
        ("closed", "handler", []),
    ],
)
def test_allowed_actions_follow_the_role_and_the_state(world, state, role, expected):
    ticket = walk(world, earlier(), state)

    allowed = ApiClient(world.user(role)).get(f"/tickets/{ticket.number}").json()["allowed_actions"]

    assert [a for a in allowed if a in expected] == expected
    assert "dispatch" not in allowed or role in ("supervisor", "project_manager")


def test_every_allowed_action_of_a_registered_ticket_is_a_real_endpoint(world, agent):
    ticket = register(world, earlier())

    allowed = agent.get(f"/tickets/{ticket.number}").json()["allowed_actions"]

    from propdesk.tickets.actions import ACTIONS

    assert {a for a in allowed if a != "attach"} <= set(ACTIONS)


def test_an_agent_is_not_offered_a_close_they_cannot_make(world, agent):
    ticket = walk(world, earlier(), "accepted")

    assert "close" not in agent.get(f"/tickets/{ticket.number}").json()["allowed_actions"]


def test_unknown_ticket_is_404_with_a_readable_detail(world, agent):
    response = agent.get("/tickets/SZHY-20260909-9999")

    assert response.status_code == 404
    assert response.json() == {"detail": "诉求 SZHY-20260909-9999 不存在", "code": "not_found"}


def test_ticket_outside_the_scope_is_403(world):
    ticket = register(world, earlier())

    response = ApiClient(world.outsider).get(f"/tickets/{ticket.number}")

    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert "number" not in response.json()


def test_reveal_phone_shows_it_in_full_and_is_audited(world, agent):
    ticket = register(world, earlier())

    response = agent.post(f"/tickets/{ticket.number}/reveal-phone")

    assert response.status_code == 200
    assert response.json() == {"number": ticket.number, "contact_phone": "13812345678"}
    log = AuditLog.objects.get(action=AuditAction.PHONE_REVEAL)
    assert (log.user, log.object_type, log.object_id) == (world.agent, "ticket", ticket.number)


def test_reveal_phone_is_refused_to_quality_and_not_logged(world):
    ticket = register(world, earlier())

    response = ApiClient(world.quality).post(f"/tickets/{ticket.number}/reveal-phone")

    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色不能查看完整电话"
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()


def test_reveal_phone_outside_the_scope_is_403(world):
    ticket = register(world, earlier())

    response = ApiClient(world.outsider).post(f"/tickets/{ticket.number}/reveal-phone")

    assert response.status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()


def test_events_list_the_history_in_order(world, agent):
    ticket = walk(world, earlier(), "dispatched")

    response = agent.get(f"/tickets/{ticket.number}/events")

    assert response.status_code == 200
    events = response.json()
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in events] == [
        ("registered", "", "registered"),
        ("accepted", "registered", "accepted"),
        ("dispatched", "accepted", "dispatched"),
    ]
    assert events[0]["kind_display"] == "登记"
    assert events[0]["actor"] == "agent"
    assert events[0]["actor_name"] == "Agent"
    assert events[2]["work_order"] == 1
    assert events[2]["data"]["department"] == "SZHY-ENG"
    assert events[0]["at"].endswith("+08:00")


def test_events_outside_the_scope_are_403(world):
    ticket = register(world, earlier())

    assert ApiClient(world.outsider).get(f"/tickets/{ticket.number}/events").status_code == 403


def test_work_orders_of_a_ticket(world, agent):
    ticket = walk(world, earlier(), "dispatched")
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-SEC",
        deadline=timezone.now() + timedelta(hours=2),
        instructions="查看监控",
    )

    response = agent.get(f"/tickets/{ticket.number}/work-orders")

    assert response.status_code == 200
    assert [(o["sequence"], o["department"], o["status"]) for o in response.json()] == [
        (1, "SZHY-ENG", "dispatched"),
        (2, "SZHY-SEC", "dispatched"),
    ]
    assert response.json()[1]["instructions"] == "查看监控"
    assert response.json()[1]["department_name"] == "保安部"


def test_my_work_orders_are_those_of_my_department_or_assigned_to_me(world):
    mine = walk(world, earlier(), "dispatched")  # to engineering, the handler's department
    other = walk(world, earlier(), "accepted")
    services.dispatch(
        world.supervisor,
        other,
        department="SZHY-SEC",
        deadline=timezone.now() + timedelta(hours=2),
    )
    finished = walk(world, earlier(), "resolved")

    handler = ApiClient(world.handler).get("/work-orders", {"mine": "true"})
    guard = ApiClient(world.security_handler).get("/work-orders", {"mine": "true"})
    everything = ApiClient(world.supervisor).get("/work-orders")
    with_done = ApiClient(world.handler).get("/work-orders", {"mine": "true", "active": "false"})

    assert handler.status_code == 200
    assert [o["ticket"] for o in handler.json()] == [mine.number]
    assert [o["ticket"] for o in guard.json()] == [other.number]
    assert {o["ticket"] for o in everything.json()} == {mine.number, other.number}
    assert {o["ticket"] for o in with_done.json()} == {mine.number, finished.number}


def test_work_orders_are_paged(world):
    for _ in range(3):
        walk(world, earlier(), "dispatched")
    supervisor = ApiClient(world.supervisor)

    first = supervisor.get("/work-orders", {"page_size": 2}).json()
    second = supervisor.get("/work-orders", {"page_size": 2, "page": 2}).json()

    assert (len(first), len(second)) == (2, 1)
    assert not {o["ticket"] for o in first} & {o["ticket"] for o in second}


@pytest.mark.parametrize(
    ("params", "field"), [({"page": 0}, "page"), ({"page_size": 500}, "page_size")]
)
def test_bad_work_order_page_is_422_naming_it(world, params, field):
    response = ApiClient(world.supervisor).get("/work-orders", params)

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_work_orders_outside_the_scope_are_not_listed(world):
    walk(world, earlier(), "dispatched")

    assert ApiClient(world.outsider).get("/work-orders").json() == []


def test_upload_a_photo_and_download_the_same_bytes(world, agent, media):
    ticket = register(world, earlier())
    png = tiny_png()

    response = agent.client.post(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"file": SimpleUploadedFile("电梯按钮.png", png, content_type="image/png")},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "电梯按钮.png"
    assert body["content_type"] == "image/png"
    assert body["size"] == len(png)
    download = agent.client.get(body["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download.getvalue() == png  # reading it to the end also closes the file
    detail = agent.get(f"/tickets/{ticket.number}").json()
    assert [a["id"] for a in detail["attachments"]] == [body["id"]]
    events = agent.get(f"/tickets/{ticket.number}/events").json()
    assert events[-1]["kind"] == "attachment_added"
    assert list(media.rglob("*.png"))


def test_upload_for_a_work_order(world, agent, media):
    ticket = walk(world, earlier(), "dispatched")

    response = agent.client.post(
        f"/api/v1/tickets/{ticket.number}/attachments?work_order=1",
        {"file": SimpleUploadedFile("a.png", tiny_png(), content_type="image/png")},
    )

    assert response.status_code == 201
    assert Attachment.objects.get().work_order.sequence == 1


def test_oversize_upload_is_400_naming_file(world, agent, media):
    ticket = register(world, earlier())

    with override_settings(ATTACHMENT_MAX_BYTES=40):
        response = agent.client.post(
            f"/api/v1/tickets/{ticket.number}/attachments",
            {"file": SimpleUploadedFile("big.png", tiny_png(), content_type="image/png")},
        )

    assert response.status_code == 400
    assert response.json()["field"] == "file"
    assert "太大" in response.json()["detail"]
    assert not Attachment.objects.exists()
    assert not list(media.rglob("*.png"))


def test_upload_to_a_closed_ticket_is_409_and_leaves_no_file(world, agent, media):
    ticket = walk(world, earlier(), "closed")

    response = agent.client.post(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"file": SimpleUploadedFile("late.png", tiny_png(), content_type="image/png")},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert not list(media.rglob("*.png"))


def test_renamed_program_is_refused(world, agent, media):
    ticket = register(world, earlier())

    response = agent.client.post(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"file": SimpleUploadedFile("photo.png", b"MZ\x90\x00rest", content_type="image/png")},
    )

    assert response.status_code == 400
    assert response.json()["field"] == "file"


def test_upload_without_a_file_is_422_naming_file(world, agent, media):
    ticket = register(world, earlier())

    response = agent.client.post(f"/api/v1/tickets/{ticket.number}/attachments", {})

    assert response.status_code == 422
    assert response.json()["field"] == "file"


def test_attachment_of_another_ticket_is_404(world, agent, media):
    first = register(world, earlier())
    second = register(world, earlier())
    attachment = services.add_attachment(
        world.agent, first, SimpleUploadedFile("a.png", tiny_png(), "image/png")
    )

    response = agent.client.get(f"/api/v1/tickets/{second.number}/attachments/{attachment.pk}")

    assert response.status_code == 404
    assert response.json()["detail"] == "附件不存在"


def test_attachment_whose_file_was_lost_is_a_readable_404(world, agent, media):
    ticket = register(world, earlier())
    attachment = services.add_attachment(
        world.agent, ticket, SimpleUploadedFile("现场.png", tiny_png(), "image/png")
    )
    (media / attachment.file.name).unlink()

    response = agent.client.get(f"/api/v1/tickets/{ticket.number}/attachments/{attachment.pk}")

    assert response.status_code == 404
    assert response.json()["detail"] == "附件“现场.png”的文件已丢失,请联系管理员"


def test_attachment_outside_the_scope_is_403(world, media):
    ticket = register(world, earlier())
    attachment = services.add_attachment(
        world.agent, ticket, SimpleUploadedFile("a.png", tiny_png(), "image/png")
    )

    response = ApiClient(world.outsider).client.get(
        f"/api/v1/tickets/{ticket.number}/attachments/{attachment.pk}"
    )

    assert response.status_code == 403


def test_a_merge_is_shown_both_ways_and_the_duplicate_keeps_its_history(world):
    survivor = register(world, earlier())
    duplicate = register(world, earlier())
    events_before = duplicate.events.count()
    ApiClient(world.supervisor).act(duplicate.number, "merge", into=survivor.number)

    client = ApiClient(world.agent)
    assert client.get(f"/tickets/{duplicate.number}").json()["merged_into"] == survivor.number
    assert client.get(f"/tickets/{survivor.number}").json()["merged_from"] == [duplicate.number]
    kinds = [e["kind"] for e in client.get(f"/tickets/{duplicate.number}/events").json()]
    assert len(kinds) > events_before
    assert kinds[0] == "registered"
    assert "merged" in kinds
