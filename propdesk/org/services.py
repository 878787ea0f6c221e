"""Staff, scopes and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.errors import InvalidInput, NotAuthenticated, OutOfScope
from propdesk.core.models import AuditAction

from .models import ApiToken, Project, User


def create_api_token(user: User, *, name: str = "", now: datetime | None = None) -> str:
    """Create a bearer token for ``user`` and return it; it cannot be shown again."""
    if not user.is_active:
        raise InvalidInput(_("用户已停用,不能创建令牌"), field="user")
    key = "pd_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[3:11], key_hash=ApiToken.hash_key(key))
    return key


def user_for_token(key: str, *, now: datetime | None = None) -> User | None:
    """The active user a token belongs to, or None if it is unknown or revoked."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    at = clock.resolve(now)
    # Touch at most once a minute: a busy program must not turn every read into a write.
    if token.last_used_at is None or (at - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user


@transaction.atomic
def revoke_api_tokens(user: User, *, now: datetime | None = None) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.resolve(now)
    )


def check_project_scope(user: User, project: Project | int) -> None:
    """Raise OutOfScope unless ``project`` is within the user's scope."""
    project_id = project if isinstance(project, int) else project.pk
    if not user.in_scope(project_id):
        raise OutOfScope(_("该项目不在您的数据范围内"))


#: After this many wrong passwords in a row the account is locked for LOCKOUT.
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


def sign_in(
    username: str, password: str, *, ip: str | None = None, now: datetime | None = None
) -> User:
    """Check a console login. Wrong passwords are counted per account; the fifth in a row locks
    it for 15 minutes, during which even the right password is refused. Every failure and
    lockout is in the audit log. The message never says whether the user name exists."""
    from django.contrib.auth import authenticate

    at = clock.resolve(now)
    wrong = NotAuthenticated(_("用户名或密码不正确"), field="password")
    username = (username or "").strip()
    if not username or not password:
        raise NotAuthenticated(_("请输入用户名和密码"), field="username")
    refusal = wrong
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            audit(None, AuditAction.LOGIN_FAILED, detail={"username": username[:150]}, ip=ip,
                  now=at)  # fmt: skip
        elif user.locked_until and user.locked_until > at:
            audit(user, AuditAction.LOGIN_FAILED, detail={"locked": True}, ip=ip, now=at)
            minutes = max(1, int((user.locked_until - at).total_seconds() // 60) + 1)
            refusal = NotAuthenticated(
                _("连续登录失败次数过多,账号已锁定,请 %(m)s 分钟后再试或联系管理员")
                % {"m": minutes},
                field="username",
            )
        elif authenticate(username=username, password=password) is None:
            user.failed_logins += 1
            locked = user.failed_logins >= MAX_FAILED_LOGINS
            if locked:
                user.locked_until, user.failed_logins = at + LOCKOUT, 0
            user.save(update_fields=["failed_logins", "locked_until"])
            audit(user, AuditAction.LOGIN_FAILED, detail={"locked": locked}, ip=ip, now=at)
        else:
            user.failed_logins, user.locked_until = 0, None
            user.last_login = at
            user.save(update_fields=["failed_logins", "locked_until", "last_login"])
            audit(user, AuditAction.LOGIN, ip=ip, now=at)
            return user
    # Raised after the transaction, so the failure count and the audit rows are kept.
    raise refusal
