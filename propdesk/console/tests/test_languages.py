"""Every console page renders in zh-Hans and in English, and in English no untranslated
interface text is left: what remains in Chinese on an English page must be data (names,
descriptions, places), which the test takes out before looking."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from propdesk.hotissues.detection import detect
from propdesk.hotissues.tests.helpers import report
from propdesk.sla import moves as sla_moves
from propdesk.tickets.tests.helpers import walk

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]+")
#: Apps whose rows are data typed by people (or seeded names shown as data).
DATA_APPS = ("org", "residents", "tickets", "callbacks", "hotissues", "notify", "sla", "worktime")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html_lib.unescape(page)


def data_strings() -> list[str]:
    """Every text value stored in the data tables, longest first."""
    found: set[str] = set()
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            names = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
            ]
            for row in model.objects.values_list(*names) if names else []:
                found.update(v for v in row if isinstance(v, str) and CJK.search(v))
    for room in apps.get_model("residents", "Room").objects.select_related("building", "unit"):
        found.add(room.label)
    return sorted(found, key=len, reverse=True)


#: Each language is offered under its own name, whatever the page's language.
NATIVE_NAMES = ["简体中文"]


def untranslated(page: str, data: list[str]) -> list[str]:
    text = visible_text(page)
    for name in NATIVE_NAMES:
        text = text.replace(name, " ")
    for value in data:
        text = text.replace(value, " ")
        for line in value.splitlines():
            text = text.replace(line.strip(), " ") if line.strip() else text
    return sorted(set(CJK.findall(text)))


@pytest.fixture
def pages(world):
    """A world with something on every page: tickets in several states, a hot issue, a
    callback, a notification."""
    at = timezone.now() - timedelta(hours=2)
    resolved = walk(world, at, "resolved")
    closed = walk(world, at, "closed")
    dispatched = walk(world, at, "dispatched")
    first = report(world, 1, at)
    second = report(world, 2, at + timedelta(minutes=5))
    issue = detect(second.pk, at + timedelta(minutes=5))
    sla_moves.escalate_by_hand(world.agent, first, reason="情绪激动")
    from propdesk.callbacks import visits

    plan = visits.generate_plan(world.supervisor, world.project, 2027)
    from propdesk.stats import reports

    reports.generate_month(at.year, at.month)
    monthly = reports.reports_for(world.supervisor)[0]
    month = plan.households.first().month
    return {
        "supervisor": [
            "/",
            "/intake/",
            "/queues/",
            *(
                f"/queues/{q}/"
                for q in (
                    "mine",
                    "unassigned",
                    "to_dispatch",
                    "due_soon",
                    "breached",
                    "escalated",
                    "callback",
                    "all",
                )
            ),
            f"/tickets/{resolved.number}/",
            f"/tickets/{closed.number}/",
            f"/tickets/{dispatched.number}/",
            f"/tickets/{resolved.number}/print/ticket/",
            f"/tickets/{dispatched.number}/print/work-orders/",
            "/hot-issues/",
            f"/hot-issues/{issue.pk}/",
            "/residents/",
            "/residents/?phone=5678",
            f"/residents/{world.resident.pk}/",
            f"/rooms/{world.room.pk}/",
            "/notifications/",
            "/callbacks/",
            "/callbacks/?tab=done",
            "/visits/",
            f"/visits/{plan.pk}/?month={month}",
            f"/visits/{plan.pk}/records/",
            "/callbacks/records/",
            "/callbacks/yearly/",
            f"/tickets/{closed.number}/print/opinion/",
            "/stats/",
            "/reports/",
            f"/reports/{monthly.pk}/",
            "/reports/defects/",
            "/reports/callback-rates/",
            f"/tickets/{'GZLY-20200101-0001'}/",
        ],
        "handler": ["/my-orders/", f"/my-orders/{dispatched.number}/1/"],
    }


def test_every_page_renders_in_both_languages_with_no_untranslated_text(world, client, pages):
    data = data_strings()
    problems = {}
    for role, paths in pages.items():
        client.force_login(getattr(world, role))
        for path in paths:
            chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert chinese.status_code in (200, 404), (path, chinese.status_code)
            english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            assert english.status_code == chinese.status_code, path
            left = untranslated(english.content.decode(), data)
            if left:
                problems[path] = left
    client.logout()
    left = untranslated(client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), data)
    if left:
        problems["/login/"] = left
    assert not problems, problems


def test_the_language_switch_keeps_english_for_the_session(world, client):
    client.force_login(world.agent)
    client.post("/i18n/setlang/", {"language": "en", "next": "/queues/"})
    page = client.get("/queues/").content.decode()
    assert 'lang="en"' in page and "Queues" in page


def test_the_administration_is_branded_and_translated(world, client, pages):
    from propdesk.org.models import User

    admin = User.objects.create_superuser("root", password="pw-root", company=world.company)
    client.force_login(admin)
    data = data_strings()
    problems = {}
    for path in (
        "/admin/",
        "/admin/tickets/ticket/",
        "/admin/sla/slapolicy/",
        "/admin/sla/escalationpolicy/",
        "/admin/hotissues/hotissue/",
        "/admin/worktime/calendar/",
        "/admin/org/user/",
        "/admin/tickets/category/",
    ):
        chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert chinese.status_code == 200, path
        assert "PropDesk 系统管理" in chinese.content.decode()
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        left = untranslated(english.content.decode(), data)
        if left:
            problems[path] = left
    assert not problems, problems
