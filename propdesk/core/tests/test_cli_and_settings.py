import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from propdesk.core import clock


def _run(args: list[str], var_dir, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PROPDESK_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir}/db.sqlite3",
        **env,
    }
    environment.pop("SECRET_KEY", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "propdesk", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_python_dash_m_propdesk_runs_management_commands_and_generates_a_secret_key(tmp_path):
    result = _run(["check"], tmp_path, PUBLIC_URL="https://wuye.example.cn")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    # The key is generated once and kept: a second start uses the same one.
    _run(["check"], tmp_path, PUBLIC_URL="https://wuye.example.cn")
    assert (tmp_path / "secret_key").read_text() == key


def test_sqlite_database_is_in_wal_mode(tmp_path):
    result = _run(["migrate", "-v0"], tmp_path)
    assert result.returncode == 0, result.stderr
    script = (
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = _run(["shell", "-v0", "-c", script], tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "wal"


def test_token_command_refuses_an_unknown_user(tmp_path):
    _run(["migrate", "-v0"], tmp_path)
    result = _run(["token", "create", "--user", "nobody"], tmp_path)
    assert result.returncode != 0
    assert "no user named 'nobody'" in result.stderr


def test_services_refuse_naive_times_and_tests_can_freeze_the_clock():
    at = datetime(2026, 9, 9, 2, 0, tzinfo=UTC)
    with clock.frozen(at):
        assert clock.now() == at
        assert clock.resolve(None) == at
    assert clock.now() != at
    with pytest.raises(ValueError, match="naive"):
        clock.resolve(datetime(2026, 9, 9, 10, 0))  # noqa: DTZ001


def test_postgres_connections_get_the_ssd_page_cost_beside_options_of_their_own(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from propdesk import settings

    url = "postgres://u@db:5432/propdesk?options=-c%20search_path%3Dpd"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("PG_RANDOM_PAGE_COST", raising=False)
    options = settings._database()["OPTIONS"]["options"]
    assert "search_path=pd" in options and "-c random_page_cost=1.1" in options
    monkeypatch.setenv("PG_RANDOM_PAGE_COST", "")  # behind a pooler: the server's own
    assert "random_page_cost" not in settings._database().get("OPTIONS", {}).get("options", "")
    monkeypatch.setenv("PG_RANDOM_PAGE_COST", "fast")
    with pytest.raises(ImproperlyConfigured, match="PG_RANDOM_PAGE_COST"):
        settings._database()


def test_postgres_connections_prepare_repeated_statements_unless_told_not_to(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from propdesk import settings

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/propdesk")
    monkeypatch.delenv("PG_PREPARE_THRESHOLD", raising=False)
    options = settings._database()["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    assert options["cursor_factory"].__name__ == "PreparedWritesCursor"
    monkeypatch.setenv("PG_PREPARE_THRESHOLD", "")  # PgBouncer in transaction mode
    options = settings._database().get("OPTIONS", {})
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    monkeypatch.setenv("PG_PREPARE_THRESHOLD", "often")
    with pytest.raises(ImproperlyConfigured, match="PG_PREPARE_THRESHOLD"):
        settings._database()
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.sqlite3")  # SQLite has no such thing
    monkeypatch.setenv("PG_PREPARE_THRESHOLD", "5")
    assert "prepare_threshold" not in settings._database()["OPTIONS"]


def test_a_registration_runs_on_prepared_inserts_and_lists_are_planned_each_time(world, now):
    """The default deployment prepares the rows a connection keeps writing; a list filtered
    on a state a partial index serves is planned for its values every time (a generic plan
    of it scanned the whole table)."""
    from django.db import connection

    from propdesk.tickets import services
    from propdesk.tickets.services import TicketFilter, filter_tickets, tickets_for
    from propdesk.tickets.tests.scenarios import new_ticket_data

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(7):
        services.register_ticket(world.agent, new_ticket_data(), now=now)
        list(filter_tickets(tickets_for(world.supervisor), TicketFilter(breached=True)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith('INSERT INTO "tickets_ticket"') for s in prepared)
    assert not [s for s in prepared if not s.startswith(("INSERT", "UPDATE"))]


def test_only_inserts_and_one_row_updates_are_worth_preparing():
    from propdesk.core.pgcursor import worth_preparing

    assert worth_preparing('INSERT INTO "tickets_ticket" ("number") VALUES (%s) RETURNING "id"')
    assert worth_preparing('UPDATE "sla_slaclock" SET "state" = %s WHERE "sla_slaclock"."id" = %s')
    assert not worth_preparing('UPDATE "sla_slaclock" SET "state" = %s WHERE "state" = %s')
    assert not worth_preparing('SELECT "id" FROM "sla_slaclock" WHERE "state" = %s')
    assert not worth_preparing(b"INSERT INTO x VALUES (1)")  # not a plain query text


def test_a_production_site_left_with_a_localhost_public_url_is_warned(settings):
    from propdesk.core.checks import public_url

    settings.DEBUG, settings.PUBLIC_URL = False, "http://localhost:8000"
    (warning,) = public_url(None)
    assert warning.id == "propdesk.W001" and "PUBLIC_URL" in warning.msg
    settings.PUBLIC_URL = "https://wuye.example.cn"
    assert public_url(None) == []
    settings.DEBUG, settings.PUBLIC_URL = True, "http://localhost:8000"  # make run
    assert public_url(None) == []
