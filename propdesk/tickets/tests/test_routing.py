"""Routing rules (SPEC §3 item 4, seed 000 §3): the department the dispatch screen and the API
propose by default, from an editable table; no rule, no proposal, and it says so."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from propdesk.org.choices import DepartmentKind
from propdesk.org.models import Department
from propdesk.tickets import services
from propdesk.tickets.models import Category, RoutingRule
from propdesk.worktime.arithmetic import SHANGHAI

from .helpers import register
from .test_api_helpers import ApiClient, earlier, quick_password_hashing  # noqa: F401

T0 = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def admin_hr(world):
    return Department.objects.create(
        company=world.company, project=world.project, code="SZHY-HR", name="行政人事部",
        kind=DepartmentKind.ADMIN_HR,
    )  # fmt: skip


@pytest.fixture
def hq_quality(world):
    """品质部 at HQ: it serves every project of the company."""
    return Department.objects.create(
        company=world.company, code="HQ-QA", name="品质部", kind=DepartmentKind.QUALITY
    )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"category": "SVC-ATTITUDE"}, "SZHY-HR"),  # our own staff → 行政人事部
        ({"category": "SVC-ETIQUETTE"}, "SZHY-HR"),
        ({"category": "SVC-RULES"}, "HQ-QA"),  # company rules → 品质部, here at HQ
        ({"channel": "media", "category": "FAC-ELEV"}, "SZHY-HR"),  # media → administration
        ({"channel": "government", "category": "ENV-CLEAN"}, "SZHY-HR"),
        # What a service centre does with the rest of the tree every day.
        ({"category": "FAC-ELEV"}, "SZHY-ENG"),
        ({"category": "HOUSE-LEAK"}, "SZHY-ENG"),
        ({"category": "SEC-PARK"}, "SZHY-SEC"),
    ],
)
def test_the_default_rules_of_the_seed_propose_their_department(
    world, admin_hr, hq_quality, overrides, code
):
    ticket = register(world, T0, **overrides)
    proposal = services.propose_department(ticket)
    assert proposal.department.code == code
    assert proposal.rule.name in proposal.message


def test_with_no_rule_nothing_is_proposed_and_the_proposal_says_so(world, admin_hr):
    proposal = services.propose_department(register(world, T0, category="DISP-PET"))
    assert (proposal.department, proposal.rule) == (None, None)
    assert proposal.message == "没有适用的分派规则,请自行选择部门"


def test_a_rule_whose_department_the_project_lacks_proposes_nothing_and_names_the_rule(world):
    proposal = services.propose_department(register(world, T0, category="SVC-ATTITUDE"))
    assert proposal.department is None
    assert proposal.rule.department_kind == DepartmentKind.ADMIN_HR
    assert "本项目没有对应的部门" in proposal.message


def test_a_project_rule_naming_a_department_wins_over_the_system_rule(world, admin_hr):
    RoutingRule.objects.create(
        company=world.company, project=world.project, name="华苑:服务态度由保安部经理处理",
        category=Category.objects.get(code="SVC-ATTITUDE"), department=world.security,
    )  # fmt: skip
    assert (
        services.propose_department(register(world, T0, category="SVC-ATTITUDE")).department
        == world.security
    )
    # The other project keeps the system rule (and has no 行政人事部 of its own).
    assert not RoutingRule.objects.filter(project=world.other_project).exists()


def test_an_inactive_rule_is_not_used(world, admin_hr):
    RoutingRule.objects.filter(company=None, category__code="SVC-ATTITUDE").update(is_active=False)
    assert services.propose_department(register(world, T0, category="SVC-ATTITUDE")).rule is None


def test_the_api_gives_the_proposal(world, admin_hr):
    ticket = register(world, earlier(), category="SVC-ATTITUDE")
    api = ApiClient(world.supervisor)
    body = api.get(f"/tickets/{ticket.number}/routing").json()
    assert body["department"] == "SZHY-HR"
    assert body["department_name"] == "行政人事部"
    assert body["rule"] == "员工服务态度、礼仪、职业道德 → 行政人事部"

    plain = register(world, earlier(), category="DISP-PET")
    body = api.get(f"/tickets/{plain.number}/routing").json()
    assert body == {
        "department": None, "department_name": None, "rule": None,
        "message": "没有适用的分派规则,请自行选择部门",
    }  # fmt: skip
    # Another project's user reads nothing of it.
    outsider = ApiClient(world.outsider)
    assert outsider.get(f"/tickets/{ticket.number}/routing").status_code in (403, 404)


def test_the_dispatch_form_on_the_ticket_page_preselects_the_proposal(world, admin_hr):
    ticket = register(world, earlier(), category="SVC-ATTITUDE")
    services.accept(world.agent, ticket)
    client = Client()
    client.force_login(world.supervisor)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert '<option value="SZHY-HR" selected>' in page
    assert "按分派规则“员工服务态度、礼仪、职业道德 → 行政人事部”建议:行政人事部" in page

    plain = register(world, earlier(), category="DISP-PET")
    services.accept(world.agent, plain)
    page = client.get(f"/tickets/{plain.number}/").content.decode()
    assert "没有适用的分派规则,请自行选择部门" in page
    department = page.split('id="dispatch-department"')[1].split("</select>")[0]
    assert '<option value="" selected>(请选择)</option>' in department
    assert department.count(" selected>") == 1
