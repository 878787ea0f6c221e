"""Who a resident is on the portal (SPEC §12): a one-time code sent by SMS to a phone on the
household file proves it (5 minutes, 5 tries; at most one a minute and five an hour per phone,
and a number an hour per address), and a WeChat openid bound once by that code signs in alone.
Codes are kept hashed (HMAC with SECRET_KEY) in LoginCode, so the limits hold across processes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput
from propdesk.notify import services as notify
from propdesk.notify.choices import Channel as NotifyChannel
from propdesk.notify.choices import Event
from propdesk.org.models import Project
from propdesk.residents import phones

from .models import LoginCode, WeChatBinding

#: The SMS of a sign-in code (notify's templates portal_login_code.*).
LOGIN_CODE_EVENT = "portal_login_code"


class TooMany(DomainError):
    """Asked too often: wait and try again."""

    status_code = 429


def _hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def mobile(raw: str) -> str:
    """The canonical form of a mobile phone as typed, or InvalidInput."""
    result = phones.normalise(raw)
    if not result.valid or not result.is_mobile or result.extension:
        raise InvalidInput(_("请输入正确的手机号码"), field="phone")
    return result.canonical


# --- signing in ------------------------------------------------------------------------------


def _login_code_message(project: Project, code: str) -> tuple[str, dict[str, Any]]:
    context = {
        "company": project.company.name,
        "code": code,
        "minutes": settings.PORTAL_CODE_MINUTES,
    }
    return Event.PORTAL_LOGIN_CODE, context


def send_code(
    project: Project, raw_phone: str, *, address: str | None, now: datetime | None = None
) -> LoginCode:
    """Send a one-time code to this phone by SMS (through the outbox), within the limits: per
    phone one a minute and five an hour, per address a number an hour (settings)."""
    phone = mobile(raw_phone)
    at = clock.resolve(now)
    sent = LoginCode.objects.filter(phone=phone)
    if sent.filter(created_at__gt=at - timedelta(minutes=1)).count() >= (
        settings.PORTAL_CODES_PER_PHONE_MINUTE
    ):
        raise TooMany(_("验证码已发送,请 1 分钟后再试"), field="phone")
    if sent.filter(created_at__gt=at - timedelta(hours=1)).count() >= (
        settings.PORTAL_CODES_PER_PHONE_HOUR
    ):
        raise TooMany(_("这个号码本小时获取验证码次数过多,请稍后再试"), field="phone")
    if (
        address
        and LoginCode.objects.filter(
            address=address, created_at__gt=at - timedelta(hours=1)
        ).count()
        >= settings.PORTAL_CODES_PER_ADDRESS_HOUR
    ):
        raise TooMany(_("获取验证码过于频繁,请稍后再试"), field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        row = LoginCode.objects.create(
            project=project,
            phone=phone,
            code_hash=_hash(phone, code),
            address=address,
            created_at=at,
            expires_at=at + timedelta(minutes=settings.PORTAL_CODE_MINUTES),
        )
        event, context = _login_code_message(project, code)
        notify.queue(
            event,
            [notify.Address(NotifyChannel.SMS, phone, "zh-hans")],
            key=f"portal-login:{row.pk}",
            context=context,
            channels=[NotifyChannel.SMS],
            now=at,
        )
    return row


def verify_code(project: Project, raw_phone: str, code: str, *, now: datetime | None = None) -> str:
    """The phone, proven: the newest code sent to it for this project matches. Each try counts
    (committed even when wrong); a code is good for its minutes and its tries, and once."""
    phone = mobile(raw_phone)
    at = clock.resolve(now)
    code = "".join((code or "").split())
    with transaction.atomic():
        row = (
            LoginCode.objects.select_for_update()
            .filter(project=project, phone=phone)
            .order_by("-created_at", "-pk")
            .first()
        )
        usable = (
            row is not None
            and row.used_at is None
            and row.expires_at > at
            and row.attempts < settings.PORTAL_CODE_TRIES
        )
        if row is None or not usable:
            raise InvalidInput(_("验证码已失效,请重新获取"), field="code")
        row.attempts += 1
        right = hmac.compare_digest(row.code_hash, _hash(phone, code))
        if right:
            row.used_at = at
        row.save(update_fields=["attempts", "used_at"])
    if not right:
        left = settings.PORTAL_CODE_TRIES - row.attempts
        if left <= 0:
            raise InvalidInput(_("验证码错误次数过多,请重新获取"), field="code")
        raise InvalidInput(_("验证码不正确,还可以试 %(n)s 次") % {"n": left}, field="code")
    return phone


def bind_wechat(project: Project, openid: str, phone: str, *, now: datetime | None = None) -> None:
    """Remember that this WeChat user is this (proven) phone: next time no code is needed."""
    WeChatBinding.objects.update_or_create(
        app_id=settings.WECHAT_APP_ID,
        openid=openid,
        project=project,
        defaults={"phone": phone, "bound_at": clock.resolve(now)},
    )


def phone_of_wechat(project: Project, openid: str) -> str | None:
    binding = WeChatBinding.objects.filter(
        app_id=settings.WECHAT_APP_ID, openid=openid, project=project
    ).first()
    return binding.phone if binding else None


# --- who is asking ---------------------------------------------------------------------------
