"""The backup archive: one ZIP file.

- ``database/propdesk.dump`` (PostgreSQL, ``pg_dump --format=custom``) or
  ``database/propdesk.sqlite3`` (SQLite, a copy through the online backup API);
- ``media/<path>``: every file under ``MEDIA_ROOT``, at its path there;
- ``manifest.json``: what the archive holds and how to check it (written last, read first:
  a ZIP's directory is at its end, so the restore reads the manifest without unpacking).

ZIP rather than tar.gz because its members can be read one by one: the restore checks the
manifest and the vendor before it touches anything, and the database dump (already
compressed by ``pg_dump``) is stored as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import BackupError

FORMAT = "propdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBER = {
    "postgresql": "database/propdesk.dump",
    "sqlite": "database/propdesk.sqlite3",
}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1 << 20

#: Media already compressed: stored as they are (deflating them again costs time, saves nothing).
_COMPRESSED = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".mp4", ".mov", ".m4a", ".mp3",
     ".aac", ".amr", ".zip", ".gz", ".7z", ".rar", ".docx", ".xlsx", ".pptx", ".pdf"}
)  # fmt: skip


def compression_for(name: str) -> int:
    suffix = PurePosixPath(name).suffix.lower()
    return zipfile.ZIP_STORED if suffix in _COMPRESSED else zipfile.ZIP_DEFLATED


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file under ``root`` as (its POSIX path relative to ``root``, its path), sorted;
    symbolic links to directories are not followed."""
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory, filename)
            if path.is_file():
                yield path.relative_to(root).as_posix(), path


def is_safe_media_name(name: str) -> bool:
    """A relative path that stays inside the media folder (no ``..``, no absolute path)."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return all(part not in ("", ".", "..") for part in parts) and len(parts) > 0


def copy_hashing(source: IO[bytes], target: IO[bytes]) -> tuple[str, int]:
    """Copy ``source`` into ``target`` in chunks; its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def add_file(zf: zipfile.ZipFile, path: Path, member: str, compress_type: int) -> tuple[str, int]:
    """Stream ``path`` into the archive as ``member``; its SHA-256 and size as written."""
    info = zipfile.ZipInfo.from_file(path, member, strict_timestamps=False)
    info.compress_type = compress_type
    big = path.stat().st_size >= zipfile.ZIP64_LIMIT
    with path.open("rb") as source, zf.open(info, "w", force_zip64=big) as target:
        return copy_hashing(source, target)


def write_manifest(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    zf.writestr(MANIFEST, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)


def open_archive(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise BackupError(_("找不到备份文件 %(path)s") % {"path": path})
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(
            _("%(path)s 不是 PropDesk 备份(%(error)s)") % {"path": path, "error": exc}
        ) from None


def read_manifest(zf: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    """The archive's manifest, checked for the fields a restore needs."""
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(
            _("%(path)s 不是 PropDesk 备份:清单 manifest.json 缺失或无法读取(%(error)s)")
            % {"path": path, "error": exc}
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(path)s 不是 PropDesk 备份") % {"path": path})
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            _("%(path)s 的备份格式版本 %(version)s 不受支持(本版本读取版本 %(supported)s)")
            % {"path": path, "version": version, "supported": FORMAT_VERSION}
        )
    database = manifest.get("database")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_MEMBER
        or not isinstance(manifest.get("tables"), dict)
        or not isinstance(manifest.get("media"), dict)
    ):
        raise BackupError(_("%(path)s 的清单不完整") % {"path": path})
    return manifest
