"""What ``propdesk import`` and ``propdesk export`` share: the company named on the command
line, and a progress bar on the terminal (none when the output is not a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from tqdm import tqdm

from propdesk.org.models import Company


def find_company(code: str) -> Company:
    found = Company.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"no company with the code {code!r}")
    return found


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    # disable=None: drawn only on a terminal, so logs and tests get the report alone.
    with tqdm(desc=label, unit=" rows", disable=None, dynamic_ncols=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield progress
