"""First login (issue 18 §5): staff created without a password — by the company import or by an
administrator — set their own through a one-time link printed by the administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from propdesk.core.models import AuditAction, AuditLog
from propdesk.org import first_login
from propdesk.org.first_login import first_login_path, user_for_link
from propdesk.org.logins import sign_in
from propdesk.org.models import User

GOOD = "Wuye-2026-station"


@pytest.fixture
def newcomer(world):
    user = User.objects.create_user(
        "wangfang", role="agent", company=world.company, display_name="王芳"
    )
    user.set_unusable_password()
    user.save()
    user.scope_projects.set([world.project])
    return user


def test_a_newcomer_sets_a_password_from_the_link_and_signs_in_with_it(client, newcomer):
    link = first_login_path(newcomer)

    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "王芳" in html and "wangfang" in html

    done = client.post(link, {"password": GOOD, "confirmation": GOOD})
    assert done.status_code == 302 and done["Location"].startswith("/login/")
    assert "wangfang" in client.get(done["Location"]).content.decode()  # filled in for them
    assert sign_in("wangfang", GOOD, ip="10.0.0.1").pk == newcomer.pk
    assert AuditLog.objects.filter(
        action=AuditAction.PERMISSION_CHANGE, detail__first_password_set="wangfang"
    ).exists()


def test_the_link_works_once(client, newcomer):
    link = first_login_path(newcomer)
    client.post(link, {"password": GOOD, "confirmation": GOOD})
    again = client.get(link)
    assert again.status_code == 404
    assert "已使用或已过期" in again.content.decode()
    assert (
        client.post(link, {"password": "Other-2026-x", "confirmation": "Other-2026-x"}).status_code
        == 404
    )
    assert sign_in("wangfang", GOOD, ip="10.0.0.1").pk == newcomer.pk


@pytest.mark.parametrize(
    ("password", "confirmation", "says"),
    [
        (GOOD, GOOD + "x", "不一致"),
        ("123", "123", "太短"),
        ("password123", "password123", "太常见"),
    ],
)
def test_a_refused_password_says_why_and_keeps_the_link(
    client, newcomer, password, confirmation, says
):
    link = first_login_path(newcomer)
    refused = client.post(link, {"password": password, "confirmation": confirmation})
    assert refused.status_code == 400
    assert says in refused.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
    assert client.get(link).status_code == 200


def test_a_link_never_replaces_a_password_someone_chose(world):
    path = first_login_path(world.agent)  # world.agent has a password
    uid, token = path.strip("/").split("/")[1:]
    assert user_for_link(uid, token) is None


def test_a_link_of_a_deactivated_account_or_a_tampered_one_opens_nothing(client, newcomer):
    link = first_login_path(newcomer)
    assert client.get(link[:-3] + "xx/").status_code == 404
    assert client.get("/first-login/not-base64/abc/").status_code == 404
    newcomer.is_active = False
    newcomer.save()
    assert client.get(link).status_code == 404


def test_a_link_is_good_for_the_configured_days(client, newcomer, settings, monkeypatch):
    link = first_login_path(newcomer)
    later = first_login.tokens._now() + timedelta(days=settings.FIRST_LOGIN_DAYS, hours=1)
    monkeypatch.setattr(first_login.tokens, "_now", lambda: later)
    assert client.get(link).status_code == 404


def test_the_administrator_prints_the_links_of_those_without_a_password(client, world, newcomer):
    admin = User.objects.create_superuser("root", password="pw-root", company=world.company)
    client.force_login(admin)
    sheet = client.post(
        "/admin/org/user/",
        {"action": "print_first_login_sheet", "_selected_action": [newcomer.pk, world.agent.pk]},
    )
    assert sheet.status_code == 200
    html = sheet.content.decode()
    assert "wangfang" in html and "http://testserver/first-login/" in html
    assert "1 人已设置密码或已停用" in html  # world.agent has a password: not listed
    assert world.agent.username not in html.split('id="first-login-skipped"')[0].split("<tbody>")[1]
    assert AuditLog.objects.filter(detail__first_login_link="wangfang", user=admin).count() == 1
    link = html.split("http://testserver")[1].split("<")[0]
    assert client.get(link).status_code == 200
