"""The working-day calendar (工作日) and windows.

Working days follow the State Council's yearly holiday notices, make-up working days (调休) included:
`chinesecalendar` for the years it knows, staff-entered `CalendarOverride` rows on top (and for a year
it does not know, once staff mark that year complete with a `CalendarYear`). A date in a year neither
source knows raises `CalendarUnknownYear`; nothing here ever falls back to Monday–Friday.

The one convention: a window of N working days opened on D starts on D if D is a working day, else on
the next working day; its last day is the Nth working day from that start, inclusive; it closes at
24:00 Asia/Shanghai of its last day. A window of N calendar days ends on the Nth day counting D as day 1.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as cc_constants

from core.clock import end_of_day
from core.errors import CalendarUnknownYear, DomainError

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
UNITS = (WORKING_DAYS, CALENDAR_DAYS)
UNIT_LABELS = {WORKING_DAYS: "个工作日", CALENDAR_DAYS: "天"}


@lru_cache(maxsize=1)
def library_years() -> frozenset[int]:
    days = list(cc_constants.holidays) + list(cc_constants.workdays)
    return frozenset(range(min(d.year for d in days), max(d.year for d in days) + 1))


def _overrides_for(years: set[int]) -> tuple[dict[dt.date, bool], set[int]]:
    from .models import CalendarOverride, CalendarYear

    overrides = dict(
        CalendarOverride.objects.filter(day__year__in=years).values_list("day", "is_working")
    ) if years else {}
    declared = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True)) if years else set()
    return overrides, declared


def known_years() -> list[int]:
    from .models import CalendarYear

    return sorted(library_years() | set(CalendarYear.objects.values_list("year", flat=True)))


class WorkingDayCalendar:
    """Answers is_working(day) for a span of years, with overrides loaded once."""

    def __init__(self, years: set[int]):
        self.years = set(years)
        self.overrides, self.declared = _overrides_for(self.years)

    def _require(self, day: dt.date) -> None:
        if day.year not in library_years() and day.year not in self.declared:
            raise CalendarUnknownYear(
                f"工作日历尚未收录 {day.year} 年的节假日安排，无法计算该年度的工作日。"
                f"请办公室工作人员根据国务院办公厅发布的 {day.year} 年部分节假日安排通知录入该年度的节假日和调休上班日。",
                code="calendar_unknown_year",
            )

    def is_working(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        self._require(day)
        if day.year in library_years():
            return chinese_calendar.is_workday(day)
        # A declared year: every holiday and make-up day is an override; the rest follows the week.
        return day.weekday() < 5


@dataclasses.dataclass(frozen=True)
class Window:
    opened_on: dt.date
    first_day: dt.date
    last_day: dt.date
    length: int
    unit: str

    @property
    def closes_at(self) -> dt.datetime:
        return end_of_day(self.last_day)

    def label(self) -> str:
        """公示期：2025年9月30日至2025年10月13日（5个工作日）"""
        return f"{_cn_date(self.first_day)}至{_cn_date(self.last_day)}（{self.length}{UNIT_LABELS[self.unit]}）"

    def as_dict(self) -> dict:
        return {
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "closes_at": self.closes_at.isoformat(),
            "length": self.length,
            "unit": self.unit,
        }


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


LAST_COMPUTABLE_START = dt.date(9997, 12, 31)


def compute_window(start: dt.date, length: int, unit: str) -> Window:
    if unit not in UNITS:
        raise DomainError(f"期限单位必须是 {WORKING_DAYS}（工作日）或 {CALENDAR_DAYS}（自然日）。", code="bad_unit")
    if not isinstance(length, int) or length < 1 or length > 400:
        raise DomainError("期限长度必须是 1 至 400 之间的整数。", code="bad_length")
    if start > LAST_COMPUTABLE_START:  # 400 days after it, and the closing midnight, must still be a date
        raise DomainError(f"开始日期不能晚于 {LAST_COMPUTABLE_START:%Y-%m-%d}。", code="bad_start")
    if unit == CALENDAR_DAYS:
        return Window(start, start, start + dt.timedelta(days=length - 1), length, unit)
    # Generous span of years to cover the window (400 working days < 2 years).
    cal = WorkingDayCalendar({start.year, start.year + 1, start.year + 2})
    day = start
    while not cal.is_working(day):
        day += dt.timedelta(days=1)
    first = day
    counted = 1
    while counted < length:
        day += dt.timedelta(days=1)
        if cal.is_working(day):
            counted += 1
    return Window(start, first, day, length, unit)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The Nth working day after `start` (not counting start): for 'within N working days of receipt'."""
    cal = WorkingDayCalendar({start.year, start.year + 1, start.year + 2})
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if cal.is_working(day):
            counted += 1
    return day


def deadline_after(start: dt.date, length: int, unit: str) -> dt.date:
    """Last day of a deadline counted from an event on `start` (receipt): the event day is day 0."""
    if unit == CALENDAR_DAYS:
        return start + dt.timedelta(days=length)
    return add_working_days(start, length)


def is_working_day(day: dt.date) -> bool:
    return WorkingDayCalendar({day.year}).is_working(day)


def coverage_warning(today: dt.date) -> str:
    """What the office should be told about the calendar: this year not entered, or (from October, when the
    State Council usually publishes it) next year not yet entered. Empty when there is nothing to do."""
    years = set(known_years())
    if today.year not in years:
        return (f"工作日历尚未收录 {today.year} 年的节假日安排：落在该年度的公示期和办理时限暂时无法计算。"
                f"请依据国务院办公厅关于 {today.year} 年部分节假日安排的通知录入。")
    if today.month >= 10 and today.year + 1 not in years:
        return (f"工作日历尚未收录 {today.year + 1} 年的节假日安排：跨入 {today.year + 1} 年的公示期和办理时限将无法计算。"
                f"国务院办公厅发布通知后，请及时录入。")
    return ""
