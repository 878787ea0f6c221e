"""The word index (DESIGN.md, "Chinese text"): for each ticket, case and resident, its words
as jieba's search mode cuts them, joined by spaces (``text``), so that PostgreSQL's 'simple'
text search configuration and SQLite's FTS5 ``unicode61`` tokenizer both read one word per
token. The index is the search app's own rows beside the rows they describe, written only by
``search.services``; the other apps never read or write them.

What each database searches is not a column Django knows:

- PostgreSQL: ``words``, a stored generated column ``to_tsvector('simple', text)`` with a GIN
  index (migration 0002). Stored rather than an expression index so that checking and ranking
  a row reads its vector instead of parsing the text again (``ts_rank`` over the newest
  matches, services/finding.py).
- SQLite: an FTS5 table per index (``search_ticket_fts`` …) whose rowid is the row's key, kept
  in step by the same service code that writes ``text`` (index.py), not by triggers.

The company dictionary (``DictionaryWord``) adds the company's own words to the property
dictionary of segment.py; after a change, ``propdesk search reindex`` cuts the old texts again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.knowledge.models import Case
from propdesk.org.models import Company
from propdesk.residents.models import Resident
from propdesk.tickets.models import Ticket


class TicketText(models.Model):
    """A ticket's words: description, expectation, place, contact, resolution, progress notes
    and replies. ``project_id`` is the ticket's, copied here so that a scoped search narrows
    to the caller's projects without joining the tickets."""

    ticket = models.OneToOneField(Ticket, models.CASCADE, primary_key=True, related_name="+")
    project_id = models.IntegerField()
    #: The ticket's ``received_at`` (set at registration, never edited), so that a list of the
    #: newest matches narrows the words to a recent span by an index before reading any row
    #: (tickets.paging.NewestFirst): a common word matches tens of thousands of tickets.
    received_at = models.DateTimeField(null=True)
    text = models.TextField()

    class Meta:
        verbose_name = _("诉求索引")
        verbose_name_plural = pgettext_lazy("plural", "诉求索引")
        indexes = [
            models.Index(fields=["project_id", "ticket"], name="search_ticket_project"),
            models.Index(fields=["received_at"], name="search_ticket_received"),
        ]

    def __str__(self) -> str:
        return str(self.ticket_id)


class CaseText(models.Model):
    """A case's words: its title and every field of its scenarios."""

    case = models.OneToOneField(Case, models.CASCADE, primary_key=True, related_name="+")
    company_id = models.IntegerField(db_index=True)
    text = models.TextField()

    class Meta:
        verbose_name = _("案例索引")
        verbose_name_plural = pgettext_lazy("plural", "案例索引")

    def __str__(self) -> str:
        return str(self.case_id)


class ResidentText(models.Model):
    """A resident's words: name, phones and the rooms they live in."""

    resident = models.OneToOneField(Resident, models.CASCADE, primary_key=True, related_name="+")
    company_id = models.IntegerField(db_index=True)
    text = models.TextField()

    class Meta:
        verbose_name = _("住户索引")
        verbose_name_plural = pgettext_lazy("plural", "住户索引")

    def __str__(self) -> str:
        return str(self.resident_id)


class DictionaryWord(models.Model):
    """A word of the company's own (a building's name, a facility, a local phrase) that is to
    stay one word when texts are cut, added by an administrator."""

    company = models.ForeignKey(
        Company, models.CASCADE, related_name="dictionary_words", verbose_name=_("公司")
    )
    word = models.CharField(_("词语"), max_length=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("添加人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("添加时间"))

    class Meta:
        verbose_name = _("词典词语")
        verbose_name_plural = pgettext_lazy("plural", "词典词语")
        ordering = ["company", "word"]
        constraints = [
            models.UniqueConstraint(fields=["company", "word"], name="dictionary_word_unique")
        ]

    def __str__(self) -> str:
        return self.word
