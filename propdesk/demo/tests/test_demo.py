"""The demo loader: what `propdesk demo` puts in the database, and how the command behaves."""

from __future__ import annotations

import importlib
import random
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from propdesk.demo import phrases as ph
from propdesk.demo.catalogue import SCENARIOS, all_templates
from propdesk.demo.context import build_context
from propdesk.demo.loader import load_demo
from propdesk.demo.org import FEE_STANDARDS, PROJECTS
from propdesk.demo.scenarios import placeholders
from propdesk.org.models import Company, User
from propdesk.residents.models import Building, Resident, Room, Unit
from propdesk.tickets.models import Ticket

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
