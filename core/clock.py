"""The one clock. Code asks `clock.now()`; tests, `run_deadlines --now` and `simulate_cycle` move it."""
import contextlib
import contextvars
import datetime as dt
import os
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("clock_override", default=None)


def _process_clock() -> dt.datetime | None:
    """CLOCK_FROZEN_AT (ISO 8601) pins a whole process's clock: a worker for a rehearsal or a test."""
    value = os.environ.get("CLOCK_FROZEN_AT")
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def now() -> dt.datetime:
    frozen = _override.get()
    if frozen is not None:
        return frozen
    pinned = _process_clock()
    return pinned if pinned is not None else timezone.now()


def today() -> dt.date:
    """Today's date in Asia/Shanghai (deadlines are days there)."""
    return now().astimezone(SHANGHAI).date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime):
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=SHANGHAI)
    token = _override.set(moment)
    try:
        yield moment
    finally:
        _override.reset(token)


def set_now(moment: dt.datetime | None) -> None:
    """Move the clock for the rest of this context (simulations advance it step by step)."""
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=SHANGHAI)
    _override.set(moment)


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 Asia/Shanghai of `day`, as an aware datetime (the next midnight)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=SHANGHAI)
