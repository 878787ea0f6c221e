"""Tickets found by their words (issue 20 §2): right after registration, after a note or a
reply, every word required, in the caller's scope only, ranked, with the words marked."""

from __future__ import annotations

from datetime import timedelta

from propdesk.search import services
from propdesk.tickets import services as tickets
from propdesk.tickets.services import TicketFilter
from propdesk.tickets.tests.helpers import register


def register_in_the_other_project(world, now, description):
    """A request of the outsider's project (the other one of the world)."""
    ticket, _ = tickets.register_ticket(
        world.outsider,
        tickets.NewTicket(
            kind="complaint", channel="phone", category="FAC-ELEV", description=description,
            resident_id=world.neighbour.pk, room_id=world.other_room.pk,
        ),
        now=now,
    )  # fmt: skip
    return ticket


def numbers(results):
    return [hit.item.number for hit in results.hits]


def test_a_ticket_is_found_by_its_words_as_soon_as_it_is_registered(world, now):
    ticket = register(world, now, description="楼上漏水导致我家天花板发霉")

    assert numbers(services.find_tickets(world.agent, "漏水")) == [ticket.number]
    assert numbers(services.find_tickets(world.agent, "楼上 漏水")) == [ticket.number]
    # Search mode: the long property word and the short words it holds are all found.
    assert numbers(services.find_tickets(world.agent, "楼上漏水")) == [ticket.number]


def test_every_word_of_the_query_must_be_found(world, now):
    leak = register(world, now, description="楼上漏水导致我家天花板发霉")
    register(world, now, description="水管漏水,厨房地面全是水")

    assert numbers(services.find_tickets(world.agent, "漏水 天花板")) == [leak.number]
    assert len(services.find_tickets(world.agent, "漏水").hits) == 2
    assert services.find_tickets(world.agent, "漏水 电梯").hits == []


def test_a_note_a_reply_and_the_expectation_are_searched_too(world, now):
    ticket = register(world, now, description="门口有积水", expectation="尽快疏通下水道")
    assert numbers(services.find_tickets(world.agent, "下水道")) == [ticket.number]
    assert services.find_tickets(world.agent, "化粪池").hits == []

    tickets.add_progress_note(world.agent, ticket, text="化粪池满溢,已联系环卫", now=now)
    tickets.reply_to_resident(
        world.agent, ticket, content="明天上午清掏", channel="phone", now=now + timedelta(1)
    )
    assert numbers(services.find_tickets(world.agent, "化粪池")) == [ticket.number]
    assert numbers(services.find_tickets(world.agent, "清掏")) == [ticket.number]


def test_a_user_never_finds_a_ticket_of_a_project_outside_their_scope(world, now):
    here = register(world, now, description="电梯困人十分钟")
    there = register_in_the_other_project(world, now, "电梯困人半小时")
    # The outsider's scope is the other project only; the agent's is the first; HQ sees both.
    assert numbers(services.find_tickets(world.agent, "电梯困人")) == [here.number]
    assert numbers(services.find_tickets(world.outsider, "电梯困人")) == [there.number]
    assert set(numbers(services.find_tickets(world.hq, "电梯困人"))) == {here.number, there.number}
    # The same through the list filter of the queues and the API.
    listed = tickets.filter_tickets(tickets.tickets_for(world.agent), TicketFilter(text="电梯困人"))
    assert [t.number for t in listed] == [here.number]


def test_the_ticket_saying_the_words_most_ranks_first(world, now):
    once = register(world, now, description="车库道闸坏了,另外门禁卡也刷不开,楼道灯也不亮")
    often = register(world, now, description="车库道闸抬杆不灵,车库道闸又坏了")

    found = services.find_tickets(world.agent, "道闸")
    assert numbers(found) == [often.number, once.number]
    assert found.hits[0].rank > found.hits[1].rank


def test_matched_words_are_marked_and_the_text_around_them_escaped(world, now):
    register(world, now, description='<script>alert("x")</script>楼上漏水 & 发霉')

    snippet = services.find_tickets(world.agent, "漏水").hits[0].snippet
    assert "<mark>漏水</mark>" in snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in snippet
    assert "&amp; 发霉" in snippet


def test_filters_narrow_the_words_and_pages_hold_twenty(world, now):
    for i in range(23):
        register(world, now + timedelta(minutes=i), description=f"第{i}次反映电梯异响")
    register(world, now, description="电梯异响", kind="repair", category="FAC-ELEV")

    first = services.find_tickets(world.agent, "电梯 异响")
    second = services.find_tickets(world.agent, "电梯 异响", page=2)
    assert first.matched == 24 and not first.more
    assert len(first.hits) == 20 and first.has_next
    assert len(second.hits) == 4 and not second.has_next
    assert not set(numbers(first)) & set(numbers(second))
    repairs = services.find_tickets(world.agent, "电梯", filters=TicketFilter(kind="repair"))
    assert len(repairs.hits) == 1


def test_a_query_without_words_finds_nothing(world, now):
    register(world, now)
    assert services.find_tickets(world.agent, " ,。!").hits == []


def test_the_list_filter_reads_only_the_words_of_the_callers_projects(world, now):
    """The list's ``text`` condition narrows the word index to a small scope's projects
    before it meets the tickets (issue 22: the index, not the join, does the narrowing)."""
    here = register(world, now, description="电梯困人十分钟")
    there = register_in_the_other_project(world, now, "电梯困人半小时")
    from propdesk.search.services.finding import text_condition
    from propdesk.tickets.models import Ticket

    everywhere = Ticket.objects.filter(text_condition("电梯困人", None))
    assert set(everywhere.values_list("number", flat=True)) == {here.number, there.number}
    mine = Ticket.objects.filter(text_condition("电梯困人", None, world.agent.project_ids))
    assert list(mine.values_list("number", flat=True)) == [here.number]
    # Through the list the agent uses: the same answer, in scope.
    listed = tickets.filter_tickets(
        tickets.tickets_for(world.agent),
        TicketFilter(text="电梯困人", project_ids=world.agent.project_ids),
    )
    assert list(listed.values_list("number", flat=True)) == [here.number]
