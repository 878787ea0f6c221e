"""A month of requests built by hand with known outcomes; every SPEC §9 figure asserted to its
exact value (on SQLite and PostgreSQL)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from propdesk.callbacks import services as callback_services
from propdesk.sla.models import SlaClock
from propdesk.stats import figures
from propdesk.stats.period import Period
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI

SEPT = Period.month(2026, 9)
H = timedelta(hours=1)


def at(day: int, hour: int = 10, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def dispatched(world, ticket, when):
    services.accept(world.agent, ticket, now=when)
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=when + 8 * H,
        now=when + timedelta(minutes=5),
    )


@pytest.fixture
def month(world):
    """A: complaint handled in 2 h, called back satisfied, closed. B: complaint resolved,
    called back unsatisfied (reopened), resolved again, satisfied, closed. C, D: in-home
    repairs rated and signed on site; C sampled and called back. E: a consultation answered
    at once. F: a complaint from August still open. G: withdrawn. H: a repeat complaint."""
    t = {}
    t["A"] = register(world, at(2))
    dispatched(world, t["A"], at(2))
    services.resolve(world.handler, t["A"], result="已处理", now=at(2, 12))
    callback_services.record_callback(world.agent, t["A"], satisfaction="satisfied", now=at(3))
    services.close(world.agent, t["A"], reason="satisfied", now=at(3, 11))

    t["B"] = register(world, at(5), category="ENV-CLEAN", description="楼道垃圾没人清")
    dispatched(world, t["B"], at(5))
    services.resolve(world.handler, t["B"], result="已清理", now=at(7))
    callback_services.record_callback(world.agent, t["B"], satisfaction="dissatisfied", now=at(8))
    services.dispatch(
        world.supervisor, t["B"], department="SZHY-ENG", deadline=at(9, 18), now=at(8, 11)
    )
    services.resolve(world.handler, t["B"], result="再次清理", now=at(9))
    callback_services.record_callback(
        world.agent, t["B"], satisfaction="very_satisfied", now=at(10)
    )
    services.close(world.agent, t["B"], reason="satisfied", now=at(10, 11))

    for key, day, took in (("C", 10, 1), ("D", 12, 3)):
        t[key] = register(
            world,
            at(day),
            kind="repair",
            repair_scope="in_home",
            category="FAC-WATER",
            description="厨房漏水",
        )
        dispatched(world, t[key], at(day))
        services.resolve(
            world.handler,
            t[key],
            result="已修",
            resident_rating="satisfied",
            resident_signed=True,
            now=at(day, 10 + took),
        )
    callback_services.record_callback(world.agent, t["C"], satisfaction="satisfied", now=at(11))

    t["E"] = register(
        world, at(15), kind="consultation", category="FEE-MGMT", description="物业费怎么交"
    )
    services.answer(
        world.agent,
        t["E"],
        content="可在服务中心或微信缴纳",
        now=at(15, 10) + timedelta(minutes=30),
    )
    t["F"] = register(world, at(30, month=8))
    dispatched(world, t["F"], at(30, month=8))
    t["G"] = register(world, at(20))
    services.cancel(world.agent, t["G"], reason="业主撤回", now=at(21))
    t["H"] = register(world, at(25), grade_facts={"is_repeat": True})
    return t


def ids(world):
    return frozenset({world.project.pk})


def numbers(rows):
    return sorted(t.number for t in rows)


def test_counts(world, month):
    p = ids(world)
    assert numbers(figures.received(p, SEPT)) == numbers(month[k] for k in "ABCDEGH")
    assert numbers(figures.closed(p, SEPT)) == numbers(month[k] for k in "AB")
    assert numbers(figures.open_at_end(p, SEPT)) == numbers(month[k] for k in "CDEFH")
    assert numbers(figures.reopened(p, SEPT)) == [month["B"].number]
    assert numbers(figures.repeat_complaints(p, SEPT)) == [month["H"].number]
    # August: only F was received, and at its end F was open.
    august = Period.month(2026, 8)
    assert numbers(figures.received(p, august)) == [month["F"].number]
    assert numbers(figures.open_at_end(p, august)) == [month["F"].number]


def test_the_counts_of_a_period_in_six_queries(world, month):
    p = ids(world)
    with CaptureQueriesContext(connection) as queries:
        counts = figures.counts(p, SEPT)
    assert counts == {
        "received": 7,
        "closed": 2,
        "open_at_end": 5,
        "reopened": 1,
        "repeat_complaints": 1,
    }
    # received and repeat complaints read the same rows once; open at the end is counted in
    # its four parts, each by its own index (figures._open_at_end_parts)
    assert len(queries) == 7
    assert figures.counts(p, Period.month(2026, 8))["received"] == 1


def test_change_against_an_earlier_month():
    assert figures.change(5, 1) == Decimal("400.0")
    assert figures.change(1, 3) == Decimal("-66.7")
    assert figures.change(2, 3) == Decimal("-33.3")
    assert figures.change(4, 4) == Decimal("0.0")
    assert figures.change(3, 0) is None and figures.change(0, 0) is None


def test_callback_figures(world, month):
    p = ids(world)
    # Callbacks made: A satisfied, B dissatisfied then very satisfied, C satisfied.
    assert figures.callback_satisfaction(p, SEPT) == figures.Rate(3, 4)
    assert figures.callback_satisfaction(p, SEPT).percent == Decimal("75.0")
    # In-home repairs resolved in September: C (called back) and D.
    assert figures.repair_callback_rate(p, SEPT) == figures.Rate(1, 2)
    assert figures.repair_callback_rate(p, SEPT).percent == Decimal("50.0")


def test_handling_time_average_and_ninetieth_percentile(world, month):
    took = figures.handling_time(ids(world), SEPT)
    # Resolved in September: A 2 h, B 4 days (last resolution), C 1 h, D 3 h, E 30 min.
    assert took.count == 5
    assert took.average == (2 * H + 96 * H + H + 3 * H + H / 2) / 5
    assert took.p90 == 96 * H  # rank ⌈0.9 × 5⌉ = 5: the longest


def test_timeliness_counts_clocks_due_in_the_period(world, month):
    p = ids(world)
    SlaClock.objects.filter(ticket__project=world.project).delete()
    a, b, c = month["A"], month["B"], month["C"]
    common = {"unit": "natural_hours", "amount": 4, "started_at": at(1), "warn_at": at(1)}
    SlaClock.objects.create(
        ticket=a, kind="handle", state="met", due_at=at(2, 14), met_at=at(2, 12), **common
    )  # on time
    SlaClock.objects.create(
        ticket=b, kind="handle", state="met", due_at=at(7, 9), met_at=at(7), **common
    )  # late
    SlaClock.objects.create(
        ticket=c,
        kind="handle",
        state="breached",
        due_at=at(10, 12),
        breached_at=at(10, 12),
        **common,
    )  # missed
    SlaClock.objects.create(
        ticket=c, kind="callback", state="running", due_at=at(29), **common
    )  # due, still running: missed
    SlaClock.objects.create(
        ticket=a, kind="callback", state="met", due_at=at(1, 9, month=10), met_at=at(3), **common
    )  # due in October: not September's
    SlaClock.objects.create(
        ticket=b, kind="close", state="cancelled", due_at=at(20), **common
    )  # cancelled: not due
    rates = figures.timeliness(p, SEPT)
    assert rates["handle"] == figures.Rate(1, 3)
    assert rates["handle"].percent == Decimal("33.3")
    assert rates["callback"] == figures.Rate(0, 1)
    assert rates["close"] == figures.Rate(0, 0) and rates["close"].percent is None
    overall = figures.timeliness_overall(rates.values())
    assert overall == figures.Rate(1, 4) and overall.percent == Decimal("25.0")


def test_pareto_and_breakdowns(world, month):
    p = ids(world)
    rows = figures.pareto(p, SEPT)
    # Complaints received in September: A, G, H (设施设备), B (环境).
    assert [(r.key, r.count, r.cumulative_percent, r.vital) for r in rows] == [
        ("FAC", 3, Decimal("75.0"), True),
        ("ENV", 1, Decimal("100.0"), True),
    ]
    kinds = {r["key"]: r for r in figures.breakdown(p, SEPT, "kind")}
    assert (
        kinds["complaint"]["received"],
        kinds["complaint"]["closed"],
        kinds["complaint"]["reopened"],
    ) == (4, 2, 1)
    assert kinds["repair"]["received"] == 2 and kinds["consultation"]["received"] == 1
    departments = {r["key"]: r for r in figures.breakdown(p, SEPT, "department")}
    assert departments["SZHY-ENG"]["received"] == 4  # A, B, C, D had work orders


def test_periods_and_scopes(world):
    assert str(Period.parse("2026-02")) == "2026-02-01..2026-02-28"
    assert Period.parse("2026-12").end == datetime(2027, 1, 1, tzinfo=SHANGHAI)
    assert str(SEPT.previous_month()) == "2026-08-01..2026-08-31"
    assert str(SEPT.same_month_last_year()) == "2025-09-01..2025-09-30"
    from propdesk.core.errors import InvalidInput, OutOfScope
    from propdesk.stats.period import scope_for

    with pytest.raises(InvalidInput):
        Period.parse("2026-13")
    assert scope_for(world.hq, "company").project_ids == {world.project.pk, world.other_project.pk}
    assert scope_for(world.supervisor, "company").project_ids == {world.project.pk}
    for outside in ("project:GZLY", "region:GZ"):
        with pytest.raises(OutOfScope):
            scope_for(world.supervisor, outside)
    for unknown in ("project:NOPE", "region:NOPE", "building:3"):
        with pytest.raises(InvalidInput):
            scope_for(world.supervisor, unknown)


def test_the_api_gives_the_same_figures(world, month):
    from propdesk.tickets.tests.test_api_helpers import ApiClient

    api = ApiClient(world.supervisor)
    body = api.get("/stats/figures", {"period": "2026-09", "scope": "project:SZHY"}).json()
    assert body["counts"] == {
        "received": 7,
        "closed": 2,
        "open_at_end": 5,
        "reopened": 1,
        "repeat_complaints": 1,
    }
    assert body["last_month"]["received"] == 1
    assert body["callback_satisfaction"] == {"part": 3, "whole": 4, "percent": "75.0"}
    assert body["repair_callback_rate"]["percent"] == "50.0"
    assert body["handling_time"] == {"resolved": 5, "average_hours": 20.5, "p90_hours": 96.0}
    pareto = api.get("/stats/pareto", {"period": "2026-09", "scope": "project:SZHY"}).json()
    assert [r["key"] for r in pareto] == ["FAC", "ENV"]
    kinds = api.get("/stats/breakdown", {"period": "2026-09", "by": "kind"}).json()
    assert {r["key"]: r["received"] for r in kinds}["complaint"] == 4
    bad = api.get("/stats/breakdown", {"period": "2026-09", "by": "colour"})
    assert (bad.status_code, bad.json()["field"]) == (400, "by")
    out = api.get("/stats/figures", {"period": "2026-09", "scope": "project:GZLY"})
    assert (out.status_code, out.json()["field"]) == (403, "scope")  # outside the scope (§1)


def test_open_at_the_end_counts_what_was_closed_merged_or_withdrawn_only_after_it(world):
    """A request closed, merged or withdrawn after the month ended was open at its end; one
    merged before it was not (each of the four parts of the count, figures._open_at_end_parts)."""
    p = ids(world)
    late = register(world, at(20, month=8))
    dispatched(world, late, at(20, month=8))
    merged_early = register(world, at(22, month=8), description="同一部电梯重复登记")
    services.merge(world.supervisor, merged_early, into=late.number, now=at(25, month=8))
    merged_late = register(world, at(21, month=8), description="电梯又坏了")
    withdrawn = register(world, at(23, month=8), description="门禁坏了")
    services.merge(world.supervisor, merged_late, into=late.number, now=at(1))
    services.cancel(world.agent, withdrawn, reason="业主撤回", now=at(1, 9))
    services.resolve(world.handler, late, result="已处理", now=at(2))
    callback_services.record_callback(world.agent, late, satisfaction="satisfied", now=at(3))
    services.close(world.agent, late, reason="satisfied", now=at(3, 11))

    august = Period.month(2026, 8)
    assert numbers(figures.open_at_end(p, august)) == numbers([late, merged_late, withdrawn])
    assert figures.counts(p, august)["open_at_end"] == 3
    assert numbers(figures.open_at_end(p, SEPT)) == []
    assert figures.counts(p, SEPT)["open_at_end"] == 0
