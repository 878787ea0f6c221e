"""Shortcuts for tests: register a ticket and walk it to a given state through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from propdesk.tickets import services
from propdesk.tickets.models import Ticket


def register(world, now: datetime, **overrides) -> Ticket:
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "3栋2单元电梯停在12楼不动,按钮没反应",
        "resident_id": world.resident.pk,
        "expectation": "尽快修好,今天之内给答复",
    }
    data.update(overrides)
    ticket, _ = services.register_ticket(world.agent, services.NewTicket(**data), now=now)
    return ticket


def walk(world, now: datetime, to: str, **overrides) -> Ticket:
    """A ticket brought to state ``to`` by the normal moves, one minute apart."""
    t = register(world, now, **overrides)
    step = iter(now + timedelta(minutes=i) for i in range(1, 100))
    if to == "registered":
        return t
    services.accept(world.agent, t, now=next(step))
    if to == "accepted":
        return _fresh(t)
    services.dispatch(
        world.supervisor,
        t,
        department="SZHY-ENG",
        deadline=now + timedelta(hours=4),
        now=next(step),
    )
    if to == "dispatched":
        return _fresh(t)
    if to == "suspended":
        services.suspend(world.supervisor, t, reason="等配件", now=next(step))
        return _fresh(t)
    services.start(world.handler, t, work_order=1, now=next(step))
    if to == "in_progress":
        return _fresh(t)
    services.resolve(world.handler, t, result="更换了主板,电梯恢复运行", now=next(step))
    if to == "resolved":
        return _fresh(t)
    if to == "reopened":
        services.record_callback(world.agent, t, satisfaction="dissatisfied", now=next(step))
        return _fresh(t)
    services.record_callback(world.agent, t, satisfaction="satisfied", now=next(step))
    if to == "callback_done":
        return _fresh(t)
    services.close(world.agent, t, reason="satisfied", now=next(step))
    if to == "closed":
        return _fresh(t)
    raise ValueError(to)


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)
