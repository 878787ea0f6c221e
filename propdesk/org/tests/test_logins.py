"""Failed logins are throttled at every way in — the console login, the Django admin login and
API token creation — by one set of counters: per account (wrong passwords in a row) and per
address (any user names). A lock refuses even the right password at all three doors, with a
message saying so, until it ends or an administrator lifts it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from propdesk.core.models import AuditAction, AuditLog
from propdesk.core.requests import client_ip
from propdesk.org.logins import lockout, max_failed_logins, sign_in
from propdesk.org.models import ApiToken, LoginAddress

ADDRESS = "10.1.2.3"
ACCOUNT_LOCKED = "账号已锁定"
ADDRESS_LOCKED = "此网络地址登录失败次数过多"


def console(username: str, password: str, *, ip: str = ADDRESS):
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})


def admin(username: str, password: str, *, ip: str = ADDRESS):
    client = Client(REMOTE_ADDR=ip)
    answer = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    return answer, client


def token(username: str, password: str, *, ip: str = ADDRESS):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "name": "对接"},
        content_type="application/json",
    )


def signed_in_everywhere(username: str, password: str, *, ip: str = ADDRESS) -> list[str]:
    """Which doors let the right password in (each on a fresh connection)."""
    doors = []
    if console(username, password, ip=ip).status_code == 302:
        doors.append("console")
    answer, client = admin(username, password, ip=ip)
    if answer.status_code == 302 and client.get("/admin/").status_code == 200:
        doors.append("admin")
    if token(username, password, ip=ip).status_code == 201:
        doors.append("token")
    return doors


@pytest.fixture
def staff_admin(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    return world.admin


def test_failures_at_every_door_add_up_and_then_all_three_refuse_the_right_password(
    world, staff_admin
):
    assert max_failed_logins() == 5
    assert console("admin", "wrong").status_code == 401
    assert console("admin", "wrong").status_code == 401
    answer, _ = admin("admin", "wrong")
    assert "用户名或密码不正确" in answer.content.decode()
    admin("admin", "wrong")
    assert token("admin", "wrong").status_code == 401  # the fifth: locked now

    refused = console("admin", "pw-admin")
    assert refused.status_code == 429
    assert ACCOUNT_LOCKED in refused.content.decode()
    answer, client = admin("admin", "pw-admin")
    assert answer.status_code == 200 and ACCOUNT_LOCKED in answer.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in: back to the login
    locked = token("admin", "pw-admin")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out" and ACCOUNT_LOCKED in locked.json()["detail"]
    assert not ApiToken.objects.filter(user=staff_admin).exists()


def test_eight_wrong_admin_passwords_lock_the_account_and_it_no_longer_signs_in_at_admin(
    world, staff_admin
):
    for _ in range(8):
        admin("admin", "guess")

    assert signed_in_everywhere("admin", "pw-admin") == []
    failures = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, user=staff_admin)
    assert failures.count() == 8 + 3
    assert failures.filter(ip=ADDRESS).count() == failures.count()


def test_an_administrator_unlocks_the_account_and_it_signs_in_everywhere_again(world, staff_admin):
    for _ in range(max_failed_logins()):
        console("agent", "wrong")
    assert signed_in_everywhere("agent", "pw-agent") == []

    office = Client()
    office.force_login(staff_admin)
    answer = office.post(
        "/admin/org/user/",
        {"action": "unlock_logins", "_selected_action": [world.agent.pk]},
        follow=True,
    )

    assert "已解除 1 个账号的登录锁定" in answer.content.decode()
    world.agent.refresh_from_db()
    assert (world.agent.failed_logins, world.agent.locked_until) == (0, None)
    # (an agent is not staff: the admin turns the agent away whatever the lock)
    assert signed_in_everywhere("agent", "pw-agent") == ["console", "token"]
    unlock = AuditLog.objects.get(action=AuditAction.PERMISSION_CHANGE, object_type="user")
    assert (unlock.user, unlock.object_id) == (staff_admin, str(world.agent.pk))


def test_one_address_trying_many_user_names_is_locked_for_every_name(world, staff_admin, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for name in ("agent", "supervisor", "nobody", "handler", "ghost", "manager"):
        assert console(name, "123456").status_code == 401  # one each: no account is locked

    refused = console("quality", "pw-quality")
    assert refused.status_code == 429
    assert ADDRESS_LOCKED in refused.content.decode()
    assert signed_in_everywhere("quality", "pw-quality") == []
    # The accounts themselves are not locked: from another address they sign in.
    assert signed_in_everywhere("quality", "pw-quality", ip="10.9.9.9") == ["console", "token"]

    office = Client(REMOTE_ADDR="10.9.9.9")
    office.force_login(staff_admin)
    row = LoginAddress.objects.get(ip=ADDRESS)
    answer = office.post(
        "/admin/org/loginaddress/",
        {"action": "unlock", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "已解除 1 个地址的登录锁定" in answer.content.decode()
    assert signed_in_everywhere("quality", "pw-quality") == ["console", "token"]


def test_address_failures_older_than_the_lockout_period_are_forgotten(world, now, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("nobody", "ghost"):
        with pytest.raises(Exception, match="不正确"):
            sign_in(name, "x", ip=ADDRESS, now=now)
    later = now + lockout()
    with pytest.raises(Exception, match="不正确"):
        sign_in("someone", "x", ip=ADDRESS, now=later)  # a new count: 1, not 3

    assert sign_in("agent", "pw-agent", ip=ADDRESS, now=later) == world.agent


def test_the_lock_message_is_in_the_users_language(world):
    for _ in range(max_failed_logins()):
        token("agent", "wrong")

    with translation.override("en"):
        answer = Client(REMOTE_ADDR=ADDRESS, headers={"Accept-Language": "en"}).post(
            "/login/", {"username": "agent", "password": "pw-agent"}
        )
    assert answer.status_code == 429
    assert "Too many failed logins" in answer.content.decode()


def test_a_token_made_by_signing_in_works_and_is_audited(world):
    answer = token("agent", "pw-agent")

    assert answer.status_code == 201
    key = answer.json()["token"]
    me = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/me")
    assert me.json()["username"] == "agent"
    created = AuditLog.objects.get(action=AuditAction.TOKEN_CREATED)
    assert (created.user, created.ip, created.detail) == (world.agent, ADDRESS, {"name": "对接"})


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: what the client wrote is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged first hop is not believed
        (1, "not-an-address", None),
    ],
)
def test_the_address_is_the_connections_unless_proxies_are_declared(
    rf, settings, proxies, forwarded, expected
):
    settings.NUM_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_names_a_database_cannot_hold_are_just_wrong(world, now):
    for name in ("ag\x00ent", "\ud800agent"):
        with pytest.raises(Exception, match="不正确"):
            sign_in(name, "pw-agent", ip=ADDRESS, now=now)
