"""Role, scope and permission changes of staff are written to the audit log with before and
after (SPEC §11): changed in the admin, as an administrator does it."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from propdesk.core.models import AuditAction, AuditLog
from propdesk.core.tests.admin_forms import admin_client, post_change
from propdesk.org.choices import Role


def _changes(user) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(
            action=AuditAction.PERMISSION_CHANGE, object_type="org.user", object_id=str(user.pk)
        )
    )


def test_a_new_role_and_scope_are_audited_with_before_and_after(world):
    client, root = admin_client(world.company)
    agent = world.agent
    url = f"/admin/org/user/{agent.pk}/change/"

    answer = post_change(
        client,
        url,
        role=Role.SUPERVISOR,
        scope_projects=[str(world.project.pk), str(world.other_project.pk)],
    )

    assert answer.status_code == 302, answer.content[:500]
    agent.refresh_from_db()
    assert agent.role == Role.SUPERVISOR
    (row,) = _changes(agent)
    assert row.user == root and row.ip == "10.0.0.7"
    assert row.detail["operation"] == "change"
    assert row.detail["changed"] == ["role", "scope_projects"]
    assert row.detail["before"]["role"] == Role.AGENT
    assert row.detail["after"]["role"] == Role.SUPERVISOR
    assert [p["id"] for p in row.detail["before"]["scope_projects"]] == [world.project.pk]
    assert [p["id"] for p in row.detail["after"]["scope_projects"]] == sorted(
        [world.project.pk, world.other_project.pk]
    )
    assert row.detail["after"]["scope_projects"][0]["name"] == str(world.project)


def test_superuser_and_direct_permissions_are_audited(world):
    client, _root = admin_client(world.company)
    permission = Permission.objects.get(codename="change_graderule")
    url = f"/admin/org/user/{world.handler.pk}/change/"

    post_change(client, url, is_staff=True, user_permissions=[str(permission.pk)])

    (row,) = _changes(world.handler)
    assert row.detail["changed"] == ["is_staff", "user_permissions"]
    assert row.detail["before"]["is_staff"] is False and row.detail["after"]["is_staff"] is True
    assert row.detail["after"]["user_permissions"] == [
        {"id": permission.pk, "name": str(permission)}
    ]


def test_a_change_that_grants_nothing_writes_no_permission_row(world):
    client, _root = admin_client(world.company)

    answer = post_change(client, f"/admin/org/user/{world.agent.pk}/change/", phone="13900000000")

    assert answer.status_code == 302
    assert _changes(world.agent) == []


def test_a_refused_change_writes_nothing(world):
    client, _root = admin_client(world.company)

    answer = post_change(
        client, f"/admin/org/user/{world.agent.pk}/change/", role=Role.SUPERVISOR, username=""
    )

    assert answer.status_code == 200  # the form again, with its error
    world.agent.refresh_from_db()
    assert world.agent.role == Role.AGENT
    assert _changes(world.agent) == []


def test_a_deleted_user_and_a_group_s_permissions_are_audited(world):
    client, root = admin_client(world.company)
    group = Group.objects.create(name="质检")
    permission = Permission.objects.get(codename="view_graderule")

    post_change(client, f"/admin/auth/group/{group.pk}/change/", permissions=[str(permission.pk)])
    spare = type(world.agent).objects.create_user("spare", password="pw-spare", role=Role.AGENT)
    client.post(f"/admin/org/user/{spare.pk}/delete/", {"post": "yes"})

    group_row = AuditLog.objects.get(object_type="auth.group", object_id=str(group.pk))
    assert group_row.action == AuditAction.PERMISSION_CHANGE
    assert group_row.detail["before"]["permissions"] == []
    assert group_row.detail["after"]["permissions"][0]["id"] == permission.pk
    gone = AuditLog.objects.get(object_type="org.user", object_id=str(spare.pk))
    assert gone.detail["operation"] == "delete" and gone.detail["after"] is None
    assert gone.detail["before"]["role"] == Role.AGENT and gone.user == root
