"""Console login: the right password signs in, five wrong ones in a row lock the account for
15 minutes (even the right password is refused then), every failure is audited, and the
message never tells whether the user name exists."""

from datetime import timedelta

import pytest

from propdesk.core.errors import NotAuthenticated
from propdesk.core.models import AuditAction, AuditLog
from propdesk.org.logins import lockout, max_failed_logins, sign_in


def test_the_right_password_signs_in_and_resets_the_count(world, now):
    with pytest.raises(NotAuthenticated):
        sign_in("agent", "wrong", now=now)
    user = sign_in("agent", "pw-agent", now=now)
    assert (user, user.failed_logins, user.locked_until) == (world.agent, 0, None)
    assert AuditLog.objects.filter(action=AuditAction.LOGIN, user=world.agent).count() == 1


def test_five_failures_lock_the_account_until_the_lockout_ends(world, now):
    for _ in range(max_failed_logins()):
        with pytest.raises(NotAuthenticated):
            sign_in("agent", "wrong", now=now)
    with pytest.raises(NotAuthenticated) as locked:
        sign_in("agent", "pw-agent", now=now + lockout() - timedelta(seconds=1))
    assert "锁定" in locked.value.message
    assert sign_in("agent", "pw-agent", now=now + lockout()) == world.agent
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 6


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(world, now):
    with pytest.raises(NotAuthenticated) as unknown:
        sign_in("nobody", "x", now=now)
    with pytest.raises(NotAuthenticated) as wrong:
        sign_in("agent", "x", now=now)
    assert unknown.value.message == wrong.value.message


def test_the_login_page_signs_in_and_goes_where_the_user_wanted(world, client):
    page = client.get("/login/?next=/queues/")
    assert page.status_code == 200
    answer = client.post(
        "/login/", {"username": "agent", "password": "pw-agent", "next": "/queues/"}
    )
    assert (answer.status_code, answer.headers["Location"]) == (302, "/queues/")
    off_site = client.post(
        "/login/", {"username": "agent", "password": "pw-agent", "next": "https://evil.example/"}
    )
    assert off_site.headers["Location"] == "/"


def test_a_failed_login_shows_why_and_pages_need_a_login(world, client):
    failed = client.post("/login/", {"username": "agent", "password": "nope"})
    assert failed.status_code == 401
    assert "用户名或密码不正确" in failed.content.decode()
    assert client.get("/queues/").headers["Location"].startswith("/login/")
