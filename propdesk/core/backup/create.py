"""``propdesk backup``: the database and every uploaded file in one archive, with a manifest.

The database is read as one consistent moment while the site keeps running:

- PostgreSQL: a read-only REPEATABLE READ transaction exports its snapshot; ``pg_dump
  --snapshot`` dumps exactly that snapshot, and the row counts and checksums of the manifest
  are read in the same transaction, so they describe the dump and not a moment later.
- SQLite: Python's ``sqlite3.Connection.backup`` copies the database in one step under a
  read lock (in WAL mode writers carry on meanwhile); counts and checksums are read from the
  copy.

Media files are copied after the database: a file uploaded meanwhile is in the archive
without its row (harmless); one deleted meanwhile may be missing. The archive is written
beside its final name and renamed when complete, readable by its owner only (it holds
residents' personal data); a failed run leaves no archive.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import propdesk
from propdesk.core import clock
from propdesk.core.models import AuditAction

from . import archive, postgres
from .errors import BackupError
from .journal import audit_run
from .tables import ROW_CHECKSUM_METHOD, TableStat, latest_migrations, table_stats


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    vendor: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int


@dataclass(frozen=True)
class _DatabaseCopy:
    path: Path
    tables: dict[str, TableStat]
    migrations: dict[str, str]
    details: dict[str, Any]


def default_name(at: datetime) -> str:
    return f"propdesk-backup-{timezone.localtime(at):%Y%m%d-%H%M%S}.zip"


def target_path(output: str | Path | None, at: datetime) -> Path:
    """``output`` if it names a file; inside it if it is a directory (or ends with ``/``);
    else in BACKUP_DIR."""
    if output is None or str(output) == "":
        return Path(settings.BACKUP_DIR) / default_name(at)
    path = Path(output)
    if path.is_dir() or str(output).endswith(os.sep):
        return path / default_name(at)
    return path


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _copy_postgresql(connection: Any, folder: Path) -> _DatabaseCopy:
    path = folder / "propdesk.dump"
    server_major = connection.pg_version // 10000
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        tool = postgres.dump(connection.settings_dict, server_major, snapshot, path)
        tables = table_stats("postgresql", connection.cursor, connection.chunked_cursor)
        migrations = latest_migrations("postgresql", connection.cursor)
    details = {"server_version": connection.pg_version, "dump": f"{tool}, --format=custom"}
    return _DatabaseCopy(path, tables, migrations, details)


def _copy_sqlite(connection: Any, folder: Path) -> _DatabaseCopy:
    path = folder / "propdesk.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        # One self-contained file: the copy leaves WAL mode (the restore's target sets its own).
        copy.execute("PRAGMA journal_mode=DELETE")
        tables = table_stats("sqlite", copy.cursor)
        migrations = latest_migrations("sqlite", copy.cursor)
    finally:
        copy.close()
    details = {"sqlite_version": sqlite3.sqlite_version, "dump": "sqlite3 online backup API"}
    return _DatabaseCopy(path, tables, migrations, details)


def _copy_database(connection: Any, folder: Path) -> _DatabaseCopy:
    if connection.vendor == "postgresql":
        return _copy_postgresql(connection, folder)
    if connection.vendor == "sqlite":
        return _copy_sqlite(connection, folder)
    raise BackupError(
        _("不支持备份 %(vendor)s 数据库(支持 PostgreSQL 和 SQLite)") % {"vendor": connection.vendor}
    )


def _write_archive(
    partial: Path, vendor: str, copy: _DatabaseCopy, media_root: Path, at: datetime
) -> dict[str, Any]:
    member = archive.DATABASE_MEMBER[vendor]
    compress = zipfile.ZIP_STORED if vendor == "postgresql" else zipfile.ZIP_DEFLATED
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when a killed run left this name behind
    with os.fdopen(descriptor, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
        db_sha256, db_size = archive.add_file(zf, copy.path, member, compress)
        media: dict[str, dict[str, Any]] = {}
        for name, path in archive.media_files(media_root):
            sha256, size = archive.add_file(
                zf, path, archive.MEDIA_PREFIX + name, archive.compression_for(name)
            )
            media[name] = {"sha256": sha256, "size": size}
        manifest = {
            "format": archive.FORMAT,
            "format_version": archive.FORMAT_VERSION,
            "created_at": at.isoformat(),
            "propdesk_version": getattr(propdesk, "__version__", ""),
            "database": {
                "vendor": vendor,
                "member": member,
                "sha256": db_sha256,
                "size": db_size,
                **copy.details,
            },
            "migrations": copy.migrations,
            "row_checksum_method": ROW_CHECKSUM_METHOD,
            "tables": {name: stat.as_dict() for name, stat in sorted(copy.tables.items())},
            "media": media,
        }
        archive.write_manifest(zf, manifest)
    return manifest


def create_backup(
    output: str | Path | None = None, *, using: str = "default", now: datetime | None = None
) -> BackupResult:
    """Write the archive; its path and what it holds. Raises :class:`BackupError`.

    Every run, made or failed, is written to the audit log of the database backed up (after
    the copy: a backup does not contain its own entry)."""
    at = clock.resolve(now)
    try:
        result = _create(output, using, at)
    except BackupError as exc:
        audit_run(using, AuditAction.BACKUP, "", {"ok": False, "error": exc.message}, at)
        raise
    audit_run(
        using,
        AuditAction.BACKUP,
        result.path.name,
        {
            "ok": True,
            "path": str(result.path),
            "size": result.size,
            "tables": result.tables,
            "rows": result.rows,
            "media_files": result.media_files,
            "media_bytes": result.media_bytes,
        },
        at,
    )
    return result


def _create(output: str | Path | None, using: str, at: datetime) -> BackupResult:
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError(_("备份不能在数据库事务中进行"))
    target = target_path(output, at)
    media_root = Path(settings.MEDIA_ROOT)
    if _inside(target, media_root):
        raise BackupError(
            _("备份文件不能放在媒体文件夹 %(media)s 里(那里的文件可被网页访问):%(target)s")
            % {"media": media_root, "target": target}
        )
    if target.exists():
        raise BackupError(_("%(target)s 已存在,不覆盖") % {"target": target})
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix=".propdesk-backup-", dir=target.parent) as tmp:
            copy = _copy_database(connection, Path(tmp))
            manifest = _write_archive(partial, connection.vendor, copy, media_root, at)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=target,
        size=target.stat().st_size,
        vendor=connection.vendor,
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        media_files=len(manifest["media"]),
        media_bytes=sum(f["size"] for f in manifest["media"].values()),
    )
