"""The demo loader: what `propdesk demo` puts in the database, and how the command behaves."""

from __future__ import annotations

import importlib
import itertools
import random
from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction

from propdesk.callbacks.choices import Satisfaction
from propdesk.callbacks.models import Callback
from propdesk.core import clock
from propdesk.demo import DEMO_LOGINS, login_table
from propdesk.demo import phrases as ph
from propdesk.demo.catalogue import SCENARIOS, all_templates
from propdesk.demo.context import build_context
from propdesk.demo.loader import load_demo
from propdesk.demo.org import FEE_STANDARDS, PROJECTS
from propdesk.demo.scenarios import placeholders
from propdesk.org.choices import Role
from propdesk.org.models import Company, Project, Region, User
from propdesk.residents.models import Building, Resident, Room, Unit
from propdesk.tickets.choices import Channel, ClosureReason, EventKind, Kind, Status
from propdesk.tickets.models import FeeItem, Ticket, TicketEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_passwords(settings) -> None:
    """Real password hashing takes most of a second per login; the demo's logic is the same."""
    settings.PASSWORD_HASHERS = FAST_HASHER


def _category_codes() -> set[str]:
    migration = importlib.import_module("propdesk.tickets.migrations.0002_default_categories")
    return {
        code
        for top_code, _n, _e, children in migration.DEFAULT_CATEGORIES
        for code in (top_code, *(child[0] for child in children))
    }


def test_every_scenario_text_renders_and_refers_to_real_codes() -> None:
    building, unit = Building(code="3", name="3栋"), Unit(code="2", name="2单元")
    room = Room(building=building, unit=unit, number="1101", floor=11)
    received = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)
    categories = _category_codes()
    fee_codes = {code for code, *_rest in FEE_STANDARDS}
    for scenario in SCENARIOS:
        ctx = build_context(random.Random(1), "SZHY", PROJECTS["SZHY"], room, received, "")
        for template in all_templates(scenario):
            assert placeholders(template) <= set(ctx), (scenario.key, template)
            template.format_map(ctx)
        assert scenario.category in categories, scenario.key
        assert {code for code, _q in scenario.fees} <= fee_codes, scenario.key
        assert len(scenario.patrol) <= len(scenario.descriptions), scenario.key
        assert scenario.results or scenario.answers or scenario.beyond, scenario.key
    walker_ctx = {**ctx, "topic": "电梯故障", "dept_name": "工程部", "eta": "24小时"}
    walker_ctx |= {
        "result": "已修复。",
        "fee": "80.00",
        "dup": "A",
        "into": "B",
        "wrong_name": "保安部",
    }
    for pool in (ph.ACKNOWLEDGEMENTS, ph.GENERIC_NOTES, ph.DISPATCH_INSTRUCTIONS):
        for texts in pool.values():
            for text in texts:
                text.format_map(walker_ctx)
    for text in (
        *ph.PAID_ACKNOWLEDGEMENTS,
        *ph.RESULT_REPLIES,
        *ph.SUGGESTION_REPLIES,
        *ph.LONG_RUNNING_NOTES,
        *ph.REOPEN_REASONS,
        *ph.TRANSFER_REASONS,
        *ph.MERGE_NOTES,
    ):
        text.format_map(walker_ctx)


def test_full_demo_loads_a_believable_company(db, fast_passwords) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    now = clock.now()

    company = Company.objects.get(code="HYWY")
    assert Region.objects.filter(company=company).count() == 2
    assert Project.objects.filter(company=company).count() == 4
    assert Room.objects.count() >= 200
    assert Room.objects.filter(is_occupied=False).exists()
    assert Resident.objects.count() >= 200
    assert Resident.objects.filter(is_key_customer=True).exists()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)

    tickets = Ticket.objects.all()
    assert tickets.count() >= 200
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert set(tickets.values_list("kind", flat=True)) == set(Kind.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    closure_reasons = set(
        tickets.exclude(closure_reason="").values_list("closure_reason", flat=True)
    )
    assert closure_reasons == set(ClosureReason.values)
    assert set(Callback.objects.values_list("satisfaction", flat=True)) == set(Satisfaction.values)
    assert {"anonymous", "contact", "resident"} == set(
        tickets.values_list("reporter_type", flat=True)
    )
    assert FeeItem.objects.exists()
    assert tickets.filter(is_paid_repair=True, work_orders__fee_total__gt=0).exists()
    assert tickets.filter(is_emergency=True, kind=Kind.HELP).exists()
    # Every move the lifecycle services offer appears at least once.
    moves = {
        EventKind.REGISTERED, EventKind.ACCEPTED, EventKind.ANSWERED, EventKind.DISPATCHED,
        EventKind.WORK_ORDER_RETURNED, EventKind.TRANSFERRED, EventKind.STARTED,
        EventKind.PROGRESS_NOTED, EventKind.REPLIED, EventKind.SUSPENDED, EventKind.RESUMED,
        EventKind.WORK_ORDER_COMPLETED, EventKind.RESOLVED, EventKind.CALLBACK_RECORDED,
        EventKind.CLOSED, EventKind.REOPENED, EventKind.MERGED, EventKind.CANCELLED,
        EventKind.UPDATED,
    }  # fmt: skip
    assert moves <= set(TicketEvent.objects.values_list("kind", flat=True))

    # The history is real: every ticket is where its last move put it, all in the past.
    assert not TicketEvent.objects.filter(at__gt=now).exists()
    for ticket in tickets:
        moves = ticket.events.exclude(to_status="").order_by("at", "pk")
        assert moves.last().to_status == ticket.status, ticket.number
        chain = list(moves.values_list("from_status", "to_status"))
        assert all(b[0] == a[1] for a, b in itertools.pairwise(chain)), ticket.number
        assert ticket.received_at <= ticket.registered_at

    # The texts are not one sentence repeated.
    descriptions = Counter(tickets.values_list("description", flat=True))
    assert descriptions.most_common(1)[0][1] <= 2
    assert len(descriptions) >= tickets.count() * 0.95

    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=login.password)
        assert user is not None, login.username
        assert user.role == login.role
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser

    printed = out.getvalue()
    for username, password, role, scope in login_table():
        assert username in printed and password in printed and role in printed and scope in printed

    with pytest.raises(CommandError, match="already exists"):
        call_command("demo", stdout=StringIO())
    assert Ticket.objects.count() == tickets.count()


def test_if_empty_loads_once_and_then_only_lists_the_logins(db, fast_passwords) -> None:
    call_command("demo", "--if-empty", "--size", "40", stdout=StringIO())
    counts = (Company.objects.count(), Ticket.objects.count(), Resident.objects.count())
    assert counts[1] >= 40

    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert (Company.objects.count(), Ticket.objects.count(), Resident.objects.count()) == counts
    assert "already loaded" in out.getvalue()
    assert "agent_szhy" in out.getvalue()


def test_a_failure_half_way_leaves_nothing_behind(db, fast_passwords, monkeypatch) -> None:
    from propdesk.demo import loader

    def broken_run(self: loader.Walk) -> None:
        if self.plan.ticket.number.endswith("-0002"):
            raise RuntimeError("boom")

    monkeypatch.setattr(loader.Walk, "run", broken_run)
    with pytest.raises(RuntimeError):
        load_demo(size=40)
    assert not Company.objects.exists()
    assert not Ticket.objects.exists()
    assert not User.objects.exists()


def test_the_same_seed_gives_the_same_demo(db, fast_passwords) -> None:
    now = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)

    def load() -> list[tuple[str, str, str]]:
        with transaction.atomic():
            load_demo(seed=7, size=40, now=now)
            rows = list(
                Ticket.objects.order_by("number").values_list("number", "status", "description")
            )
            transaction.set_rollback(True)
        return rows

    first = load()
    assert first == load()
    assert all(number.split("-")[1] <= "20260909" for number, _s, _d in first)
