"""Background entry point: hot-issue detection after a registration or a correction."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task


@task()
def detect_hot_issue(ticket_id: int, at: str) -> int | None:
    """Group the request with its neighbours (SPEC §5); returns the hot issue's id, if any."""
    from .detection import detect

    issue = detect(ticket_id, datetime.fromisoformat(at))
    return issue.pk if issue else None
