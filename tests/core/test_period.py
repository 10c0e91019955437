"""Period.after: the last day of a period of N years/months/days starting on a date (民法典 第二百零一条、第二百零二条)."""
import datetime as dt

import pytest

from core.period import Period, PeriodError

pytestmark = pytest.mark.unit

D = dt.date


@pytest.mark.parametrize(("length", "unit", "start", "last_day"), [
    (5, "years", D(2025, 10, 15), D(2030, 10, 15)),   # the day of the decision is not counted: same date 5 years on
    (3, "years", D(2023, 5, 31), D(2026, 5, 31)),     # a month end that exists stays (not capped at the 28th)
    (1, "years", D(2024, 2, 29), D(2025, 2, 28)),     # no 29 February in the final month: its last day
    (5, "years", D(2024, 2, 29), D(2029, 2, 28)),
    (4, "years", D(2024, 2, 29), D(2028, 2, 29)),     # a leap year again: the corresponding day exists
    (1, "months", D(2025, 1, 31), D(2025, 2, 28)),
    (1, "months", D(2024, 1, 31), D(2024, 2, 29)),
    (1, "months", D(2025, 3, 31), D(2025, 4, 30)),
    (1, "months", D(2025, 12, 15), D(2026, 1, 15)),   # across a year end
    (14, "months", D(2025, 11, 30), D(2027, 1, 30)),
    (10, "days", D(2025, 12, 25), D(2026, 1, 4)),
    (0, "years", D(2025, 6, 1), D(2025, 6, 1)),
])
def test_last_day_of_the_period(length, unit, start, last_day):
    assert Period(length, unit).after(start) == last_day


@pytest.mark.parametrize(("given", "unit"), [("year", "years"), ("month", "months"), ("day", "days"), ("cycle", "cycles")])
def test_singular_unit_names_mean_the_plural(given, unit):
    assert Period(2, given) == Period(2, unit)


def test_the_rulesets_periods_read_as_given():
    assert Period.from_rule({"length": 5, "unit": "years", "article": "第三十二条"}).after(D(2025, 10, 15)) == D(2030, 10, 15)
    assert Period.from_rule({"length": 3, "article": "第三条"}, unit="years").after(D(2023, 5, 31)) == D(2026, 5, 31)
    assert Period.from_rule({"length": 1, "unit": "cycles"}).in_cycles


def test_a_cycle_period_has_no_date():
    with pytest.raises(PeriodError, match="按届次计算"):
        Period(1, "cycles").after(D(2025, 1, 1))


@pytest.mark.parametrize("unit", ["working_days", "calendar_days", "weeks", "年", ""])
def test_an_unknown_unit_is_refused(unit):
    with pytest.raises(PeriodError, match="期间单位"):
        Period(1, unit)


@pytest.mark.parametrize("length", [-1, 1.5, "3", True])
def test_a_length_that_is_not_a_whole_count_is_refused(length):
    with pytest.raises(PeriodError, match="期间长度"):
        Period(length, "years")


def test_a_period_is_a_value():
    p = Period(5, "years")
    assert p == Period(5, "year") and hash(p) == hash(Period(5, "years"))
    with pytest.raises(AttributeError):
        p.length = 6


def test_a_period_reads_in_chinese():
    assert [str(Period(5, "years")), str(Period(3, "months")), str(Period(10, "days")), str(Period(1, "cycles"))] == ["5年", "3个月", "10日", "1届"]
