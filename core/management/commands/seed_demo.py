from django.core.management.base import BaseCommand

from jurisdictions import demo


class Command(BaseCommand):
    help = "Loads the demo users for every role and the demo cycle (idempotent; for `make run` only)."

    def handle(self, *args, **options):
        rows = demo.seed_staff()
        try:
            from awards import demo as awards_demo
        except ImportError:
            awards_demo = None
        if awards_demo is not None and hasattr(awards_demo, "seed"):
            awards_demo.seed(stdout=self.stdout)
        self.stdout.write(f"演示账户 {len(rows)} 个已就绪。")
