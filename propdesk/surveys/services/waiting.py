"""What waits for whom (the list's "waits for me"): the plans and reports a user must act on
now — as the management representative (review a 品质部 plan, approve a department's plan,
review an analysis report), as the general manager (approve a reviewed 品质部 plan), as an
administrator standing in for a title nobody holds, as the organiser of a closed campaign whose
reviewed report waits to be distributed, and as a recipient who has not yet confirmed
receiving a report."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from propdesk.org.choices import OfficerTitle, Role
from propdesk.org.models import CompanyOfficer, User
from propdesk.org.roles import has_role, role_of

from ..choices import CampaignStatus
from ..models import Campaign, ReportDistribution, ReportReceipt
from .access import ORGANISERS, visible_campaigns

MR = OfficerTitle.MANAGEMENT_REPRESENTATIVE
GM = OfficerTitle.GENERAL_MANAGER


def _titles(user: User) -> tuple[Q, Q]:
    """(companies where the user acts as management representative, … as general manager):
    where they hold the title, or — an administrator — where nobody does."""
    held = CompanyOfficer.objects.filter(user__is_active=True)
    mine = held.filter(user=user)

    def acting(title: str) -> Q:
        acts = Q(company_id__in=mine.filter(title=title).values("company_id"))
        if role_of(user) == Role.ADMIN:
            acts |= ~Q(company_id__in=held.filter(title=title).values("company_id"))
        return acts

    return acting(MR), acting(GM)


def waiting_for(user: User) -> QuerySet[Campaign]:
    """The campaigns the user sees that wait for them now."""
    rows = visible_campaigns(user)
    if not user.is_active:
        return rows.none()
    as_mr, as_gm = _titles(user)
    report = ReportDistribution.objects.filter(campaign=OuterRef("pk"))
    closed = Q(status=CampaignStatus.CLOSED)
    wanted: Q = (
        (as_mr & Q(status=CampaignStatus.SUBMITTED))
        | (as_gm & Q(status=CampaignStatus.REVIEWED))
        | (as_mr & closed & ~Q(Exists(report)))
        | Q(
            Exists(
                ReportReceipt.objects.filter(
                    distribution__campaign=OuterRef("pk"), recipient=user, received_at__isnull=True
                )
            )
        )
    )
    if has_role(user, ORGANISERS):
        pending = Q(Exists(report.filter(distributed_at__isnull=True)))
        wanted |= closed & Q(created_by=user) & pending
    return rows.filter(wanted)
