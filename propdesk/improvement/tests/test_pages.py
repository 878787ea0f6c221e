"""The console's actions: opened from the request page, a hot issue page and a monthly report
line (each link carries its source), the list with its filters, the action's page with its
history and the forms of its step; refusals shown where the user acted; another project's
action is a 404 page."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from propdesk.core.tests.scene import Scene
from propdesk.improvement import services
from propdesk.improvement.models import CorrectiveAction
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import earlier

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return unescape(response.content.decode())


def due() -> str:
    return str(timezone.localdate() + timedelta(days=10))


def form(world, **more) -> dict:
    return {"kind": "corrective", "project": world.project.pk, "owner": world.handler.pk,
            "cause": "保洁频次不足", "measure": "电梯厅每日保洁两次", "due_on": due(),
            **more}  # fmt: skip


def test_from_the_request_page_to_closed(client, world):
    ticket = register(world, earlier())
    client.force_login(world.supervisor)
    page = html_of(client.get(f"/tickets/{ticket.number}/"))
    link = re.search(r'id="new-action" href="([^"]+)"', page).group(1)
    assert link == f"/actions/new/?source=ticket&ticket={ticket.number}"
    new = html_of(client.get(link))
    assert ticket.number in new and 'name="ticket"' in new
    made = client.post(link, {"source": "ticket", "ticket": ticket.number, **form(world)})
    assert made.status_code == 302, html_of(made)
    action = CorrectiveAction.objects.get()
    assert (action.source, action.ticket) == ("ticket", ticket)
    assert made.url == f"/actions/{action.pk}/"
    # The request page lists it.
    assert f'data-action="{action.pk}"' in html_of(client.get(f"/tickets/{ticket.number}/"))

    client.force_login(world.handler)
    page = html_of(client.get(f"/actions/{action.pk}/"))
    assert 'id="done-form"' in page and 'id="verify-form"' not in page
    empty = client.post(f"/actions/{action.pk}/do/done/", {"note": ""})
    assert empty.status_code == 400 and "请填写此项" in html_of(empty)
    client.post(f"/actions/{action.pk}/do/done/", {"note": "已加排保洁"})
    own = client.post(f"/actions/{action.pk}/do/verify/", {"note": "x", "effective": "yes"})
    assert own.status_code == 403

    client.force_login(world.manager)
    page = html_of(client.get(f"/actions/{action.pk}/"))
    assert 'id="verify-form"' in page
    no_verdict = client.post(f"/actions/{action.pk}/do/verify/", {"note": "看过"})
    assert no_verdict.status_code == 400 and 'data-field="effective"' in html_of(no_verdict)
    client.post(f"/actions/{action.pk}/do/verify/", {"note": "一周无投诉", "effective": "yes"})
    page = html_of(client.get(f"/actions/{action.pk}/"))
    assert "已验证关闭" in page and "一周无投诉" in page
    twice = client.post(f"/actions/{action.pk}/do/verify/", {"note": "再验", "effective": "yes"})
    assert twice.status_code == 409


def test_a_refused_form_names_the_field(client, world):
    client.force_login(world.supervisor)
    bad = client.post("/actions/new/", {"source": "other", **form(world, cause=" ")})
    assert bad.status_code == 400
    assert 'data-field="cause"' in html_of(bad)
    past = client.post("/actions/new/", {"source": "other", **form(world, due_on="2020-01-01")})
    assert 'data-field="due_on"' in html_of(past)
    assert not CorrectiveAction.objects.exists()
    client.force_login(world.agent)
    assert client.get("/actions/new/").status_code == 403


def test_from_a_hot_issue_page(client, world):
    issue = Scene(world).hot_issue()
    client.force_login(world.quality)
    page = html_of(client.get(f"/hot-issues/{issue.pk}/"))
    link = re.search(r'id="new-action" href="([^"]+)"', page).group(1)
    assert link == f"/actions/new/?source=hot_issue&hot_issue={issue.pk}"
    made = client.post(link, {"source": "hot_issue", "hot_issue": issue.pk, **form(world)})
    assert made.status_code == 302, html_of(made)
    assert CorrectiveAction.objects.get().hot_issue == issue
    listed = html_of(client.get(f"/actions/?hot_issue={issue.pk}"))
    assert "电梯厅每日保洁两次" in listed
    client.force_login(world.agent)
    assert 'id="new-action"' not in html_of(client.get(f"/hot-issues/{issue.pk}/"))


def test_from_a_monthly_report_line(client, world):
    from propdesk.stats.models import MonthlyReport
    from propdesk.stats.reports import generate_month

    generate_month(2026, 8)
    report = MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")
    client.force_login(world.quality)
    page = html_of(client.get(f"/reports/{report.pk}/"))
    links = re.findall(r'class="small text-nowrap report-line-action" href="([^"]+)"', page)
    assert links, "each line of the report's tables has its button"
    link = links[0]
    assert "source=report_line" in link and f"report={report.pk}" in link
    assert "report_month=2026-08" in link and f"project={world.project.pk}" in link
    new = html_of(client.get(link))
    line = re.search(r'name="line" value="([^"]*)"', new).group(1)
    assert line
    made = client.post(
        "/actions/new/",
        {"source": "report_line", "report": report.pk, "report_month": "2026-08",
         "report_scope": report.scope_name, "line": line, **form(world)},
    )  # fmt: skip
    assert made.status_code == 302, html_of(made)
    action = CorrectiveAction.objects.get()
    assert (action.report_id, action.report_month, action.report_line) == (
        report.pk,
        "2026-08",
        line,
    )
    assert f'href="/reports/{report.pk}/"' in html_of(client.get(f"/actions/{action.pk}/"))
    client.force_login(world.agent)  # not an opener: no buttons
    assert "report-line-action" not in html_of(client.get(f"/reports/{report.pk}/"))


def test_the_list_filters_and_the_scope(client, world):
    now = timezone.now()
    first = services.open_action(
        world.supervisor, services.Source("other"), project_id=world.project.pk,
        owner_id=world.handler.pk, cause="因", measure="甲措施", due_on=timezone.localdate(),
        now=now,
    )  # fmt: skip
    services.open_action(
        world.supervisor, services.Source("other"), project_id=world.project.pk,
        owner_id=world.supervisor.pk, cause="因", measure="乙措施",
        due_on=timezone.localdate() + timedelta(days=5), now=now,
    )  # fmt: skip
    services.sweep(now=now + timedelta(days=1, hours=1))  # the first is overdue
    client.force_login(world.supervisor)
    everything = html_of(client.get("/actions/"))
    assert "甲措施" in everything and "乙措施" in everything
    overdue = html_of(client.get("/actions/?overdue=yes"))
    assert "甲措施" in overdue and "乙措施" not in overdue
    mine = html_of(client.get("/actions/?mine=yes"))
    assert "乙措施" in mine and "甲措施" not in mine
    assert "甲措施" not in html_of(client.get("/actions/?status=done"))
    assert "超期" in html_of(client.get(f"/actions/{first.pk}/"))
    client.force_login(world.outsider)
    assert "甲措施" not in html_of(client.get("/actions/"))
    assert client.get(f"/actions/{first.pk}/").status_code == 404
    assert client.post(f"/actions/{first.pk}/do/done/", {"note": "x"}).status_code == 404
