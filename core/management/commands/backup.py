from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Backs up the database (pg_dump custom format, or a copy of the SQLite file) and MEDIA_ROOT, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="var/backups", help="directory under which a dated backup directory is made")

    def handle(self, *args, out, **options):
        try:
            target = create_backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{target}")
        self.stdout.write(f"恢复命令：make restore FROM={target}")
        self.stdout.write("注意：FIELD_ENCRYPTION_KEY 不在备份中，请另行妥善保管，否则加密字段与商业秘密文件无法解密。")
