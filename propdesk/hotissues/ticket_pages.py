"""What the tickets pages show of hot issues, registered in tickets.extensions from
``HotIssuesConfig.ready``: the badge of the hot issue a ticket belongs to, beside its status on
the ticket page, and intake's open requests saying nearly the same thing
(``services.similar_open_requests``)."""

from __future__ import annotations


def live_hot_issue(ticket):
    """The hot issue the ticket is a member of now, or None."""
    from .models import HotIssueMember

    hot = (
        HotIssueMember.objects.filter(ticket=ticket, removed_at=None)
        .select_related("hot_issue")
        .first()
    )
    return hot.hot_issue if hot else None


def register() -> None:
    from propdesk.tickets import extensions

    from .services import similar_open_requests

    extensions.similar_open_requests.register(similar_open_requests)
    extensions.add_page_part(
        extensions.PagePart(
            "ticket_badges", "hot_issue", "hotissues/_ticket_badge.html", live_hot_issue
        )
    )
