"""The local HTTP server (pytest-httpserver) the gateway tests point each real SDK or HTTP
client at, through the endpoint settings."""

import pytest


@pytest.fixture
def local_endpoints(httpserver, settings):
    base = httpserver.url_for("").rstrip("/")
    settings.NOTIFY_ALIYUN_SMS_ENDPOINT = base
    settings.NOTIFY_TENCENT_SMS_ENDPOINT = base
    settings.NOTIFY_WECOM_WEBHOOK_URL = f"{base}/cgi-bin/webhook/send"
    settings.NOTIFY_WECHAT_API_URL = base
    settings.NOTIFY_PROVIDER_TIMEOUT = 5
    return httpserver
