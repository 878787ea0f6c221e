"""API tokens: shown once, stored only as a hash, found again, revoked."""

from __future__ import annotations

from datetime import timedelta

from propdesk.core.errors import InvalidInput
from propdesk.org.models import ApiToken
from propdesk.org.services import create_api_token, revoke_api_tokens, user_for_token


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(world, now):
    key = create_api_token(world.agent, name="呼叫中心对接", now=now)

    token = ApiToken.objects.get(user=world.agent)
    assert key.startswith("pd_")
    assert len(key) > 40
    assert token.name == "呼叫中心对接"
    assert token.prefix == key[3:11]
    assert token.key_hash == ApiToken.hash_key(key)
    stored = {str(value) for value in ApiToken.objects.values().get().values()}
    assert key not in stored
    assert key[3:] not in stored


def test_each_token_is_different(world, now):
    keys = {create_api_token(world.agent, now=now) for _ in range(3)}

    assert len(keys) == 3
    assert ApiToken.objects.filter(user=world.agent).count() == 3


def test_a_token_finds_its_user_and_notes_when_it_was_used(world, now):
    key = create_api_token(world.agent, now=now)

    assert user_for_token(key, now=now) == world.agent
    assert ApiToken.objects.get().last_used_at == now


def test_a_busy_token_is_touched_at_most_once_a_minute(world, now):
    key = create_api_token(world.agent, now=now)
    user_for_token(key, now=now)

    user_for_token(key, now=now + timedelta(seconds=59))
    assert ApiToken.objects.get().last_used_at == now

    user_for_token(key, now=now + timedelta(seconds=61))
    assert ApiToken.objects.get().last_used_at == now + timedelta(seconds=61)


def test_an_unknown_or_empty_token_finds_nobody(world, now):
    create_api_token(world.agent, now=now)

    assert user_for_token("pd_not-a-real-token", now=now) is None
    assert user_for_token("", now=now) is None


def test_revoking_ends_every_token_of_the_user_and_no_other(world, now):
    first = create_api_token(world.agent, now=now)
    second = create_api_token(world.agent, now=now)
    colleague = create_api_token(world.supervisor, now=now)
    at = now + timedelta(hours=1)

    assert revoke_api_tokens(world.agent, now=at) == 2

    assert user_for_token(first, now=at) is None
    assert user_for_token(second, now=at) is None
    assert user_for_token(colleague, now=at) == world.supervisor
    assert set(ApiToken.objects.filter(user=world.agent).values_list("revoked_at", flat=True)) == {
        at
    }
    # Tokens are kept, revoked: a second revoke finds none still active.
    assert revoke_api_tokens(world.agent, now=at + timedelta(hours=1)) == 0
    assert ApiToken.objects.filter(user=world.agent).count() == 2


def test_a_deactivated_user_gets_no_token_and_old_ones_stop_working(world, now):
    key = create_api_token(world.agent, now=now)
    world.agent.is_active = False
    world.agent.save()

    assert user_for_token(key, now=now) is None
    try:
        create_api_token(world.agent, now=now)
    except InvalidInput as error:
        assert error.field == "user"
    else:
        raise AssertionError("a token was created for a deactivated user")
    assert ApiToken.objects.filter(user=world.agent).count() == 1
