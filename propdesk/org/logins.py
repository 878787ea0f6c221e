"""Signing in, at every way in: the console login, the Django admin login and API token
creation all call :func:`sign_in`, so one set of counters throttles them.

- Per account: ``LOGIN_FAILURES_PER_USER`` wrong passwords in a row lock it for
  ``LOGIN_LOCKOUT_MINUTES``; even the right password is refused then.
- Per address: ``LOGIN_FAILURES_PER_ADDRESS`` failures from one address within that period
  (any user names, known or not) lock the address for the same time.
- An administrator lifts either lock at once (:func:`unlock_user`, :func:`unlock_address`;
  actions in the admin). Every failure, lock and unlock is in the audit log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.errors import NotAuthenticated
from propdesk.core.models import AuditAction

from .models import LoginAddress, User


class LockedOut(NotAuthenticated):
    """Too many failed logins: the account or the address is locked for a while."""

    status_code = 429
    code = "locked_out"


def max_failed_logins() -> int:
    return settings.LOGIN_FAILURES_PER_USER


def max_failed_logins_per_address() -> int:
    return settings.LOGIN_FAILURES_PER_ADDRESS


def lockout() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _minutes_left(until: datetime, at: datetime) -> int:
    return max(1, int((until - at).total_seconds() // 60) + 1)


def _storable(text: str) -> str:
    """The name as a database can hold it (NUL and lone surrogates replaced, so it matches
    nobody): it is only looked up and written to the audit log."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")[:150]


def _address_row(ip: str | None, at: datetime) -> LoginAddress | None:
    if not ip:
        return None
    row, _created = LoginAddress.objects.get_or_create(ip=ip, defaults={"counting_since": at})
    return LoginAddress.objects.select_for_update().get(pk=row.pk)


def _count_address_failure(address: LoginAddress | None, at: datetime) -> bool:
    """One more failure from ``address``; True when it is now locked."""
    if address is None:
        return False
    if at - address.counting_since >= lockout():
        address.failures, address.counting_since = 0, at
    address.failures += 1
    locked = address.failures >= max_failed_logins_per_address()
    if locked:
        address.locked_until, address.failures, address.counting_since = at + lockout(), 0, at
    address.save(update_fields=["failures", "counting_since", "locked_until"])
    return locked


def sign_in(
    username: str, password: str, *, ip: str | None = None, now: datetime | None = None
) -> User:
    """Check a login at any way in and return the user, or raise NotAuthenticated (LockedOut
    while the account or the address is locked). The message never says whether the user name
    exists. Failures are counted and audited even though the call raises."""
    from django.contrib.auth import authenticate

    at = clock.resolve(now)
    username = _storable((username or "").strip())
    if not username or not password:
        raise NotAuthenticated(_("请输入用户名和密码"), field="username")
    refusal: NotAuthenticated = NotAuthenticated(_("用户名或密码不正确"), field="password")
    with transaction.atomic():
        address = _address_row(ip, at)
        user = User.objects.select_for_update().filter(username=username).first()
        if address is not None and address.locked_until and address.locked_until > at:
            audit(user, AuditAction.LOGIN_FAILED, ip=ip, now=at,
                  detail={"username": username, "address_locked": True})  # fmt: skip
            refusal = LockedOut(
                _("此网络地址登录失败次数过多,已暂停登录,请 %(m)s 分钟后再试或联系管理员")
                % {"m": _minutes_left(address.locked_until, at)},
                field="username",
            )
        elif user is None:
            address_locked = _count_address_failure(address, at)
            audit(None, AuditAction.LOGIN_FAILED, ip=ip, now=at,
                  detail={"username": username, "address_locked": address_locked})  # fmt: skip
        elif user.locked_until and user.locked_until > at:
            address_locked = _count_address_failure(address, at)
            audit(user, AuditAction.LOGIN_FAILED, ip=ip, now=at,
                  detail={"locked": True, "address_locked": address_locked})  # fmt: skip
            refusal = LockedOut(
                _("连续登录失败次数过多,账号已锁定,请 %(m)s 分钟后再试或联系管理员")
                % {"m": _minutes_left(user.locked_until, at)},
                field="username",
            )
        elif authenticate(username=username, password=password) is None:
            user.failed_logins += 1
            locked = user.failed_logins >= max_failed_logins()
            if locked:
                user.locked_until, user.failed_logins = at + lockout(), 0
            user.save(update_fields=["failed_logins", "locked_until"])
            address_locked = _count_address_failure(address, at)
            audit(user, AuditAction.LOGIN_FAILED, ip=ip, now=at,
                  detail={"locked": locked, "address_locked": address_locked})  # fmt: skip
        else:
            user.failed_logins, user.locked_until = 0, None
            user.last_login = at
            user.save(update_fields=["failed_logins", "locked_until", "last_login"])
            audit(user, AuditAction.LOGIN, ip=ip, now=at)
            return user
    # Raised after the transaction, so the failure counts and the audit rows are kept.
    raise refusal


@transaction.atomic
def unlock_user(actor: User, user: User, *, now: datetime | None = None) -> bool:
    """Lift ``user``'s login lock and clear the count; False when there was nothing to lift."""
    at = clock.resolve(now)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.failed_logins and not (locked.locked_until and locked.locked_until > at):
        return False
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit(actor, AuditAction.PERMISSION_CHANGE, object_type="user", object_id=user.pk, now=at,
          detail={"change": "login_unlocked", "username": user.username})  # fmt: skip
    return True


@transaction.atomic
def unlock_address(actor: User, address: LoginAddress, *, now: datetime | None = None) -> None:
    """Lift the lock on a network address and start its count again."""
    at = clock.resolve(now)
    LoginAddress.objects.filter(pk=address.pk).update(
        failures=0, locked_until=None, counting_since=at
    )
    audit(actor, AuditAction.PERMISSION_CHANGE, object_type="login_address",
          object_id=address.ip, now=at, detail={"change": "login_unlocked"})  # fmt: skip
