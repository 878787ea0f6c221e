"""WeChat Official Account (微信公众号) messages to residents who bound their WeChat: template
messages (``/cgi-bin/message/template/send``) or subscribe messages
(``/cgi-bin/message/subscribe/bizsend``), over plain HTTPS (httpx).

The access token comes from ``/cgi-bin/stable_token``, which hands every caller the same token
until it expires (the older ``/cgi-bin/token`` would make several workers invalidate each
other's), and is cached until shortly before it expires. A token WeChat calls invalid or
expired is fetched again once. Template messages carry the outbox id as ``client_msg_id``, which
WeChat uses to send a repeated message once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
from django.core.cache import cache

from ..providers import PermanentError, Provider, RetryLater
from . import common

if TYPE_CHECKING:
    from ..models import OutboxMessage, ProviderConfig

#: -1 busy; 45009 / 45011 / 45047 call quotas (per day, per minute, per user).
RETRY_CODES = {-1, 45009, 45011, 45047, 45015}
#: 40001 / 40014 / 42001: the token is invalid or expired — fetch a new one, try once more.
TOKEN_CODES = {40001, 40014, 42001}
#: Credentials (40013 AppID, 40125 AppSecret, 40164 this server's address not on the list,
#: 48001 the account may not use the API), the recipient (40003 openid, 43004 unfollowed,
#: 43101 refused subscribe messages), the template (40037, 47003 its data).
DEAD_CODES = {40013, 40125, 40164, 48001, 40003, 43004, 43101, 40037, 47003, 41030}
#: Seconds before WeChat's expiry that a cached token is no longer used.
TOKEN_MARGIN = 300


class WeChatProvider(Provider):
    name = "wechat_mp"

    def __init__(self, channel: str, config: ProviderConfig | None = None) -> None:
        super().__init__(channel, config)
        if config is None or not config.app_id or not config.secret:
            raise PermanentError("the Official Account has no AppID or AppSecret")
        self._http = httpx.Client(timeout=common.timeout())
        self._base = common.endpoint("NOTIFY_WECHAT_API_URL")

    def close(self) -> None:
        self._http.close()

    def _cache_key(self) -> str:
        assert self.config is not None
        return f"notify:wechat-token:{self.config.app_id}"

    def _token(self, *, fresh: bool = False) -> str:
        assert self.config is not None
        if not fresh:
            cached = cache.get(self._cache_key())
            if cached:
                return str(cached)
        response = self._http.post(
            f"{self._base}/cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self.config.app_id,
                "secret": self.config.secret,
                "force_refresh": False,
            },
        )
        response.raise_for_status()
        answer = response.json()
        token = answer.get("access_token")
        if not token:
            raise _error(answer)
        lifetime = int(answer.get("expires_in", 7200)) - TOKEN_MARGIN
        cache.set(self._cache_key(), token, timeout=max(lifetime, 60))
        return str(token)

    def _payload(self, message: OutboxMessage) -> tuple[str, dict[str, Any]]:
        assert self.config is not None
        template, entry = common.template_for(self.config, message)
        data = {name: {"value": value} for name, value in common.template_params(entry, message)}
        if entry.get("api") == "subscribe":
            payload: dict[str, Any] = {"touser": message.address, "template_id": template}
            payload["data"] = data
            if message.url:
                payload["page"] = message.url
            return "/cgi-bin/message/subscribe/bizsend", payload
        payload = {
            "touser": message.address,
            "template_id": template,
            "data": data,
            "client_msg_id": f"outbox-{message.pk}",
        }
        if message.url:
            payload["url"] = message.url
        return "/cgi-bin/message/template/send", payload

    def send(self, message: OutboxMessage) -> str:
        path, payload = self._payload(message)
        answer: dict[str, Any] = {}
        for fresh in (False, True):
            response = self._http.post(
                f"{self._base}{path}",
                params={"access_token": self._token(fresh=fresh)},
                json=payload,
            )
            response.raise_for_status()
            answer = response.json()
            code = int(answer.get("errcode", 0))
            if code == 0:
                return str(answer.get("msgid", ""))
            if code not in TOKEN_CODES:
                break
            cache.delete(self._cache_key())
        raise _error(answer)


def _error(answer: dict[str, Any]) -> Exception:
    code = int(answer.get("errcode", -1))
    shown = f"{code}: {answer.get('errmsg', '')}"
    if code in RETRY_CODES:
        return RetryLater(shown, whole_provider=code != 45047)
    if code in DEAD_CODES:
        return PermanentError(shown)
    return common.ProviderError(shown)
