"""The gateways Chinese property companies use (SPEC §10), one module each, configured per
company in the admin (``models.ProviderConfig``): Alibaba Cloud SMS and Tencent Cloud SMS
through their official SDKs, the WeCom group robot and WeChat Official Account messages over
plain HTTPS (httpx). Each turns the provider's answer into sent, :class:`RetryLater` or
:class:`PermanentError` with the provider's own code and words (``common.py``), and passes the
outbox id as the provider's out-id where it has one.

Where each one sends to comes from settings (``NOTIFY_ALIYUN_SMS_ENDPOINT`` …), so the tests
point the real SDKs at a local server that speaks the provider's protocol.
"""
