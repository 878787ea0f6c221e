"""Where the index hears of changes the ticket lifecycle does not publish (infrastructure: the
index follows the rows, no business rule lives here):

- a case: every change of a case writes a CaseVersion after its scenarios are written
  (knowledge.services._record), so a new version is the moment its text is final;
- a resident: saved, or linked to or unlinked from a room (their rooms are searched);
- a company import (residents.onboarding) writes residents in bulk, without ``save()``: its
  audit row books a task that indexes the company's residents again after the commit.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _case_version_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from .services import index_case

        index_case(instance.case_id)


def _resident_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        from .services import index_resident

        index_resident(instance.pk)


def _residency_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        from .services import index_resident

        index_resident(instance.resident_id)


def _audit_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    from propdesk.core.models import AuditAction

    if not created or raw or instance.action != AuditAction.IMPORT:
        return
    code = (instance.detail or {}).get("company")
    if code:
        from .tasks import reindex_company_residents

        transaction.on_commit(lambda: reindex_company_residents.enqueue(code))


def connect() -> None:
    from propdesk.core.models import AuditLog
    from propdesk.knowledge.models import CaseVersion
    from propdesk.residents.models import Residency, Resident

    uid = "propdesk.search."
    post_save.connect(_case_version_saved, CaseVersion, dispatch_uid=uid + "case")
    post_save.connect(_resident_saved, Resident, dispatch_uid=uid + "resident")
    post_save.connect(_residency_changed, Residency, dispatch_uid=uid + "residency")
    post_delete.connect(_residency_changed, Residency, dispatch_uid=uid + "residency.gone")
    post_save.connect(_audit_saved, AuditLog, dispatch_uid=uid + "import")
