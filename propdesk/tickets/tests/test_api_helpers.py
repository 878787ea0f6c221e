"""Shared shortcuts for the HTTP API tests (no tests here).

Tests talk to the API the way a program does: a bearer token per user and JSON bodies. The
API reads the real clock, so tickets made through the service helpers are placed an hour in the
past (``earlier``) and deadlines in bodies are relative to ``timezone.now()``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from propdesk.org.services import create_api_token

API = "/api/v1"


class ApiClient:
    """A test client that sends one user's bearer token and JSON bodies."""

    def __init__(self, user=None, token: str | None = None) -> None:
        if token is None and user is not None:
            token = create_api_token(user, name="tests")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = Client(headers=headers)
        self.user = user

    def get(self, path: str, params: dict[str, Any] | None = None, **extra):
        return self.client.get(API + path, params or {}, **extra)

    def post(self, path: str, body: Any = None, **extra):
        return self.client.post(
            API + path,
            json.dumps(body if body is not None else {}, default=str),
            content_type="application/json",
            **extra,
        )

    def act(self, number: str, action: str, **body):
        return self.post(f"/tickets/{number}/actions/{action}", body)


def earlier() -> datetime:
    """An hour ago: tickets made by the service helpers there precede every API call."""
    return timezone.now() - timedelta(hours=1)


def later(**delta) -> str:
    """An aware ISO time in the future, e.g. a dispatch deadline."""
    return (timezone.now() + timedelta(**delta)).isoformat()


def phone_complaint(world, **overrides) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "3栋2单元电梯停在12楼不动,按钮没反应",
        "resident_id": world.resident.pk,
        "room_id": world.room.pk,
        "expectation": "今天之内修好",
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """The ``world`` fixture makes a dozen users: PBKDF2 would spend seconds on them.

    Import it into an API test module (``from … import quick_password_hashing  # noqa: F401``).
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
