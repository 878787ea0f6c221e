"""``propdesk backup [--output PATH]``: the database and every uploaded file in one archive.

PATH is a file name, or a directory to write ``propdesk-backup-<time>.zip`` into (default:
BACKUP_DIR, ``var/backups``). See README "Backup and restore" and propdesk/core/backup/.
"""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from propdesk.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write one archive with the database, every uploaded file and a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="the archive's file name, or a directory for it (default: BACKUP_DIR)",
        )

    def handle(self, *args, output, **options):
        try:
            result = create_backup(output)
        except BackupError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(str(result.path))
        self.stdout.write(
            _(
                "已备份:%(tables)s 张表、%(rows)s 行,%(files)s 个媒体文件(%(media)s);"
                "备份文件 %(size)s"
            )
            % {
                "tables": result.tables,
                "rows": result.rows,
                "files": result.media_files,
                "media": filesizeformat(result.media_bytes),
                "size": filesizeformat(result.size),
            }
        )
