"""Each household's questionnaire link sent to its residents through the outbox (SPEC §10:
residents are told the survey links), in the background after the campaign is issued: a
group's campaign reaches hundreds of thousands of households, more than one request should
write. Residents are reached on their own channel (SMS, WeChat or email); the same
invitation is never sent twice to the same person, so the run can be repeated safely.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db import transaction

from propdesk.core import clock
from propdesk.residents.models import Residency

from ..choices import CampaignStatus, Channel
from ..models import Campaign, Invitation
from ..schemas import link_of

#: Invitations written to the outbox per transaction.
BATCH = 500


def public_link(invitation: Invitation) -> str:
    """The link as a resident opens it: PUBLIC_URL (the address residents reach the site at)
    and the invitation's own path."""
    return settings.PUBLIC_URL.rstrip("/") + link_of(invitation)


def _batches(campaign: Campaign) -> Iterator[list[Invitation]]:
    last = 0
    while True:
        batch = list(
            Invitation.objects.filter(
                campaign=campaign, pk__gt=last, response__isnull=True
            ).order_by("pk")[:BATCH]
        )
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def send_links(campaign_id: int, *, now: datetime | None = None) -> int:
    """Queue the link of every unanswered household of an issued link campaign for its
    residents; returns how many messages were queued (none for a paper campaign, a closed
    one, or households already told)."""
    from propdesk.notify.choices import Event
    from propdesk.notify.services import Outgoing, queue_many

    at = clock.resolve(now)
    campaign = Campaign.objects.select_related("company").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.ISSUED:
        return 0
    queued = 0
    for batch in _batches(campaign):
        if batch[0].channel != Channel.LINK:
            return 0  # a campaign is issued one way, every household alike
        living = defaultdict(list)
        for residency in (
            Residency.objects.filter(room_id__in=[i.room_id for i in batch], is_active=True)
            .select_related("resident")
            .order_by("resident_id")
        ):
            living[residency.room_id].append(residency.resident)
        items = [
            Outgoing(
                event=Event.SURVEY_INVITATION,
                recipients=living[invitation.room_id],
                key=f"survey:{invitation.pk}",
                context={
                    "company": campaign.company.name,
                    "campaign": campaign.name,
                    "period_end": campaign.period_end,
                    "link": public_link(invitation),
                },
                url=public_link(invitation),
            )
            for invitation in batch
        ]
        with transaction.atomic():
            queued += queue_many(items, now=at)
    return queued
