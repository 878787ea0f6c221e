from __future__ import annotations

from datetime import datetime
from typing import Any

from propdesk.core import clock

from .models import AuditAction, AuditLog


def audit(
    user: Any,
    action: AuditAction,
    *,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        at=clock.resolve(now),
        user=user if getattr(user, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        ip=ip,
    )
