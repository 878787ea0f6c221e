"""The search app's services: indexing (keeping the word index current and rebuilding it),
finding (tickets, cases, residents by their words) and the company dictionary."""

from .finding import (
    PAGE_SIZE,
    RANK_LIMIT,
    FoundResident,
    Hit,
    Results,
    find_cases,
    find_residents,
    find_tickets,
    query_words,
)
from .indexing import (
    index_case,
    index_resident,
    index_ticket,
    on_ticket_event,
    reindex_cases,
    reindex_residents,
    reindex_tickets,
)
from .words import add_word, change_word, may_edit, remove_word

__all__ = [
    "PAGE_SIZE",
    "RANK_LIMIT",
    "FoundResident",
    "Hit",
    "Results",
    "add_word",
    "change_word",
    "find_cases",
    "find_residents",
    "find_tickets",
    "index_case",
    "index_resident",
    "index_ticket",
    "may_edit",
    "on_ticket_event",
    "query_words",
    "reindex_cases",
    "reindex_residents",
    "reindex_tickets",
    "remove_word",
]
