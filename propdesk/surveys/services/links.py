"""Each household's questionnaire link sent to its residents through the outbox (SPEC §10:
residents are told the survey links), in the background after the campaign is issued and
from the first day of its period. A group's campaign reaches hundreds of thousands of
households: the worker sends a slice at a time and books the next slice as a new task, so
time-limit timers and receipts never wait behind it. Residents are reached on their own
channel (SMS, WeChat or email); the same invitation is never sent twice to the same person,
so a slice can run again safely.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from propdesk.core import clock
from propdesk.residents.models import Residency

from ..choices import CampaignStatus, Channel
from ..models import Campaign, Invitation
from ..schemas import link_of

#: Invitations written to the outbox per transaction, and transactions per task.
BATCH = 500
BATCHES_PER_RUN = 20


def public_link(invitation: Invitation) -> str:
    """The link as a resident opens it: PUBLIC_URL (the address residents reach the site at)
    and the invitation's own path."""
    return settings.PUBLIC_URL.rstrip("/") + link_of(invitation)


def first_sending(campaign: Campaign, now: datetime) -> datetime | None:
    """When the links may go out: now, or the first morning of the period if it has not
    begun (a link opened before then only says the survey has not started)."""
    start = timezone.make_aware(datetime.combine(campaign.period_start, time(9, 0)))
    return start if start > now else None


def _batch(campaign: Campaign, after: int) -> list[Invitation]:
    return list(
        Invitation.objects.filter(campaign=campaign, pk__gt=after, response__isnull=True)
        .select_related("room__building", "room__unit")
        .order_by("pk")[:BATCH]
    )


def _items(campaign: Campaign, batch: list[Invitation]) -> list:
    from propdesk.notify.choices import Event
    from propdesk.notify.services import Outgoing

    living = defaultdict(list)
    for residency in (
        Residency.objects.filter(room_id__in=[i.room_id for i in batch], is_active=True)
        .select_related("resident")
        .order_by("resident_id")
    ):
        living[residency.room_id].append(residency.resident)
    return [
        Outgoing(
            event=Event.SURVEY_INVITATION,
            recipients=living[invitation.room_id],
            key=f"survey:{invitation.pk}",
            context={
                "company": campaign.company.name,
                "campaign": campaign.name,
                "period_end": campaign.period_end,
                # A resident of two homes gets two links: each says which home it is for.
                "room": invitation.room.label,
                "link": public_link(invitation),
            },
            url=public_link(invitation),
        )
        for invitation in batch
    ]


def send_links(
    campaign_id: int, *, after: int = 0, batches: int | None = None, now: datetime | None = None
) -> tuple[int, int | None]:
    """Queue the links of unanswered households of an issued link campaign, invitations
    after ``after``, at most ``batches`` slices of :data:`BATCH`. Returns (messages queued,
    the last invitation done when more remain, else None). Stops as soon as the campaign is
    no longer issued (closed meanwhile) and sends nothing for a paper campaign."""
    from propdesk.notify.services import queue_many

    at = clock.resolve(now)
    queued = 0
    for _ in range(batches or 10**9):
        campaign = Campaign.objects.select_related("company").filter(pk=campaign_id).first()
        if campaign is None or campaign.status != CampaignStatus.ISSUED:
            return queued, None
        batch = _batch(campaign, after)
        if not batch:
            return queued, None
        if batch[0].channel != Channel.LINK:
            return queued, None  # a campaign is issued one way, every household alike
        with transaction.atomic():
            queued += queue_many(_items(campaign, batch), now=at)
        if len(batch) < BATCH:
            return queued, None  # that was the last of them
        after = batch[-1].pk
    return queued, after
