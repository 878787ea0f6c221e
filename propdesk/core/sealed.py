"""Secrets stored sealed (encrypted) in the database: a provider's AccessKey secret, AppSecret or
robot key must not be readable from a backup or a database dump (SPEC §10, issue 19).

Fernet (the ``cryptography`` package, already installed for the SMS SDKs): authenticated
encryption with a timestamp, the well-kept recipe for exactly this. The key is derived from
``SEALING_KEY`` (environment), else from ``SECRET_KEY``; ``SEALING_KEY_FALLBACKS`` lists older
keys still accepted for reading, so a key can be rotated: set the new one, keep the old as a
fallback, run ``propdesk reseal``, then drop the fallback.

A stored value is ``fernet:<token>``. A value without the prefix (written before sealing
existed) is read as it is and sealed on its next save; the migration seals them at once.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


def _fernet_key(material: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"propdesk sealed fields"
    ).derive(material.encode())
    return base64.urlsafe_b64encode(derived)


def _keys() -> MultiFernet:
    first = getattr(settings, "SEALING_KEY", "") or settings.SECRET_KEY
    older = [k for k in getattr(settings, "SEALING_KEY_FALLBACKS", []) if k]
    return MultiFernet([Fernet(_fernet_key(k)) for k in (first, *older)])


def seal(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + _keys().encrypt(plain.encode()).decode()


def unseal(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return _keys().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as wrong_key:
        raise ImproperlyConfigured(
            "A sealed secret cannot be opened with SEALING_KEY (or SECRET_KEY): the key "
            "changed. Set the old key in SEALING_KEY_FALLBACKS, or enter the secret again."
        ) from wrong_key


def reseal(stored: str) -> str:
    """The value sealed with the current key (a rotation, or a value stored in clear)."""
    return seal(unseal(stored))


class SealedCharField(models.TextField):
    """A text field whose value is sealed in the database and plain in Python."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return unseal(value) if value is not None else ""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or str(value).startswith(PREFIX):
            return value
        return seal(str(value))
