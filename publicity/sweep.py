"""The deadline sweep, run every minute by beat (and once by `run_deadlines`): closes due windows and
flags overdue staff work. Idempotent: a second run finds nothing to do."""
from __future__ import annotations

import datetime as dt

from core import clock


def flag_overdue(now: dt.datetime) -> int:
    from awards.enums import WORKING
    from awards.models import Application

    today = now.astimezone(clock.SHANGHAI).date()
    return Application.objects.filter(status__in=WORKING, stage_due__lt=today).count()


def run_sweep(now: dt.datetime | None = None) -> dict:
    from .windows import close_due_windows

    from django.core.cache import cache

    from .reminders import send_due_reminders

    now = now or clock.now()
    result = close_due_windows(now=now)
    result["overdue"] = flag_overdue(now)
    # Reminders are once a day per thing (a unique row); looking for them hourly is plenty.
    hour = now.astimezone(clock.SHANGHAI).strftime("%Y%m%d%H")
    result["reminders"] = send_due_reminders(now) if cache.add(f"reminders-swept:{hour}", 1, 3700) else 0
    return result
