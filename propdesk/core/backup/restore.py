"""``propdesk restore ARCHIVE``: a backup back into an empty database and media folder,
then checked against its manifest.

Order of work, each step before the next touches anything:

1. the archive is read: its manifest (format and version), and its vendor must be the
   configured database's (a PostgreSQL dump restores into PostgreSQL, SQLite into SQLite);
2. the target must be empty — no table in the database, no file under ``MEDIA_ROOT`` —
   unless ``force``: then every table is dropped (PostgreSQL; SQLite's copy replaces the
   whole file's content) and every file under ``MEDIA_ROOT`` deleted;
3. the database copy is unpacked and its SHA-256 compared with the manifest: a damaged or
   altered dump is not restored at all;
4. the database is restored: ``pg_restore`` in one transaction, or SQLite's online backup
   API from the copy into the configured database file;
5. the media files are unpacked, each hashed as it is written;
6. verification: the tables, the row count and checksum of each, the applied migrations and
   every media file are compared with the manifest; each difference is reported.

The run is written to the restored database's audit log after the verification (so the
entry is not part of what was verified).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.models import AuditAction

from . import archive, postgres
from .errors import BackupError, RestoreRefused
from .journal import audit_run
from .tables import latest_migrations, list_tables, quote, table_stats


@dataclass
class RestoreReport:
    archive: Path
    created_at: str
    vendor: str
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    media_bytes: int = 0
    mismatches: list[str] = field(default_factory=list)
    #: Migrations of this code not applied in the restored database (run ``migrate``).
    pending_migrations: list[str] = field(default_factory=list)
    #: Migrations applied in the restored database that this code does not know.
    unknown_migrations: list[str] = field(default_factory=list)
    audited: bool = False

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _check_empty(connection: Any, media_root: Path, force: bool) -> None:
    problems = []
    tables = list_tables(connection.vendor, connection.cursor)
    if tables:
        problems.append(
            _("数据库 %(name)s 不是空的(有 %(count)s 张表,如 %(some)s)")
            % {
                "name": connection.settings_dict["NAME"],
                "count": len(tables),
                "some": "、".join(tables[:3]),
            }
        )
    files = sum(1 for _file in archive.media_files(media_root))
    if files:
        problems.append(
            _("媒体文件夹 %(path)s 不是空的(有 %(count)s 个文件)")
            % {"path": media_root, "count": files}
        )
    if problems and not force:
        raise RestoreRefused(
            _("拒绝恢复:%(problems)s。请恢复到空的数据库和媒体文件夹;确要替换其中的一切,加 --force")
            % {"problems": ";".join(problems)}
        )


def _wipe(connection: Any, media_root: Path) -> None:
    """``force``: drop every table (PostgreSQL) and delete everything under MEDIA_ROOT."""
    if connection.vendor == "postgresql":
        tables = list_tables(connection.vendor, connection.cursor)
        if tables:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {', '.join(map(quote, tables))} CASCADE")
    if media_root.is_dir():
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def _unpack_database(zf: zipfile.ZipFile, manifest: dict[str, Any], folder: Path) -> Path:
    database = manifest["database"]
    member = archive.DATABASE_MEMBER[database["vendor"]]
    path = folder / Path(member).name
    try:
        with zf.open(member) as source, path.open("wb") as target:
            sha256, _size = archive.copy_hashing(source, target)
    except KeyError:
        raise BackupError(_("备份中没有数据库文件 %(member)s") % {"member": member}) from None
    except zipfile.BadZipFile as exc:
        raise BackupError(_("备份中的数据库文件已损坏:%(error)s") % {"error": exc}) from None
    if sha256 != database.get("sha256"):
        raise BackupError(_("备份中的数据库文件与清单的校验和不符(已损坏或被改动),未恢复任何内容"))
    return path


def _restore_database(connection: Any, source: Path, force: bool) -> None:
    if connection.vendor == "postgresql":
        server_major = connection.pg_version // 10000
        postgres.restore(connection.settings_dict, server_major, source, clean=force)
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
    connection.close()  # the schema changed under this connection


def _unpack_media(
    zf: zipfile.ZipFile, manifest: dict[str, Any], media_root: Path, report: RestoreReport
) -> None:
    expected: dict[str, dict[str, Any]] = manifest["media"]
    seen: set[str] = set()
    for info in zf.infolist():
        if not info.filename.startswith(archive.MEDIA_PREFIX) or info.is_dir():
            continue
        name = info.filename[len(archive.MEDIA_PREFIX) :]
        if not archive.is_safe_media_name(name):
            report.mismatches.append(_("媒体文件名不安全,未恢复:%(name)s") % {"name": name})
            continue
        if name not in expected:
            report.mismatches.append(_("媒体文件不在清单中,未恢复:%(name)s") % {"name": name})
            continue
        target = media_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with zf.open(info) as source, target.open("wb") as out:
                sha256, size = archive.copy_hashing(source, out)
        except zipfile.BadZipFile as exc:
            report.mismatches.append(
                _("媒体文件已损坏:%(name)s(%(error)s)") % {"name": name, "error": exc}
            )
            continue
        seen.add(name)
        report.media_files += 1
        report.media_bytes += size
        if sha256 != expected[name].get("sha256"):
            report.mismatches.append(_("媒体文件校验和不符:%(name)s") % {"name": name})
    for name in sorted(set(expected) - seen):
        report.mismatches.append(_("媒体文件缺失:%(name)s") % {"name": name})


def _verify_database(connection: Any, manifest: dict[str, Any], report: RestoreReport) -> None:
    with transaction.atomic(using=connection.alias):
        stats = table_stats(connection.vendor, connection.cursor, connection.chunked_cursor)
        migrations = latest_migrations(connection.vendor, connection.cursor)
    expected: dict[str, dict[str, Any]] = manifest["tables"]
    for table in sorted(set(expected) - set(stats)):
        report.mismatches.append(_("数据表缺失:%(table)s") % {"table": table})
    for table in sorted(set(stats) - set(expected)):
        report.mismatches.append(_("多出清单中没有的数据表:%(table)s") % {"table": table})
    for table in sorted(set(stats) & set(expected)):
        got, want = stats[table], expected[table]
        if got.rows != want.get("rows"):
            report.mismatches.append(
                _("%(table)s:%(got)s 行,清单为 %(want)s 行")
                % {"table": table, "got": got.rows, "want": want.get("rows")}
            )
        elif got.sha256 != want.get("sha256"):
            report.mismatches.append(_("%(table)s:行内容的校验和不符") % {"table": table})
    report.tables = len(stats)
    report.rows = sum(s.rows for s in stats.values())
    if migrations != manifest.get("migrations", {}):
        report.mismatches.append(_("已应用的迁移与清单不符"))


def _migration_state(connection: Any, report: RestoreReport) -> None:
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    report.pending_migrations = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
    report.unknown_migrations = sorted(
        f"{app}.{name}"
        for app, name in loader.applied_migrations
        if (app, name) not in loader.graph.nodes
    )


def restore_backup(
    path: Path, *, force: bool = False, using: str = "default", now: datetime | None = None
) -> RestoreReport:
    """Restore ``path`` and verify it; the report lists every difference from the manifest
    (``report.ok`` when there is none). Raises :class:`BackupError` when nothing could be
    restored, :class:`RestoreRefused` when the target is not empty."""
    at = clock.resolve(now)
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    with archive.open_archive(path) as zf:
        manifest = archive.read_manifest(zf, path)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                _("这是 %(archive)s 数据库的备份,本系统配置的是 %(target)s:只能恢复到同一种数据库")
                % {
                    "archive": archive.VENDOR_NAMES[vendor],
                    "target": archive.VENDOR_NAMES.get(connection.vendor, connection.vendor),
                }
            )
        if connection.in_atomic_block:
            raise BackupError(_("恢复不能在数据库事务中进行"))
        try:
            _check_empty(connection, media_root, force)
        except RestoreRefused as exc:
            audit_run(
                using, AuditAction.RESTORE, path.name, {"ok": False, "error": exc.message}, at
            )
            raise
        report = RestoreReport(
            archive=path, created_at=manifest.get("created_at", ""), vendor=vendor
        )
        with tempfile.TemporaryDirectory(prefix=".propdesk-restore-", dir=settings.VAR_DIR) as tmp:
            copy = _unpack_database(zf, manifest, Path(tmp))
            if force:
                _wipe(connection, media_root)
            _restore_database(connection, copy, force)
        media_root.mkdir(parents=True, exist_ok=True)
        _unpack_media(zf, manifest, media_root, report)
    _verify_database(connection, manifest, report)
    _migration_state(connection, report)
    report.audited = audit_run(
        using,
        AuditAction.RESTORE,
        path.name,
        {
            "ok": report.ok,
            "archive": str(path),
            "created_at": report.created_at,
            "tables": report.tables,
            "rows": report.rows,
            "media_files": report.media_files,
            "mismatches": report.mismatches[:100],
        },
        at,
    )
    return report
