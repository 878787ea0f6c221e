"""Provider secrets are sealed in the database and readable only with the key (core/sealed.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from propdesk.core import sealed
from propdesk.notify.models import ProviderConfig

pytestmark = pytest.mark.django_db


def _stored(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notify_providerconfig WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _provider(world, secret: str) -> ProviderConfig:
    return ProviderConfig.objects.create(
        company=world.company, kind="aliyun_sms", key_id="LTAI5t", secret=secret
    )


def test_a_secret_is_sealed_in_the_database_and_plain_in_the_app(world):
    row = _provider(world, "s3cr3t-AccessKey")
    stored = _stored(row.pk)
    assert stored.startswith("fernet:") and "s3cr3t" not in stored
    assert ProviderConfig.objects.get(pk=row.pk).secret == "s3cr3t-AccessKey"


def test_a_secret_stored_in_clear_before_sealing_is_still_read_and_sealed_on_resave(world):
    row = _provider(world, "")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE notify_providerconfig SET secret = %s WHERE id = %s", ["old-clear", row.pk]
        )
    assert ProviderConfig.objects.get(pk=row.pk).secret == "old-clear"
    call_command("reseal_secrets")
    assert _stored(row.pk).startswith("fernet:")
    assert ProviderConfig.objects.get(pk=row.pk).secret == "old-clear"


def test_a_rotated_key_reads_with_the_fallback_and_reseal_moves_to_the_new_key(world, settings):
    settings.SEALING_KEY = "old-key"
    row = _provider(world, "robot-key-1")
    settings.SEALING_KEY = "new-key"
    with pytest.raises(ImproperlyConfigured, match="SEALING_KEY"):
        ProviderConfig.objects.get(pk=row.pk)
    settings.SEALING_KEY_FALLBACKS = ["old-key"]
    assert ProviderConfig.objects.get(pk=row.pk).secret == "robot-key-1"
    call_command("reseal_secrets")
    settings.SEALING_KEY_FALLBACKS = []
    assert ProviderConfig.objects.get(pk=row.pk).secret == "robot-key-1"


def test_sealing_nothing_stores_nothing():
    assert sealed.seal("") == "" and sealed.unseal("") == ""
    assert sealed.unseal(sealed.reseal("x")) == "x"
