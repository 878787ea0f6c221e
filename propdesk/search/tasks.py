"""Background entry points of the search app (thin wrappers over services)."""

from __future__ import annotations

from django_tasks import task

from propdesk.org.models import Company

from . import services


@task()
def reindex_company_residents(company_code: str) -> None:
    """Index a company's residents again (after a company import wrote them in bulk)."""
    company = Company.objects.filter(code=company_code).first()
    if company is not None:
        services.reindex_residents(company_id=company.pk)
