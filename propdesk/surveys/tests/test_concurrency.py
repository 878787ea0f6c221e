"""One answer per household when two arrive at once (PostgreSQL, real transactions): the
second waits for the first's row lock, then finds the answer and is refused."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from propdesk.core.errors import InvalidTransition
from propdesk.surveys import services
from propdesk.surveys.models import Response

from .helpers import T0, population, run_campaign, token_of


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_answer_arriving_during_the_first_waits_and_is_refused(world):
    rooms = population(world)
    campaign = run_campaign(world)
    token = token_of(campaign, rooms["A"])
    item = campaign.items.first()
    locked, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():  # the answer stays uncommitted until released
                services.answer_by_link(token, [services.Answer(item.pk, "satisfied")], now=T0)
                locked.set()
                release.wait(timeout=30)
        except BaseException as error:
            outcome["first"] = error
            locked.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            services.answer_by_link(token, [services.Answer(item.pk, "dissatisfied")], now=T0)
            outcome["second"] = "stored"
        except BaseException as error:
            outcome["second"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=first)
    holder.start()
    assert locked.wait(timeout=30)
    late = threading.Thread(target=second)
    late.start()
    late.join(timeout=1)
    assert late.is_alive()  # waiting for the first answer's lock
    release.set()
    holder.join(timeout=30)
    late.join(timeout=30)

    assert "first" not in outcome
    assert isinstance(outcome["second"], InvalidTransition)
    assert outcome["second"].message == "此问卷已提交,每户只能填写一次"
    assert Response.objects.filter(invitation__token=token).count() == 1
    assert Response.objects.get().answers.get(item=item).level == "satisfied"
