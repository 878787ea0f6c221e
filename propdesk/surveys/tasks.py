"""Background work of the surveys: sending the questionnaire links of an issued campaign."""

from __future__ import annotations

from django_tasks import task


@task()
def send_survey_links(campaign_id: int) -> int:
    from .services.links import send_links

    return send_links(campaign_id)
