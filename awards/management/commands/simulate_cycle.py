import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from awards.simulation import simulate_cycle
from core.errors import DomainError


class Command(BaseCommand):
    help = "Runs a complete cycle of an award with generated applicants through the real services and windows."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--applicants", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", help="YYYY-MM-DD (default: a Monday inside the ruleset's force)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, slug, applicants, seed, start, json: bool, **options):
        import json as jsonlib

        try:
            result = simulate_cycle(slug, applicants=applicants, seed=seed, start=dt.date.fromisoformat(start) if start else None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if json:
            self.stdout.write(jsonlib.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{result['award_name']} 第{result['cycle']['number']}届：获奖 {len(result['winners'])}，"
                              f"未晋级 {len(result['not_advanced'])}，未通过 {len(result['rejected'])}")
