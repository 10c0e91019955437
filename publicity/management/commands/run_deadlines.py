import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from core import clock
from publicity.sweep import run_sweep


class Command(BaseCommand):
    help = "Runs the deadline sweep once (closes due publicity windows, flags overdue work)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO datetime to sweep as of (rehearsals with a simulated clock)")

    def handle(self, *args, now=None, **options):
        moment = None
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError("--now 须为 ISO 8601 日期时间，如 2026-10-14T00:00:00+08:00") from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=clock.SHANGHAI)
        with clock.frozen_at(moment or clock.now()):
            result = run_sweep(moment)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
