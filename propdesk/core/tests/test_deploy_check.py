"""`propdesk check --deploy` with the production settings the README documents: no warnings.

The environment is read from the README's own `export` lines, so the documentation and the
settings cannot drift apart."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"
#: Settings the README's block sets; removed from the test's own environment first.
HTTPS_SETTINGS = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "PUBLIC_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "SECRET_KEY",
    # Set by the browser tests' fixture for their own process; never in a deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def documented_production_environment() -> dict[str, str]:
    """NAME=value pairs of the README's `export` lines (the database is left out: the check
    runs on a scratch SQLite file)."""
    values: dict[str, str] = {}
    for line in README.read_text().splitlines():
        line = line.strip()
        if line.startswith("export "):
            values.update(re.findall(r"(\w+)=(\S+)", line))
    values.pop("DATABASE_URL", None)
    values["SECRET_KEY"] = secrets.token_urlsafe(50)  # the README writes "…"
    return values


def check_deploy(tmp_path, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in HTTPS_SETTINGS}
    environment.update(
        PROPDESK_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", **env
    )
    return subprocess.run(
        [sys.executable, "-m", "propdesk", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_the_documented_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    env = documented_production_environment()
    assert env["SECURE_SSL_REDIRECT"] == "1" and env["SECURE_HSTS_SECONDS"] == "31536000"

    result = check_deploy(tmp_path, env)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_them_check_deploy_names_what_is_missing(tmp_path):
    result = check_deploy(tmp_path, {"PUBLIC_URL": "https://propdesk.example.com"})

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_the_proxy_header_is_read_from_its_name(tmp_path):
    script = "from propdesk import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    environment = {k: v for k, v in os.environ.items() if k not in HTTPS_SETTINGS}
    environment.update(PROPDESK_VAR_DIR=str(tmp_path), SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
