"""Who holds a company's titles (seed 001 篇4): the management representative (管理者代表), the
general manager (总经理) and the deputy general managers (副总经理), as set in the admin
(:class:`~propdesk.org.models.CompanyOfficer`). Only active staff count: a title held by a
deactivated account is a title nobody holds."""

from __future__ import annotations

from .choices import OfficerTitle
from .models import CompanyOfficer, User

__all__ = ["OfficerTitle", "holders", "officer", "titles_of"]


def holders(company_id: int, title: str) -> list[User]:
    """The active people holding ``title`` in the company, in id order."""
    rows = CompanyOfficer.objects.filter(
        company_id=company_id, title=title, user__is_active=True
    ).select_related("user")
    return [row.user for row in rows.order_by("user_id")]


def officer(company_id: int, title: str) -> User | None:
    """The one active holder of a single title (management representative, general manager),
    or None when nobody is designated."""
    people = holders(company_id, title)
    return people[0] if people else None


def titles_of(user: User, company_id: int) -> frozenset[str]:
    """The titles ``user`` holds in the company."""
    return frozenset(
        CompanyOfficer.objects.filter(
            company_id=company_id, user=user, user__is_active=True
        ).values_list("title", flat=True)
    )
