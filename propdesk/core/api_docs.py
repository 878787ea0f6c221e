"""The error answers in the OpenAPI document: every operation lists the refusals it may give.

Any operation may refuse bad input (400, or 422 when the request does not match the schema),
the caller's role or scope (403) or an unknown id (404); one behind a login may answer 401,
and a change may meet a conflicting state (409). The views raise these through the API's
exception handlers (propdesk.api), so their bodies have one shape: ``ErrorOut``, and for 422
``ValidationErrorOut`` with every field's error. Listing them lets a client (and schemathesis's
status code check) know each answer it can get.
"""

from __future__ import annotations

from typing import Any

ERROR_OUT = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "code": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Code"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Field"},
    },
    "required": ["detail"],
}

VALIDATION_ERROR_OUT = {
    "title": "ValidationErrorOut",
    "type": "object",
    "properties": {
        **ERROR_OUT["properties"],
        "errors": {
            "title": "Errors",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "title": "Field"},
                    "message": {"type": "string", "title": "Message"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail", "code", "field", "errors"],
}

DESCRIPTIONS = {
    400: "Bad input: `detail` says what, `field` names the field",
    401: "Not logged in and no valid API token",
    403: "Not allowed for your role or outside your scope",
    404: "Not found",
    409: "Not possible in the current state",
    422: "The request does not match the schema: `errors` lists every field",
}

WRITES = {"post", "put", "patch", "delete"}


def _answer(status: int) -> dict[str, Any]:
    name = "ValidationErrorOut" if status == 422 else "ErrorOut"
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def document_error_answers(document: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers each operation may give, where it does not list them itself."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ERROR_OUT)
    schemas.setdefault("ValidationErrorOut", VALIDATION_ERROR_OUT)
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = [400, 403, 404, 422]
            if operation.get("security"):
                statuses.append(401)
            if method in WRITES:
                statuses.append(409)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                if status not in responses and str(status) not in responses:
                    responses[status] = _answer(status)
    return document
