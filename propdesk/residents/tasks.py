"""Background entry points of the import page (thin wrappers over onboarding.jobs)."""

from __future__ import annotations

from django_tasks import task

from .onboarding import jobs


@task()
def check_company_import(pk: int) -> None:
    """The dry run of an uploaded company file; its report is kept on the import."""
    jobs.check(pk)


@task()
def apply_company_import(pk: int) -> None:
    """Write a checked company file, all or nothing."""
    jobs.apply(pk)
