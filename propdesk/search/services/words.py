"""The company dictionary (issue 20 §2): administrators add the words of their property
(电梯困人, 车库道闸, a building's own name) that the segmenter must keep whole. A new word is
used for new texts at once; the texts already indexed are cut again by ``propdesk search
reindex`` (the admin page says so)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, PermissionDenied
from propdesk.org.choices import Role
from propdesk.org.models import Company, User

from .. import dictionary
from ..models import DictionaryWord

WORD_MIN, WORD_MAX = 2, 30


def may_edit(user: User, company: Company) -> bool:
    """Administrators of the company (and of the whole system)."""
    return user.is_superuser or (user.role == Role.ADMIN and user.company_id == company.pk)


def _forget_on_commit(company_id: int) -> None:
    # Now for this process, and again at commit: a cut made meanwhile may have read the old
    # dictionary back into the cache.
    dictionary.forget(company_id)
    transaction.on_commit(lambda: dictionary.forget(company_id))


def clean_word(word: str) -> str:
    word = " ".join((word or "").split())
    if " " in word or not (WORD_MIN <= len(word) <= WORD_MAX):
        raise InvalidInput(
            _("词语为 %(min)s 到 %(max)s 个字,不含空格") % {"min": WORD_MIN, "max": WORD_MAX},
            field="word",
        )
    return word


@transaction.atomic
def add_word(
    user: User, company: Company, word: str, *, now: datetime | None = None
) -> DictionaryWord:
    """Add ``word`` to the company's dictionary (adding it twice changes nothing)."""
    if not may_edit(user, company):
        raise PermissionDenied(_("只有本公司的管理员可以维护词典"))
    word = clean_word(word)
    found, _created = DictionaryWord.objects.get_or_create(
        company=company,
        word=word,
        defaults={"created_by": user if user.pk else None, "created_at": clock.resolve(now)},
    )
    _forget_on_commit(company.pk)
    return found


@transaction.atomic
def change_word(user: User, entry: DictionaryWord, word: str) -> DictionaryWord:
    if not may_edit(user, entry.company):
        raise PermissionDenied(_("只有本公司的管理员可以维护词典"))
    entry.word = clean_word(word)
    if (
        DictionaryWord.objects.filter(company=entry.company, word=entry.word)
        .exclude(pk=entry.pk)
        .exists()
    ):
        raise InvalidInput(_("词典里已有这个词语"), field="word")
    entry.save(update_fields=["word"])
    _forget_on_commit(entry.company_id)
    return entry


@transaction.atomic
def remove_word(user: User, entry: DictionaryWord) -> None:
    if not may_edit(user, entry.company):
        raise PermissionDenied(_("只有本公司的管理员可以维护词典"))
    company_id = entry.company_id
    entry.delete()
    _forget_on_commit(company_id)
