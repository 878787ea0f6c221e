"""The ticket page: facts, clocks, timeline, exactly the moves the user may make, each move's
form going through the same service as the API, refusals shown at the field, print views."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.core.models import AuditAction, AuditLog
from propdesk.tickets.tests.helpers import register, walk


@pytest.fixture
def earlier():
    return timezone.now() - timedelta(hours=1)


def move_buttons(html: str) -> set[str]:
    return set(re.findall(r'id="btn-([a-z_]+)"', html))


def test_the_page_shows_the_request_its_clocks_and_its_history(world, client, earlier):
    ticket = register(world, earlier)
    client.force_login(world.agent)
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert ticket.number in html
    assert "3栋2单元电梯停在12楼不动" in html
    clocks = re.search(r'id="clocks".*?</table>', html, re.S).group(0)
    assert "结案" in clocks and "time-left" in clocks  # the close clock, with time left
    assert "138****5678" in html and "13812345678" not in html
    assert "登记" in re.search(r'id="timeline".*?</ol>', html, re.S).group(0)


def test_each_role_gets_exactly_its_moves(world, client, earlier):
    accepted = walk(world, earlier, "accepted")
    client.force_login(world.agent)
    agent_moves = move_buttons(client.get(f"/tickets/{accepted.number}/").content.decode())
    client.force_login(world.supervisor)
    supervisor_moves = move_buttons(client.get(f"/tickets/{accepted.number}/").content.decode())
    assert "dispatch" in supervisor_moves and "dispatch" not in agent_moves
    assert "accept" not in supervisor_moves  # already accepted
    client.force_login(world.handler)
    assert "dispatch" not in move_buttons(
        client.get(f"/tickets/{accepted.number}/").content.decode()
    )


def test_a_move_from_its_form_changes_the_ticket(world, client, earlier):
    accepted = walk(world, earlier, "accepted")
    client.force_login(world.supervisor)
    deadline = (timezone.localtime() + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        f"/tickets/{accepted.number}/move/dispatch/",
        {"department": "SZHY-ENG", "assignee": "handler", "deadline": deadline},
    )
    assert answer.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == "dispatched"
    order = accepted.work_orders.get()
    assert (order.department.code, order.assignee) == ("SZHY-ENG", world.handler)


def test_a_refused_move_shows_the_message_at_its_field_and_keeps_what_was_typed(
    world, client, earlier
):
    resolved = walk(world, earlier, "resolved")
    client.force_login(world.agent)
    answer = client.post(
        f"/tickets/{resolved.number}/move/close/", {"reason": "", "note": "业主说不用回访了"}
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "move-error" in html
    assert "业主说不用回访了" in html
    resolved.refresh_from_db()
    assert resolved.status == "resolved"


def test_a_move_the_role_may_not_make_is_403(world, client, earlier):
    accepted = walk(world, earlier, "accepted")
    client.force_login(world.agent)
    answer = client.post(
        f"/tickets/{accepted.number}/move/dispatch/",
        {"department": "SZHY-ENG", "deadline": "2030-01-01T10:00"},
    )
    assert answer.status_code == 403
    accepted.refresh_from_db()
    assert accepted.status == "accepted"


def test_another_projects_ticket_is_403_and_shows_nothing(world, client, earlier):
    ticket = register(world, earlier)
    client.force_login(world.outsider)
    answer = client.get(f"/tickets/{ticket.number}/")
    assert answer.status_code == 403
    assert "电梯停在12楼" not in answer.content.decode()


def test_revealing_the_phone_is_logged(world, client, earlier):
    ticket = register(world, earlier)
    client.force_login(world.agent)
    answer = client.post(f"/tickets/{ticket.number}/reveal-phone/")
    assert answer.content.decode() == "13812345678"
    assert AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL, user=world.agent).exists()


def test_print_views_lay_out_the_paper_forms(world, client, earlier):
    ticket = walk(world, earlier, "dispatched")
    client.force_login(world.supervisor)
    complaint_form = client.get(f"/tickets/{ticket.number}/print/ticket/").content.decode()
    assert "投诉处理单" in complaint_form and ticket.number in complaint_form
    work_form = client.get(f"/tickets/{ticket.number}/print/work-orders/").content.decode()
    assert "工作协作单" in work_form and "工程部" in work_form


def test_the_ticket_page_costs_a_bounded_number_of_queries(
    world, client, earlier, django_assert_max_num_queries
):
    ticket = walk(world, earlier, "resolved")
    client.force_login(world.supervisor)
    with django_assert_max_num_queries(45):
        assert client.get(f"/tickets/{ticket.number}/").status_code == 200


def test_a_contact_phone_kept_unvalidated_is_shown_with_a_warning(world, client, earlier):
    ticket = register(
        world, earlier, reporter_type="contact", resident_id=None, contact_name="",
        contact_phone="abc", place="3栋大堂", project="SZHY",
    )  # fmt: skip
    client.force_login(world.agent)

    html = client.get(f"/tickets/{ticket.number}/").content.decode()

    assert 'id="phone-warning"' in html and "未能核实" in html
    valid = register(world, earlier)
    assert 'id="phone-warning"' not in client.get(f"/tickets/{valid.number}/").content.decode()
