from django.core.management.base import BaseCommand

from jurisdictions.services import load_all_seeds


class Command(BaseCommand):
    help = "Loads the jurisdiction tree and the five seed awards with their rulesets (idempotent)."

    def handle(self, *args, **options):
        awards = load_all_seeds()
        for award in awards:
            self.stdout.write(f"  {award.slug:20s} {award.name}（{award.jurisdiction.code}）规则版本 {award.rulesets.count()} 个")
        self.stdout.write(self.style.SUCCESS(f"已载入 {len(awards)} 个质量奖。"))
