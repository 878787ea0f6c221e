"""``pg_dump`` and ``pg_restore`` for the configured database.

The tools come from the system. A ``pg_dump`` older than the server refuses to dump it, so
the one on ``PATH`` is used when its major version is at least the server's, else Debian's
``/usr/lib/postgresql/<server major>/bin/`` one; without either the error says what to
install. Connection settings go through the environment (``PGHOST``, ``PGPASSWORD`` …), so
the password never shows in a process list.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .errors import BackupError

#: Django ``OPTIONS`` that libpq also reads from the environment.
_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def libpq_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for a libpq tool connecting where Django connects."""
    env = dict(os.environ)
    for key, var in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    for key, var in _OPTION_ENV.items():
        value = (settings_dict.get("OPTIONS") or {}).get(key)
        if value:
            env[var] = str(value)
    return env


def _major(version_output: str) -> int | None:
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version_output)
    return int(match.group(1)) if match else None


def tool_major(path: str) -> int | None:
    try:
        result = subprocess.run(  # noqa: S603 - a PostgreSQL client tool found on this machine
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    return _major(result.stdout)


def find_tool(name: str, server_major: int, *, search_path: str | None = None) -> str:
    """The ``pg_dump`` / ``pg_restore`` able to work with a server of ``server_major``."""
    candidates = []
    on_path = shutil.which(name, path=search_path)
    if on_path:
        candidates.append(on_path)
    debian = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if debian.is_file():
        candidates.append(str(debian))
    found = []
    for candidate in candidates:
        major = tool_major(candidate)
        if major is not None and major >= server_major:
            return candidate
        found.append(f"{candidate} ({major or '?'})")
    if not found:
        raise BackupError(
            _(
                "找不到 %(tool)s:请安装 PostgreSQL %(major)s 的客户端工具"
                "(Debian/Ubuntu:apt-get install postgresql-client-%(major)s)"
            )
            % {"tool": name, "major": server_major}
        )
    raise BackupError(
        _(
            "%(tool)s 的版本低于数据库服务器(PostgreSQL %(major)s):找到 %(found)s;"
            "请安装 postgresql-client-%(major)s"
        )
        % {"tool": name, "major": server_major, "found": ", ".join(found)}
    )


def _run(command: list[str], settings_dict: dict[str, Any], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - our arguments, no shell
        command,
        env=libpq_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(
            _("%(what)s 失败(退出码 %(code)s):%(detail)s")
            % {"what": what, "code": result.returncode, "detail": detail}
        )


def dump(settings_dict: dict[str, Any], server_major: int, snapshot: str, target: Path) -> str:
    """``pg_dump --format=custom`` of the configured database as of ``snapshot`` (exported by
    the caller's open transaction) into ``target``; returns the tool's version line."""
    tool = find_tool("pg_dump", server_major)
    _run(
        [
            tool,
            "--format=custom",
            "--no-password",
            f"--snapshot={snapshot}",
            f"--file={target}",
            f"--dbname={settings_dict['NAME']}",
        ],
        settings_dict,
        "pg_dump",
    )
    return f"{Path(tool).name} {tool_major(tool)}"


def restore(settings_dict: dict[str, Any], server_major: int, source: Path, *, clean: bool) -> None:
    """``pg_restore`` of ``source`` into the configured database, all or nothing. Objects are
    owned by the connecting role (``--no-owner``, ``--no-privileges``): a fresh machine need
    not have the roles of the old one. ``clean`` drops each object of the dump first."""
    tool = find_tool("pg_restore", server_major)
    command = [
        tool,
        "--no-password",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={settings_dict['NAME']}",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], settings_dict, "pg_restore")
