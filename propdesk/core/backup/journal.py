"""Backups and restores in the audit log (SPEC §11: nothing is silently lost or replaced)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import DatabaseError, connections, transaction

from propdesk.core.audit import audit
from propdesk.core.models import AuditAction

from .tables import list_tables


def audit_run(
    using: str, action: AuditAction, object_id: str, detail: dict[str, Any], at: datetime
) -> bool:
    """Write one entry for a backup or restore run; False when the database has no audit log
    (an empty or foreign database a restore refused) or it could not be written (a restored
    database older than this code, before ``propdesk migrate``)."""
    connection = connections[using]
    if "core_auditlog" not in list_tables(connection.vendor, connection.cursor):
        return False
    try:
        with transaction.atomic(using=using):
            audit(
                None, action, object_type="backup", object_id=object_id[:64], detail=detail, now=at
            )
    except DatabaseError:
        return False
    return True
