"""What the gateway tests share: a company's gateway settings (the local server that speaks
each provider's protocol is the ``local_endpoints`` fixture in conftest.py)."""

from __future__ import annotations

from propdesk.notify.models import ProviderConfig

RECEIPT_TEMPLATE = {
    "ticket_registered_receipt": {
        "template": "SMS_4614001",
        "params": [["number", "number"], ["time", "reply_by"]],
    },
    "ticket_resolved": {"template": "SMS_4614002", "params": ["number"]},
}


def gateway(world, kind: str, **fields) -> ProviderConfig:
    defaults = {
        "aliyun_sms": {"key_id": "LTAI5tAccessKeyId", "secret": "aliyun-secret",
                       "sign_name": "华宇物业", "templates": RECEIPT_TEMPLATE},
        "tencent_sms": {"key_id": "AKIDtencentSecretId", "secret": "tencent-secret",
                        "app_id": "1400787878", "sign_name": "华宇物业",
                        "templates": {"ticket_registered_receipt": {
                            "template": "449739", "params": ["number", "reply_by"]}}},
        "wecom_robot": {"secret": "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
                        "project": world.project},
        "wechat_mp": {"app_id": "wx8888888888888888", "secret": "wechat-app-secret",
                      "templates": {"ticket_registered_receipt": {
                          "template": "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
                          "params": [["keyword1", "number"], ["keyword2", "reply_by"]]}}},
    }[kind]  # fmt: skip
    config = ProviderConfig(company=world.company, kind=kind, **{**defaults, **fields})
    config.full_clean()
    config.save()
    return config
