"""``propdesk restore ARCHIVE [--force]``: a backup back into an empty database and media
folder, then verified against its manifest; exit status 1 on any difference.

Without ``--force`` a database with any table or a media folder with any file is refused
(the message names which). ``--force`` replaces them: every table is dropped and every file
under MEDIA_ROOT deleted first. See README "Backup and restore".
"""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.backup import BackupError, restore_backup
from propdesk.core.backup.archive import VENDOR_NAMES


def _local(report) -> str:
    try:
        return f"{timezone.localtime(datetime.fromisoformat(report.created_at)):%Y-%m-%d %H:%M:%S}"
    except (TypeError, ValueError):
        return report.created_at


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media folder, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and media folder that are not empty: drop every table "
            "and delete every file under MEDIA_ROOT first",
        )

    def handle(self, *args, archive, force, **options):
        try:
            report = restore_backup(archive, force=force)
        except BackupError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            _("已从 %(archive)s 恢复(%(vendor)s,备份于 %(at)s)")
            % {"archive": archive, "vendor": VENDOR_NAMES[report.vendor], "at": _local(report)}
        )
        self.stdout.write(
            _("数据库:%(tables)s 张表、%(rows)s 行;媒体文件:%(files)s 个(%(size)s)")
            % {
                "tables": report.tables,
                "rows": report.rows,
                "files": report.media_files,
                "size": filesizeformat(report.media_bytes),
            }
        )
        if report.pending_migrations:
            self.stdout.write(
                _("本版本还有 %(count)s 个迁移未应用到恢复的数据库:请运行 propdesk migrate")
                % {"count": len(report.pending_migrations)}
            )
        if report.unknown_migrations:
            self.stdout.write(
                _("恢复的数据库应用过本版本没有的迁移(备份来自更新的版本?):%(names)s")
                % {"names": ", ".join(report.unknown_migrations)}
            )
        if not report.audited:
            self.stdout.write(_("未能写入审计日志(请先运行 propdesk migrate)"))
        if not report.ok:
            for line in report.mismatches:
                self.stderr.write(line)
            raise CommandError(
                _("校验未通过:%(count)s 处与清单不符") % {"count": len(report.mismatches)}
            )
        self.stdout.write(_("校验通过:每张表的行数和校验和、每个媒体文件的校验和都与清单一致"))
