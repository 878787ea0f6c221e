"""``POST /auth/token``: a program signs in with a user name and password and gets a bearer
token, through org.logins.sign_in like the console and the admin (same counters and locks)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from propdesk.core.audit import audit
from propdesk.core.models import AuditAction
from propdesk.core.requests import client_ip
from propdesk.core.schemas import ErrorOut

from .logins import sign_in
from .services import create_api_token

router = Router(tags=["organisation"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: str = Field("", max_length=100, description="What the token is for")


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer …`; it is shown only once")
    username: str
    name: str


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    summary="Create an API token with a user name and password",
    description="Failed attempts count towards the same lockout as the console and admin "
    "logins: 429 while the account or the calling address is locked.",
)
def create_token(request: HttpRequest, payload: TokenIn):
    ip = client_ip(request)
    user = sign_in(payload.username, payload.password, ip=ip)
    key = create_api_token(user, name=payload.name)
    audit(user, AuditAction.TOKEN_CREATED, object_type="user", object_id=user.pk, ip=ip,
          detail={"name": payload.name})  # fmt: skip
    return Status(201, {"token": key, "username": user.username, "name": payload.name})
