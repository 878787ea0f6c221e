# The corrective actions opened from survey results (surveys.CorrectiveAction) become actions of
# this app with the same ids, source "survey_item"; their history (the campaign's ACTION_*
# events) is copied to each action's own. The clock's moments are the end and the start of the
# due day; an open action already past its day is breached (and escalated) by the clock's first
# sweep, as any newly overdue action.

from datetime import datetime, time, timedelta

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

KINDS = {
    "action_opened": "opened",
    "action_done": "done",
    "action_verified": "verified",
    "action_rejected": "rejected",
}


def copy(apps, schema_editor):
    Old = apps.get_model("surveys", "CorrectiveAction")
    New = apps.get_model("improvement", "CorrectiveAction")
    Event = apps.get_model("improvement", "ActionEvent")
    CampaignEvent = apps.get_model("surveys", "CampaignEvent")
    copied = []
    for old in Old.objects.select_related("project").order_by("pk"):
        due_at = timezone.make_aware(datetime.combine(old.due_on + timedelta(days=1), time.min))
        copied.append(New(
            pk=old.pk, company_id=old.project.company_id, project_id=old.project_id,
            kind="corrective", source="survey_item", campaign_id=old.campaign_id,
            item_id=old.item_id, owner_id=old.owner_id, cause=old.cause, measure=old.measure,
            due_on=old.due_on, due_at=due_at, warn_at=due_at - timedelta(days=1),
            status=old.status, opened_by_id=old.opened_by_id, opened_at=old.opened_at,
            done_at=old.done_at, done_note=old.done_note,
            verification_note=old.verification_note, verified_by_id=old.verified_by_id,
            verified_at=old.verified_at,
        ))  # fmt: skip
    New.objects.bulk_create(copied, batch_size=500)
    ids = {a.pk for a in copied}
    events = []
    for e in CampaignEvent.objects.filter(kind__in=list(KINDS)).order_by("at", "pk"):
        action_id = (e.data or {}).get("action")
        if action_id in ids:
            events.append(Event(
                action_id=action_id, kind=KINDS[e.kind], actor_id=e.actor_id, at=e.at,
                note=e.note, data={"campaign_event": e.pk},
            ))  # fmt: skip
    Event.objects.bulk_create(events, batch_size=500)
    # Rows written with their ids: the next new action must come after them (PostgreSQL).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New, Event]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0001_initial"),
        ("surveys", "0001_surveys"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
