"""First login (issue 18 §5): a member of staff whose account has no usable password — created
by the company import, or by an administrator who left the password empty — sets their own
through a one-time link the administrator hands out (printed on a sheet from the admin, or sent
however the company sends such things).

The link is Django's password-reset token (a hash of the account's password and last login,
with a timestamp): it is good for ``FIRST_LOGIN_DAYS`` and dies as soon as a password is set,
so it works once. It works only for an active account that has no usable password: a link never
replaces a password someone already chose.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.errors import InvalidInput
from propdesk.core.models import AuditAction

from .models import User


class FirstLoginTokens(PasswordResetTokenGenerator):
    key_salt = "propdesk.org.first_login"


tokens = FirstLoginTokens()


def needs_first_login(user: User) -> bool:
    return user.is_active and not user.has_usable_password()


def first_login_path(user: User) -> str:
    """The address of the user's first-login page (relative to the site)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/first-login/{uid}/{tokens.make_token(user)}/"


def valid_until(now: datetime | None = None) -> datetime:
    return clock.resolve(now) + timedelta(days=settings.FIRST_LOGIN_DAYS)


def user_for_link(uid: str, token: str) -> User | None:
    """The account a link is for, while the link is good; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not needs_first_login(user) or not tokens.check_token(user, token):
        return None
    return user


def issue_links(actor: User, users: list[User], *, ip: str | None = None) -> list[User]:
    """The accounts of ``users`` that need a first login (the others are left out); handing
    out their links is written to the audit log, one row per account."""
    waiting = [u for u in users if needs_first_login(u)]
    for user in waiting:
        audit(
            actor, AuditAction.PERMISSION_CHANGE, object_type="user", object_id=user.pk,
            detail={"first_login_link": user.username}, ip=ip,
        )  # fmt: skip
    return waiting


@transaction.atomic
def set_first_password(user: User, password: str, confirmation: str) -> User:
    """Set the password of an account that had none, checked by the password validators of
    the settings; InvalidInput names the field."""
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": confirmation})
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(" ".join(errors), field=field)
    form.save()
    audit(
        user, AuditAction.PERMISSION_CHANGE, object_type="user", object_id=user.pk,
        detail={"first_password_set": user.username},
    )  # fmt: skip
    return user
