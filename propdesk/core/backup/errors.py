"""Errors of ``propdesk backup`` and ``propdesk restore``: a message for the operator."""

from __future__ import annotations

from propdesk.core.errors import DomainError


class BackupError(DomainError):
    """The backup or restore could not be made; nothing was written (or, for a restore that
    had started, what was written is named in the message)."""

    code = "backup"


class RestoreRefused(BackupError):
    """The target database or media folder is not empty (and ``--force`` was not given)."""

    code = "restore_refused"
