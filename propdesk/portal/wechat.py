"""WeChat Official Account sign-in (网页授权, ``snsapi_base``): the resident opens the portal
from the account's menu, WeChat sends them back with a code, and the code is exchanged for
their openid — silently, without a consent page. The openid is then bound once to a phone
proven by SMS (signin.bind_wechat). Off unless ``WECHAT_APP_ID`` is set.

The exchange is one HTTPS GET answered with JSON (``{"openid": …}`` or ``{"errcode": …,
"errmsg": …}``); the standard library's client is enough for it."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from propdesk.core.errors import DomainError


class WeChatError(DomainError):
    """WeChat refused the exchange or could not be reached."""

    status_code = 502


def enabled() -> bool:
    return bool(settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET)


def authorize_url(redirect_uri: str, state: str) -> str:
    """Where to send the resident so that WeChat comes back with a code."""
    query = urllib.parse.urlencode(
        {
            "appid": settings.WECHAT_APP_ID,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{settings.WECHAT_OAUTH_AUTHORIZE_URL}?{query}#wechat_redirect"


def openid_for(code: str) -> str:
    """Exchange the code WeChat sent back for the resident's openid."""
    query = urllib.parse.urlencode(
        {
            "appid": settings.WECHAT_APP_ID,
            "secret": settings.WECHAT_APP_SECRET,
            "code": code,
            "grant_type": "authorization_code",
        }
    )
    url = f"{settings.WECHAT_API_BASE}/sns/oauth2/access_token?{query}"
    try:
        with urllib.request.urlopen(url, timeout=settings.WECHAT_TIMEOUT) as answer:  # noqa: S310
            body = json.loads(answer.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise WeChatError(_("微信登录暂时不可用,请用手机验证码登录")) from error
    openid = body.get("openid") if isinstance(body, dict) else None
    if not openid:
        code_ = body.get("errcode") if isinstance(body, dict) else None
        raise WeChatError(_("微信登录失败(%(code)s),请用手机验证码登录") % {"code": code_ or "?"})
    return str(openid)
