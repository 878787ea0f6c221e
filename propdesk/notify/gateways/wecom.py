"""A WeCom (企业微信) group robot: a project's staff group hears of new urgent requests,
breaches and escalations. One HTTPS POST to the robot's webhook with its key; no approval is
needed to add a robot to a group, which is why staff alerts go this way.

The robot has no idempotency key: a message sent twice (a worker killed between the robot's
"ok" and our record) shows twice in the group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from ..providers import PermanentError, Provider, RetryLater
from . import common

if TYPE_CHECKING:
    from ..models import OutboxMessage, ProviderConfig

#: WeCom's error codes: -1 busy, 45009 more than 20 messages a minute to the robot.
RETRY_CODES = {-1, 45009, 45033}
#: 93000 the webhook key is wrong, 93004 the robot was removed, 93008 not in the group,
#: 40008 / 40058 / 44004 a message WeCom cannot take.
DEAD_CODES = {93000, 93004, 93008, 40008, 40058, 44004, 40003}
#: A robot takes at most 2,048 bytes of text.
TEXT_BYTES = 2048


class WeComRobotProvider(Provider):
    name = "wecom_robot"

    def __init__(self, channel: str, config: ProviderConfig | None = None) -> None:
        super().__init__(channel, config)
        if config is None or not config.secret:
            raise PermanentError("the WeCom robot has no webhook key")
        self._http = httpx.Client(timeout=common.timeout())

    def close(self) -> None:
        self._http.close()

    def send(self, message: OutboxMessage) -> str:
        assert self.config is not None
        text = f"{message.subject}\n{message.body}"
        if message.url:
            text += f"\n{message.url}"
        content = text.encode()[:TEXT_BYTES].decode(errors="ignore")
        response = self._http.post(
            common.endpoint("NOTIFY_WECOM_WEBHOOK_URL"),
            params={"key": self.config.secret},
            json={"msgtype": "text", "text": {"content": content}},
        )
        response.raise_for_status()  # a 5xx or a proxy's page: retried with backoff
        answer = response.json()
        code = int(answer.get("errcode", -1))
        if code == 0:
            return f"wecom:{message.pk}"
        shown = f"{code}: {answer.get('errmsg', '')}"
        if code in RETRY_CODES:
            raise RetryLater(shown, whole_provider=True)
        if code in DEAD_CODES:
            raise PermanentError(shown)
        raise common.ProviderError(shown)
