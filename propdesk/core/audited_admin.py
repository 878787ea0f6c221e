"""Admin screens whose every change is written to the audit log with before and after
(SPEC §11): staff roles, scopes and permissions, and the rules the clocks, grades and
escalations follow (time limits, grade rules, escalation policies, calendars).

The admin is where these are changed (nothing else in PropDesk edits them but the calendar
import, which audits itself): one mixin, one place per model. The row is written in the admin's
own transaction, so a refused save leaves no audit row and a saved one always has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.http import HttpRequest

from .audit import audit_change, snapshot
from .models import AuditAction
from .requests import client_ip


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request)


class AuditedAdmin:
    """Mix into a ``ModelAdmin`` (first among its bases): adding, changing (many-to-many and
    inline rows included) and deleting an object writes one audit row each."""

    audit_action: str = AuditAction.CONFIG_CHANGE
    #: The fields recorded; empty: every field but the primary key.
    audit_fields: Sequence[str] = ()

    def get_audit_fields(self) -> list[str]:
        if self.audit_fields:
            return list(self.audit_fields)
        opts = self.model._meta
        return [f.name for f in [*opts.concrete_fields, *opts.many_to_many] if not f.primary_key]

    def audit_snapshot(self, obj: models.Model) -> dict[str, Any]:
        """What is recorded of ``obj``; an admin may add what its inlines hold."""
        return snapshot(obj, self.get_audit_fields())

    def _pending(self, request: HttpRequest) -> dict[tuple[str, Any], dict]:
        return request.__dict__.setdefault("_audit_before", {})

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                key = (obj._meta.label, obj.pk)
                self._pending(request)[key] = self.audit_snapshot(stored)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # After the many-to-many fields and the inlines are saved: the whole change at once.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = self._pending(request).pop((obj._meta.label, obj.pk), None)
        audit_change(
            request.user, self.audit_action, obj, before, self.audit_snapshot(obj), ip=_ip(request)
        )

    def delete_model(self, request, obj):
        before, pk = self.audit_snapshot(obj), obj.pk
        super().delete_model(request, obj)
        audit_change(request.user, self.audit_action, obj, before, None, ip=_ip(request),
                     object_id=pk)  # fmt: skip

    def delete_queryset(self, request, queryset):
        gone = [(obj, obj.pk, self.audit_snapshot(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk, before in gone:
            audit_change(request.user, self.audit_action, obj, before, None, ip=_ip(request),
                         object_id=pk)  # fmt: skip
