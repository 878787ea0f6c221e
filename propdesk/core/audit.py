"""Writing the audit log (SPEC §11): logins, permission changes, data exports, phone reveals,
and changes to the rules the clocks and grades follow — each change with its before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models

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


def _named(obj: models.Model) -> dict[str, Any]:
    return {"id": obj.pk, "name": str(obj)}


def _plain(value: Any) -> Any:
    """A field's value as JSON keeps it, readable in the log."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return _named(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` of ``obj`` as stored: a related object as its id and name,
    a many-to-many field as the sorted list of those."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = [_named(o) for o in getattr(obj, name).order_by("pk")] if obj.pk else []
        elif field.many_to_one or field.one_to_one:
            related = getattr(obj, name)
            values[name] = _named(related) if related is not None else None
        else:
            values[name] = _plain(field.value_from_object(obj))
    return values


def audit_change(
    user: Any,
    action: AuditAction,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    ip: str | None = None,
    object_id: str | int | None = None,
    now: datetime | None = None,
) -> AuditLog | None:
    """One row for a created (``before`` None), changed or deleted (``after`` None) object,
    with both sides and the names of the fields that differ; nothing when nothing differs."""
    old, new = before or {}, after or {}
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    if before is not None and after is not None and not changed:
        return None
    return audit(
        user,
        action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk if object_id is None else object_id,
        detail={
            "object": str(obj)[:200],
            "operation": "create" if before is None else "delete" if after is None else "change",
            "changed": changed,
            "before": before,
            "after": after,
        },
        ip=ip,
        now=now,
    )
