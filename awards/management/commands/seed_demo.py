from django.core.management.base import BaseCommand

from awards import demo as awards_demo
from jurisdictions import demo


class Command(BaseCommand):
    help = "Loads the demo users for every role and the demo cycle (idempotent; for `make run` only)."

    def handle(self, *args, **options):
        rows = demo.seed_staff()
        awards_demo.seed(stdout=self.stdout)
        self.stdout.write(f"演示账户 {len(rows)} 个已就绪。")
