"""Changes to time limits, grade rules and escalation policies are written to the audit log
with before and after (SPEC §11), whoever makes them in the admin."""

from __future__ import annotations

from propdesk.core.models import AuditAction, AuditLog
from propdesk.core.tests.admin_forms import admin_client, post_change
from propdesk.sla.models import EscalationPolicy, GradeRule, SlaPolicy
from propdesk.tickets.models import RoutingRule


def _rows(obj) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(
            action=AuditAction.CONFIG_CHANGE,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
        )
    )


def test_a_grade_rule_change_is_audited_with_before_and_after(world):
    client, root = admin_client(world.company)
    rule = GradeRule.objects.filter(is_active=True).order_by("pk").first()
    conditions = [{"fact": "complainant_count", "op": ">=", "value": 99}]

    answer = post_change(
        client,
        f"/admin/sla/graderule/{rule.pk}/change/",
        conditions='[{"fact": "complainant_count", "op": ">=", "value": 99}]',
        is_active=False,
    )

    assert answer.status_code == 302, answer.content[:800]
    (row,) = _rows(rule)
    assert row.user == root
    assert row.detail["changed"] == ["conditions", "is_active"]
    assert row.detail["before"]["conditions"] == rule.conditions
    assert row.detail["after"]["conditions"] == conditions
    assert row.detail["before"]["is_active"] is True and row.detail["after"]["is_active"] is False
    assert row.detail["after"]["name"] == rule.name  # the whole rule, for reading later


def test_an_escalation_policy_is_audited_when_added_changed_and_deleted(world):
    client, _root = admin_client(world.company)
    policy = EscalationPolicy.objects.create(name="华苑升级", company=world.company)

    post_change(client, f"/admin/sla/escalationpolicy/{policy.pk}/change/", breach_hold_hours="12")
    client.post(f"/admin/sla/escalationpolicy/{policy.pk}/delete/", {"post": "yes"})

    changed, deleted = sorted(
        AuditLog.objects.filter(object_type="sla.escalationpolicy", object_id=str(policy.pk)),
        key=lambda r: r.pk,
    )
    assert changed.detail["changed"] == ["breach_hold_hours"]
    assert changed.detail["before"]["breach_hold_hours"] == 24
    assert changed.detail["after"]["breach_hold_hours"] == 12
    assert changed.detail["after"]["company"] == {"id": world.company.pk, "name": "华宇物业"}
    assert deleted.detail["operation"] == "delete" and deleted.detail["after"] is None
    assert deleted.detail["before"]["breach_hold_hours"] == 12
    assert not EscalationPolicy.objects.filter(pk=policy.pk).exists()


def test_a_time_limit_change_is_audited(world):
    client, _root = admin_client(world.company)
    policy = SlaPolicy.objects.filter(is_active=True).order_by("pk").first()
    amount = policy.amount + 1

    post_change(client, f"/admin/sla/slapolicy/{policy.pk}/change/", amount=str(amount))

    (row,) = _rows(policy)
    assert row.detail["changed"] == ["amount"]
    assert row.detail["before"]["amount"] == policy.amount
    assert row.detail["after"]["amount"] == amount


def test_saving_a_rule_unchanged_writes_no_row(world):
    client, _root = admin_client(world.company)
    rule = GradeRule.objects.order_by("pk").first()

    answer = post_change(client, f"/admin/sla/graderule/{rule.pk}/change/")

    assert answer.status_code == 302
    assert _rows(rule) == []


def test_a_routing_rule_change_is_audited(world):
    """Routing rules are the dispatch policy (SPEC §3 item 4): audited like the others."""
    client, _root = admin_client(world.company)
    rule = RoutingRule.objects.order_by("pk").first()
    name = rule.name + "(修订)"

    answer = post_change(client, f"/admin/tickets/routingrule/{rule.pk}/change/", name=name)

    assert answer.status_code == 302, answer.content[:800]
    (row,) = _rows(rule)
    assert row.detail["changed"] == ["name"]
    assert row.detail["after"]["name"] == name
