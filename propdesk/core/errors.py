"""Errors raised by services, each mapped to one HTTP status by the API.

Messages are written for a person: they say what was wrong and, where it is a field, name it.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a business rule refused the action."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        #: Every refusal of the same request when several were found at once (registration
        #: names all the fields to correct), this one first; raised as this one.
        self.errors: list[DomainError] = [self]

    def as_dict(self) -> dict:
        data = {"detail": self.message, "code": self.code}
        if self.field:
            data["field"] = self.field
        if len(self.errors) > 1:
            data["errors"] = [{"field": e.field or "", "detail": e.message} for e in self.errors]
        return data


class InvalidInput(DomainError):
    """Bad input: a field is missing, malformed or refers to something that does not exist."""

    status_code = 400
    code = "invalid_input"


class PermissionDenied(DomainError):
    """The user's role may not do this."""

    status_code = 403
    code = "permission_denied"


class OutOfScope(PermissionDenied):
    """The object lies outside the projects the user works in."""

    code = "out_of_scope"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class InvalidTransition(DomainError):
    """The move is not allowed from the ticket's current state."""

    status_code = 409
    code = "invalid_transition"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class NotAuthenticated(DomainError):
    """Wrong user name or password, or the account is locked."""

    status_code = 401
    code = "not_authenticated"
