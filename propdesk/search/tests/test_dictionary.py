"""The company dictionary (issue 20 §2): an administrator adds a word of the company's own; new
texts are cut with it at once, and ``propdesk search reindex`` cuts the old ones again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from propdesk.core.errors import InvalidInput, PermissionDenied
from propdesk.org.models import User
from propdesk.search import dictionary, services
from propdesk.search.models import DictionaryWord, TicketText
from propdesk.tickets.tests.helpers import register


def found(world, text):
    return [h.item.number for h in services.find_tickets(world.agent, text).hits]


def test_a_company_word_and_a_reindex_make_a_ticket_findable_by_it(world, now):
    ticket = register(world, now, description="云端会所漏水")
    # Alone, jieba cuts 云端会所 into 云端 / 会 / 所, in the query as in the ticket.
    assert "云端会所" not in TicketText.objects.get(pk=ticket.pk).text.split()

    services.add_word(world.admin, world.company, "云端会所")
    # The query is cut with the new word at once (云端, 会所, 云端会所); the ticket's words are
    # still the old ones until the index is rebuilt: what the admin page tells the admin.
    assert services.query_words(world.agent, "云端会所") == ["云端", "会所", "云端会所"]
    assert found(world, "云端会所") == []

    out, err = StringIO(), StringIO()
    call_command("search", "reindex", "--company", "HY", "--batch", "1", stdout=out, stderr=err)
    assert "云端会所" in TicketText.objects.get(pk=ticket.pk).text.split()
    assert found(world, "云端会所") == [ticket.number]
    assert found(world, "云端会所 漏水") == [ticket.number]
    assert "tickets: 1 indexed" in out.getvalue()
    assert "residents: 2 indexed" in out.getvalue()
    assert "100%" in err.getvalue()  # the progress bar ran to its end


def test_a_ticket_registered_after_the_word_was_added_is_cut_with_it(world, now):
    services.add_word(world.admin, world.company, "云端会所")
    ticket = register(world, now, description="云端会所漏水")
    assert found(world, "云端会所") == [ticket.number]
    assert "云端会所" in TicketText.objects.get(pk=ticket.pk).text.split()
    # Removing the word: texts are cut without it again.
    services.remove_word(world.admin, DictionaryWord.objects.get(word="云端会所"))
    assert services.query_words(world.agent, "云端会所") == ["云端", "会", "所"]


def test_reindexing_twice_changes_nothing_and_leaves_one_row_per_ticket(world, now):
    register(world, now, description="电梯困人")
    register(world, now, description="楼上漏水")
    before = sorted(TicketText.objects.values_list("ticket_id", "text"))

    for _ in range(2):
        call_command("search", "reindex", "--no-progress", stdout=StringIO())
    assert sorted(TicketText.objects.values_list("ticket_id", "text")) == before
    assert found(world, "电梯困人") and found(world, "漏水")


def test_the_reindex_command_refuses_an_unknown_company_or_part(world):
    with pytest.raises(CommandError, match="no company"):
        call_command("search", "reindex", "--company", "NOPE")
    with pytest.raises(CommandError, match="unknown part"):
        call_command("search", "reindex", "--only", "tickets,cars")


def test_only_the_companys_administrators_keep_its_dictionary(world):
    with pytest.raises(PermissionDenied):
        services.add_word(world.supervisor, world.company, "云端会所")
    with pytest.raises(InvalidInput):
        services.add_word(world.admin, world.company, "云 端")
    with pytest.raises(InvalidInput):
        services.add_word(world.admin, world.company, "云")
    first = services.add_word(world.admin, world.company, " 云端会所 ")
    assert services.add_word(world.admin, world.company, "云端会所") == first
    assert first.word == "云端会所" and first.created_by == world.admin


def test_a_word_added_by_another_process_is_seen_after_the_check_interval(world, now, monkeypatch):
    assert dictionary.words_of(world.company.pk) == ()
    # Written behind this process's back, as another web worker would.
    DictionaryWord.objects.create(company=world.company, word="云端会所", created_at=now)
    assert dictionary.words_of(world.company.pk) == ()  # still cached
    monkeypatch.setattr(dictionary, "CHECK_SECONDS", 0.0)
    assert dictionary.words_of(world.company.pk) == ("云端会所",)


def test_the_admin_adds_a_word_through_the_service(world, client):
    root = User.objects.create_superuser("root", "root@huayu.example", "pw-root")
    client.force_login(root)
    answer = client.post(
        "/admin/search/dictionaryword/add/", {"company": world.company.pk, "word": "车库道闸"}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    word = DictionaryWord.objects.get()
    assert word.word == "车库道闸" and word.created_by == root
