"""Who may call the API: bearer tokens for programs, the session (with CSRF) for the browser."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.middleware.csrf import get_token
from django.test import Client

from propdesk.core.models import AuditAction, AuditLog
from propdesk.org.models import ApiToken
from propdesk.org.services import create_api_token, revoke_api_tokens
from propdesk.tickets.models import Ticket

from .test_api_helpers import API, ApiClient, phone_complaint, quick_password_hashing  # noqa: F401


def token_from_command(username: str, name: str = "") -> str:
    out = io.StringIO()
    args = ["token", "create", "--user", username]
    if name:
        args += ["--name", name]
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_no_credentials_is_401_with_a_readable_json_detail(world):
    response = Client().get(f"{API}/tickets")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "请先登录,或提供有效的 API 令牌"
    assert response.json()["code"] == "unauthenticated"


def test_no_credentials_on_a_post_is_401_not_a_csrf_failure(world):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{API}/tickets", "{}", content_type="application/json")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_token_from_the_command_works_and_is_audited(world):
    token = token_from_command("agent", name="呼叫中心系统")

    response = ApiClient(token=token).get("/me")

    assert token.startswith("pd_")
    assert response.status_code == 200
    assert response.json()["username"] == "agent"
    assert AuditLog.objects.filter(
        user=world.agent, action=AuditAction.TOKEN_CREATED, detail={"name": "呼叫中心系统"}
    ).exists()
    assert ApiToken.objects.get(user=world.agent).last_used_at is not None


def test_token_command_for_an_unknown_user_fails_with_a_message(world):
    with pytest.raises(CommandError, match="nobody"):
        token_from_command("nobody")


def test_token_command_for_a_deactivated_user_fails_with_a_message(world):
    world.agent.is_active = False
    world.agent.save()

    with pytest.raises(CommandError):
        token_from_command("agent")


def test_token_command_revoke_ends_the_tokens(world):
    token = token_from_command("agent")
    out = io.StringIO()

    call_command("token", "revoke", "--user", "agent", stdout=out)

    assert "revoked 1" in out.getvalue()
    assert ApiToken.objects.get(user=world.agent).revoked_at is not None
    assert ApiClient(token=token).get("/me").status_code == 401


def test_a_bearer_token_can_write(world):
    response = ApiClient(world.agent).post("/tickets", phone_complaint(world))

    assert response.status_code == 201


def test_revoked_token_is_401(world):
    token = create_api_token(world.agent)
    revoke_api_tokens(world.agent)

    response = ApiClient(token=token).get("/tickets")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_revoked_token_on_a_post_is_401_not_a_csrf_failure(world):
    token = create_api_token(world.agent)
    revoke_api_tokens(world.agent)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})

    response = client.post(
        f"{API}/tickets", json.dumps(phone_complaint(world)), content_type="application/json"
    )

    assert response.status_code == 401


def test_unknown_token_is_401(world):
    response = ApiClient(token="pd_not-a-real-token").get("/tickets")

    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_401(world):
    client = ApiClient(world.agent)
    world.agent.is_active = False
    world.agent.save()

    assert client.get("/me").status_code == 401


def test_session_login_reads_without_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="agent", password="pw-agent")

    response = client.get(f"{API}/me")

    assert response.status_code == 200
    assert response.json()["username"] == "agent"


def test_session_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent)

    response = client.post(
        f"{API}/tickets", json.dumps(phone_complaint(world)), content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "X-CSRFToken" in response.json()["detail"]
    assert Ticket.objects.count() == 0


def test_session_post_with_csrf_token_is_accepted(world, rf):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent)
    # The browser gets the token from the csrftoken cookie that any Django page sets.
    request = rf.get("/")
    csrf = get_token(request)
    client.cookies["csrftoken"] = csrf

    response = client.post(
        f"{API}/tickets",
        json.dumps(phone_complaint(world)),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 201, response.json()
    assert Ticket.objects.count() == 1


def test_bearer_token_needs_no_csrf_token(world):
    token = create_api_token(world.agent)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})

    response = client.post(
        f"{API}/tickets", json.dumps(phone_complaint(world)), content_type="application/json"
    )

    assert response.status_code == 201
