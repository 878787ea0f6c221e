"""The error answer every API operation gives (DomainError → 400/403/404/409), one shape for all
apps: ``propdesk.api`` renders it, each router names it in its responses."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class FieldErrorOut(Schema):
    field: str
    detail: str


class ErrorOut(Schema):
    detail: str
    code: str | None = None
    field: str | None = None
    errors: list[FieldErrorOut] | None = Field(
        None,
        description="when several fields are refused at once (registration): each with its "
        "message; detail and field are the first's",
    )
