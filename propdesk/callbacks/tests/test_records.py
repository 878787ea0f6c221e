"""The callback records: 回访记录, 业户回访率统计年报表, 业户例行回访调查记录表 and
投诉意见处理表 — printable, exportable as CSV, exports audited, figures counted exactly."""

import csv
import io
from datetime import datetime, timedelta

from django.utils import timezone

from propdesk.callbacks import services as callback_services
from propdesk.callbacks import visits
from propdesk.callbacks.records import yearly_rates
from propdesk.core.models import AuditAction, AuditLog
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register, walk
from propdesk.worktime.arithmetic import SHANGHAI

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
MIN = timedelta(minutes=1)


def in_home_repair(world, at, rating="satisfied"):
    ticket = register(
        world,
        at,
        kind="repair",
        repair_scope="in_home",
        category="FAC-WATER",
        description="厨房漏水",
    )
    services.accept(world.agent, ticket, now=at + MIN)
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=at + timedelta(hours=4),
        now=at + 2 * MIN,
    )
    services.resolve(
        world.handler,
        ticket,
        result="已修",
        resident_rating=rating,
        resident_signed=True,
        now=at + 3 * MIN,
    )
    return ticket


def test_the_yearly_rates_count_each_month_exactly(world):
    called = walk(world, T0, "callback_done")  # a complaint resolved and called back in March
    walk(world, T0, "resolved")  # one not called back yet
    for _ in range(3):
        in_home_repair(world, T0)
    sampled = in_home_repair(world, T0)
    callback_services.record_callback(
        world.agent, sampled, satisfaction="satisfied", now=T0 + MIN * 10
    )
    plan = visits.generate_plan(world.supervisor, world.project, 2026, now=T0)
    march = yearly_rates(world.project, 2026)[2]
    assert (march.complaints, march.complaints_called, march.complaint_rate) == (2, 1, 50.0)
    assert (march.repairs, march.repairs_called, march.repair_rate) == (4, 1, 25.0)
    assert sum(m.visits_planned for m in yearly_rates(world.project, 2026)) == 1
    assert called.pk and plan.pk
    assert yearly_rates(world.project, 2026)[3].complaints == 0


def test_the_records_print_and_export_and_each_export_is_audited(world, client):
    at = timezone.now() - timedelta(hours=3)
    ticket = walk(world, at, "callback_done")
    client.force_login(world.supervisor)
    # From the day the request came in to today: three hours ago may be yesterday (a run just
    # after midnight in Shanghai).
    since = timezone.localtime(at).date().isoformat()
    today = timezone.localtime().date().isoformat()
    page = client.get("/callbacks/records/", {"from": since, "to": today}).content.decode()
    assert ticket.number in page and "回访记录" in page
    exported = client.get("/callbacks/records/", {"from": since, "to": today, "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][1] == "编号" and rows[1][1] == ticket.number
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, user=world.supervisor).count() == 1

    yearly = client.get("/callbacks/yearly/", {"project": "SZHY"}).content.decode()
    assert "业户回访率统计年报表" in yearly
    yearly_csv = client.get("/callbacks/yearly/", {"project": "SZHY", "format": "csv"})
    assert len(list(csv.reader(io.StringIO(yearly_csv.content.decode("utf-8-sig"))))) == 13

    opinion = client.get(f"/tickets/{ticket.number}/print/opinion/").content.decode()
    assert "投诉意见处理表" in opinion and "项目经理审核" in opinion

    plan = visits.generate_plan(world.supervisor, world.project, 2026)
    visits.record_visit(
        world.agent,
        plan.households.get().pk,
        method="phone",
        service_quality="satisfied",
        staff_attitude="satisfied",
        suggestions="多组织社区活动",
    )
    record = client.get(f"/visits/{plan.pk}/records/").content.decode()
    assert "业户例行回访调查记录表" in record and "多组织社区活动" in record


def test_bad_dates_are_refused_and_outsiders_see_nothing(world, client):
    client.force_login(world.supervisor)
    assert client.get("/callbacks/records/", {"from": "2026-13-01"}).status_code == 400
    ticket = walk(world, timezone.now() - timedelta(hours=3), "callback_done")
    client.force_login(world.outsider)
    assert ticket.number not in client.get("/callbacks/records/").content.decode()
