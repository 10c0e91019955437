import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import pagecache
from core.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Restores a backup made by `backup` into the configured database and MEDIA_ROOT, then verifies the audit chain."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="a backup directory (with manifest.json)")
        parser.add_argument("--skip-media", action="store_true", help="restore the database only")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, source, skip_media, noinput, **options):
        try:
            manifest = read_manifest(source)
            if not noinput and sys.stdin.isatty():
                name = connection.settings_dict["NAME"]
                answer = input(f"将用 {manifest['created_at']} 的备份覆盖数据库 {name} 及上传文件，输入 yes 继续：")
                if answer.strip().lower() != "yes":
                    raise CommandError("已取消，未做任何修改。")
            result = restore_backup(source, media=not skip_media)
            pagecache.new_epoch()  # the restore wrote outside Django's connections: no cached page is current
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份（{manifest['database']['vendor']}），"
                          f"上传文件 {result['media_files']} 个。")
        if result["broken"] is not None:
            raise CommandError(f"审计日志链在第 {result['broken'].pk} 条记录处断开（已检查 {result['audit_count']} 条）。")
        expected = manifest["audit"]["count"]
        if result["audit_count"] < expected:
            raise CommandError(f"审计记录少于备份时的 {expected} 条（现有 {result['audit_count']} 条）。")
        self.stdout.write(f"审计日志完整：{result['audit_count']} 条记录，哈希链无断点。")
