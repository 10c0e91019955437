"""A period of years, months, days or cycles (届), and the last day of one that starts on a given date.

Counting follows 《民法典》: the day a period starts on is not counted (第二百零一条), and a period of years or
months ends on the corresponding day of its final month, or on that month's last day when it has no such day
(第二百零二条). So a ban of 5 years decided on 2025-10-15 ends on 2030-10-15, one decided on 2024-02-29 ends on
2029-02-28, and a title valid for 3 years from 2023-05-31 is valid up to and including 2026-05-31.

Cycles are counted on cycle numbers, never on dates: asking a cycle period for a date is a programming error.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt

YEARS, MONTHS, DAYS, CYCLES = "years", "months", "days", "cycles"
UNITS = (YEARS, MONTHS, DAYS, CYCLES)
# Rulesets say "years"/"cycles"; the singular forms are accepted so a hand-written ruleset is not refused for them.
_ALIASES = {"year": YEARS, "month": MONTHS, "day": DAYS, "cycle": CYCLES}
LABELS = {YEARS: "年", MONTHS: "个月", DAYS: "日", CYCLES: "届"}


class PeriodError(ValueError):
    """A period that cannot exist or cannot give a date (a programming or ruleset error, not a user's)."""


@dataclasses.dataclass(frozen=True)
class Period:
    length: int
    unit: str

    def __post_init__(self):
        unit = _ALIASES.get(self.unit, self.unit)
        if unit not in UNITS:
            raise PeriodError(f"期间单位必须是 {'、'.join(UNITS)} 之一，而不是 {self.unit!r}。")
        if isinstance(self.length, bool) or not isinstance(self.length, int) or self.length < 0:
            raise PeriodError(f"期间长度必须是非负整数，而不是 {self.length!r}。")
        object.__setattr__(self, "unit", unit)

    @classmethod
    def from_rule(cls, rule: dict, *, unit: str | None = None) -> Period:
        """A ruleset entry such as {"length": 5, "unit": "years"}; `unit` for entries that imply it
        (award_validity_years has no unit of its own)."""
        return cls(rule["length"], unit or rule["unit"])

    def __str__(self) -> str:
        return f"{self.length}{LABELS[self.unit]}"

    @property
    def in_cycles(self) -> bool:
        return self.unit == CYCLES

    def before(self, end: dt.date) -> dt.date:
        """The date this period before `end`: the same day N years (months) earlier, or that month's last day
        when it has no such day (so 3 years before 2028-02-29 is 2025-02-28). "近N年" before a submission on D
        covers the days from D.before to D, both counted."""
        if self.unit == CYCLES:
            raise PeriodError(f"{self.length} 届的期间按届次计算，没有起始日期。")
        if self.unit == DAYS:
            return end - dt.timedelta(days=self.length)
        months = self.length * 12 if self.unit == YEARS else self.length
        year, month0 = divmod(end.year * 12 + end.month - 1 - months, 12)
        month = month0 + 1
        return dt.date(year, month, min(end.day, calendar.monthrange(year, month)[1]))

    def after(self, start: dt.date) -> dt.date:
        """The last day of this period when it starts on `start` (that day itself not counted)."""
        if self.unit == CYCLES:
            raise PeriodError(f"{self.length} 届的期间按届次计算，没有截止日期。")
        if self.unit == DAYS:
            return start + dt.timedelta(days=self.length)
        months = self.length * 12 if self.unit == YEARS else self.length
        year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
        month = month0 + 1
        return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
