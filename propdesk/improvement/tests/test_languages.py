"""The actions' pages render in zh-Hans and in English, and in English no interface text is left
in Chinese: what remains must be data (names, causes, measures), taken out before looking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.console.tests.test_languages import data_strings, untranslated
from propdesk.improvement import services
from propdesk.improvement.models import CorrectiveAction
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import earlier

pytestmark = pytest.mark.django_db


def test_the_action_pages_speak_english(client, world):
    ticket = register(world, earlier())
    now = timezone.now()
    action = services.open_action(
        world.supervisor, services.Source("ticket", ticket=ticket.number),
        owner_id=world.handler.pk, verifier_id=world.quality.pk, cause="巡查不到位",
        measure="每日巡查两次", due_on=timezone.localdate(), now=now,
    )  # fmt: skip
    services.sweep(now=now + timedelta(days=2))  # overdue and escalated
    other = services.open_action(
        world.supervisor, services.Source("other"), project_id=world.project.pk,
        owner_id=world.handler.pk, cause="原因", measure="措施乙",
        due_on=timezone.localdate() + timedelta(days=3), now=now,
    )  # fmt: skip
    services.mark_done(world.handler, other.pk, note="已完成", now=now)
    data = sorted(
        {*data_strings(), *CorrectiveAction.objects.values_list("cause", flat=True),
         *CorrectiveAction.objects.values_list("measure", flat=True), "已完成"},
        key=len, reverse=True,
    )  # fmt: skip
    from propdesk.org.models import User

    root = User.objects.create_superuser("root", password="pw-root", company=world.company)
    paths = [
        "/actions/",
        "/actions/?overdue=yes&mine=yes&status=open&source=ticket",
        "/actions/new/",
        f"/actions/new/?source=ticket&ticket={ticket.number}",
        f"/actions/{action.pk}/",
        f"/actions/{other.pk}/",
        f"/tickets/{ticket.number}/",
        "/admin/improvement/",
        "/admin/improvement/correctiveaction/",
        f"/admin/improvement/correctiveaction/{action.pk}/change/",
    ]
    problems = {}
    for path in paths:
        client.force_login(root if path.startswith("/admin/") else world.admin)
        chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert chinese.status_code == english.status_code == 200, path
        left = untranslated(english.content.decode(), data)
        if left:
            problems[path] = left
    assert not problems, problems
