from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Walks the audit hash chain and reports the first broken link."

    def handle(self, *args, **options):
        count, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"审计日志链在第 {broken.pk} 条记录处断开（已检查 {count} 条）。")
        self.stdout.write(f"审计日志完整：{count} 条记录，哈希链无断点。")
