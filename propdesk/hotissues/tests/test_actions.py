"""What a supervisor does with a hot issue: confirm, dismiss, link, unlink, merge duplicates
(the merged keep their history and get the survivor's outcome); who may; and the worker task
that registration books."""

import pytest
from django_tasks_db.models import DBTaskResult

from propdesk.core.errors import InvalidInput, InvalidTransition, OutOfScope, PermissionDenied
from propdesk.hotissues import services
from propdesk.hotissues.detection import detect
from propdesk.hotissues.models import HotIssueEventKind, HotIssueStatus
from propdesk.hotissues.tasks import detect_hot_issue
from propdesk.notify.models import OutboxMessage
from propdesk.tickets import services as tickets
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register

from .helpers import DAY, T0, report


@pytest.fixture
def pair(world):
    first = report(world, 1, T0)
    second = report(world, 2, T0 + DAY)
    return detect(second.pk, T0 + DAY), first, second


def test_registration_books_detection_in_the_worker(world):
    DBTaskResult.objects.all().delete()
    ticket = register(world, T0)
    booked = DBTaskResult.objects.filter(task_path=detect_hot_issue.module_path)
    assert [row.args_kwargs["args"][0] for row in booked] == [ticket.pk]


def test_a_supervisor_confirms_and_the_decision_is_an_event(world, pair):
    issue, *_ = pair
    issue = services.confirm(world.supervisor, issue.pk, note="整栋楼道灯线路老化", now=T0 + DAY)
    assert issue.status == HotIssueStatus.CONFIRMED
    assert (issue.decided_by, issue.decided_at) == (world.supervisor, T0 + DAY)
    event = issue.events.last()
    assert (event.kind, event.actor, event.note) == (
        "confirmed",
        world.supervisor,
        "整栋楼道灯线路老化",
    )
    with pytest.raises(InvalidTransition):
        services.confirm(world.supervisor, issue.pk, now=T0 + DAY)


def test_dismissal_needs_a_reason_and_ends_the_issue(world, pair):
    issue, *_ = pair
    with pytest.raises(InvalidInput) as refused:
        services.dismiss(world.supervisor, issue.pk, reason="  ")
    assert refused.value.field == "reason"
    services.dismiss(world.supervisor, issue.pk, reason="不是同一问题", now=T0 + DAY)
    with pytest.raises(InvalidTransition):
        services.confirm(world.supervisor, issue.pk)


def test_agents_may_not_decide_and_other_projects_do_not_see_it(world, pair):
    issue, *_ = pair
    with pytest.raises(PermissionDenied):
        services.confirm(world.agent, issue.pk)
    with pytest.raises(OutOfScope):
        services.confirm(world.outsider, issue.pk)
    assert not services.visible_hot_issues(world.outsider).exists()


def test_link_and_unlink_a_request_by_hand(world, pair):
    issue, *_ = pair
    other = register(world, T0 + DAY, category="SEC-GUARD", description="保安夜里不巡逻")
    issue = services.link(world.supervisor, issue.pk, ticket=other.number, now=T0 + DAY)
    assert issue.member_count == 3
    assert issue.members.get(ticket=other).source == "linked"
    with pytest.raises(InvalidInput) as twice:
        services.link(world.supervisor, issue.pk, ticket=other.number)
    assert twice.value.field == "ticket"

    with pytest.raises(InvalidInput):
        services.unlink(world.supervisor, issue.pk, ticket=other.number, reason="")
    issue = services.unlink(
        world.supervisor, issue.pk, ticket=other.number, reason="不是灯的问题", now=T0 + DAY
    )
    assert issue.member_count == 2
    kept = issue.members.get(ticket=other)
    assert (kept.removed_reason, kept.removed_by) == ("不是灯的问题", world.supervisor)
    assert [e.kind for e in issue.events.all()] == ["detected", "linked", "unlinked"]


def test_a_request_of_another_project_cannot_be_linked(world, pair):
    issue, *_ = pair
    foreign, _ = tickets.register_ticket(
        world.outsider,
        tickets.NewTicket(
            kind="complaint",
            channel="phone",
            category="FAC-LIGHT",
            description="楼道灯不亮",
            room_id=world.other_room.pk,
            reporter_type="contact",
            contact_name="赵",
            contact_phone="13700000000",
        ),
        now=T0,
    )
    with pytest.raises(InvalidInput) as refused:
        services.link(world.hq, issue.pk, ticket=foreign.number)
    assert refused.value.field == "ticket"


def test_merging_keeps_every_event_and_the_merged_get_the_survivors_outcome(world, pair):
    issue, first, second = pair
    before = list(second.events.values_list("pk", flat=True))
    services.merge_duplicates(
        world.supervisor,
        issue.pk,
        survivor=first.number,
        duplicates=[second.number],
        note="同一处灯",
        now=T0 + DAY,
    )
    second.refresh_from_db()
    assert (second.status, second.merged_into) == ("merged", first)
    assert set(before) <= set(second.events.values_list("pk", flat=True))
    assert issue.events.last().kind == HotIssueEventKind.MERGED

    tickets.accept(world.agent, first, now=T0 + DAY)
    tickets.dispatch(
        world.supervisor, first, department="SZHY-ENG", deadline=T0 + 2 * DAY, now=T0 + DAY
    )
    tickets.start(world.handler, first, work_order=1, now=T0 + DAY)
    tickets.resolve(world.handler, first, result="更换了楼道灯线路", now=T0 + 2 * DAY)
    second.refresh_from_db()
    assert second.resolution == "更换了楼道灯线路"
    shared = second.events.get(kind=EventKind.OUTCOME_SHARED)
    assert shared.data == {"from": first.number}
    told = OutboxMessage.objects.filter(ticket=second, event="ticket_resolved")
    assert told.count() >= 1


def test_merging_into_an_already_resolved_request_tells_the_duplicate_at_once(world, pair):
    issue, first, second = pair
    tickets.answer(world.agent, first, content="已报修,今晚修好", now=T0 + DAY)
    services.merge_duplicates(
        world.supervisor, issue.pk, survivor=first.number, duplicates=[second.number], now=T0 + DAY
    )
    second.refresh_from_db()
    assert second.resolution == "已报修,今晚修好"


def test_merge_refuses_non_members_and_the_survivor_as_its_own_duplicate(world, pair):
    issue, first, second = pair
    stranger = register(world, T0, category="SEC-GUARD", description="保安夜里不巡逻")
    with pytest.raises(InvalidInput) as refused:
        services.merge_duplicates(
            world.supervisor, issue.pk, survivor=first.number, duplicates=[stranger.number]
        )
    assert refused.value.field == "duplicates"
    with pytest.raises(InvalidInput):
        services.merge_duplicates(
            world.supervisor, issue.pk, survivor=first.number, duplicates=[first.number]
        )
    with pytest.raises(InvalidInput):
        services.merge_duplicates(world.supervisor, issue.pk, survivor=first.number, duplicates=[])
    second.refresh_from_db()
    assert second.status != "merged"
