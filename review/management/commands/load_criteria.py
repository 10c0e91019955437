from django.core.management.base import BaseCommand

from review.services import criteria_load_builtin


class Command(BaseCommand):
    help = "载入（或更新）内置评分标准：GB/T 19580-2012、二连浩特个人评分表、陈述答辩评分表。可重复执行。"

    def handle(self, *args, **options):
        count = criteria_load_builtin()
        self.stdout.write(f"已载入 {count} 套评分标准。")
