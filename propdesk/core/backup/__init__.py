"""Backup and restore (issue 16 item 10; README "Backup and restore").

- :func:`create_backup` (``propdesk backup``): one ZIP archive with the database
  (``pg_dump --format=custom``, or SQLite's online backup API), every file under MEDIA_ROOT
  and a manifest of row counts and checksums per table and a SHA-256 per file (archive.py,
  create.py, tables.py).
- :func:`restore_backup` (``propdesk restore ARCHIVE``): into an empty database and media
  folder, then verified against the manifest (restore.py).
"""

from .create import BackupResult, create_backup
from .errors import BackupError, RestoreRefused
from .restore import RestoreReport, restore_backup

__all__ = [
    "BackupError",
    "BackupResult",
    "RestoreRefused",
    "RestoreReport",
    "create_backup",
    "restore_backup",
]
