"""Background work of the surveys: sending the questionnaire links of an issued campaign."""

from __future__ import annotations

from django_tasks import task


@task()
def send_survey_links(campaign_id: int, after: int = 0) -> int:
    """One slice of a campaign's links; the next slice is booked as its own task."""
    from .services.links import BATCHES_PER_RUN, send_links

    queued, last = send_links(campaign_id, after=after, batches=BATCHES_PER_RUN)
    if last is not None:
        send_survey_links.enqueue(campaign_id, last)
    return queued
