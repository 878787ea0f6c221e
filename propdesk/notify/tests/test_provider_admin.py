"""A company's gateways in the admin: the secret is written, never shown back (已设置), and a
blank field keeps it."""

from django.test import Client

from propdesk.notify.models import ProviderConfig
from propdesk.org.models import User

TEMPLATES = '{"ticket_resolved": {"template": "SMS_1", "params": ["number"]}}'


def _form(world, **fields):
    return {
        "company": world.company.pk, "project": "", "kind": "aliyun_sms", "is_active": "on",
        "key_id": "LTAI5tAccessKeyId", "secret": "", "app_id": "", "sign_name": "华宇物业",
        "region": "", "templates": TEMPLATES,
        **fields,
    }  # fmt: skip


def test_the_secret_is_write_only_and_a_blank_field_keeps_it(world):
    root = User.objects.create_superuser("root", "root@huayu.example", "pw-root")
    client = Client()
    client.force_login(root)

    missing = client.post("/admin/notify/providerconfig/add/", _form(world))
    assert missing.status_code == 200 and "请填写密钥" in missing.content.decode()

    added = client.post("/admin/notify/providerconfig/add/", _form(world, secret="s3cret-value"))
    assert added.status_code == 302
    config = ProviderConfig.objects.get()
    assert config.secret == "s3cret-value"

    page = client.get(f"/admin/notify/providerconfig/{config.pk}/change/").content.decode()
    listing = client.get("/admin/notify/providerconfig/").content.decode()
    assert "s3cret-value" not in page and "s3cret-value" not in listing
    assert "已设置" in page and "已设置" in listing

    kept = client.post(
        f"/admin/notify/providerconfig/{config.pk}/change/", _form(world, sign_name="华宇")
    )
    assert kept.status_code == 302
    config.refresh_from_db()
    assert (config.sign_name, config.secret) == ("华宇", "s3cret-value")

    client.post(f"/admin/notify/providerconfig/{config.pk}/change/", _form(world, secret="new"))
    config.refresh_from_db()
    assert config.secret == "new"


def test_bad_templates_and_a_second_sms_gateway_are_refused(world):
    root = User.objects.create_superuser("root", "root@huayu.example", "pw-root")
    client = Client()
    client.force_login(root)
    client.post("/admin/notify/providerconfig/add/", _form(world, secret="a"))

    second = client.post(
        "/admin/notify/providerconfig/add/",
        _form(world, kind="tencent_sms", secret="b", app_id="1400", templates='{"nope": {}}'),
    ).content.decode()

    assert "每个公司只能启用一个短信服务商" in second
    assert "未知事件：nope" in second
    assert ProviderConfig.objects.count() == 1
