"""Fuzzing with hypothesis: the public calendar API answers 200 or 400 (never 5xx) whatever dates and lengths
it is given; the scoring service refuses every percentage outside 0–100 or off the 5% step with a
DomainError (and the score API answers 400 with code invalid_percent). Upload validation is fuzzed in
tests/core/test_uploads.py; credit codes and ID numbers in tests/awards/test_validators.py."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings as hsettings, strategies as st

from core.errors import DomainError

pytestmark = pytest.mark.django_db
FUZZ = hsettings(max_examples=60, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

dates = st.one_of(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
                  st.text(max_size=12), st.sampled_from(["2025-02-29", "2025-13-01", "0000-01-01", "9999-12-31", "", "２０２５-０１-０１"]))
lengths = st.one_of(st.integers(min_value=-10**6, max_value=10**6).map(str), st.text(max_size=8),
                    st.sampled_from(["1", "400", "401", "0", "-1", "1e3", "99999999999999999999", "5.5"]))
units = st.one_of(st.sampled_from(["working_days", "calendar_days"]), st.text(max_size=15))


@FUZZ
@given(start=dates, length=lengths, unit=units)
@example(start="9999-12-31", length="400", unit="calendar_days")
@example(start="9999-12-31", length="400", unit="working_days")
@example(start="0001-01-01", length="5", unit="working_days")
def test_calendar_window_api_never_answers_5xx(start, length, unit):
    r = Client().get("/api/v1/calendar/window/", {"start": start, "length": length, "unit": unit})
    assert r.status_code in (200, 400), (start, length, unit, r.status_code)
    body = r.json()
    if r.status_code == 200:
        first, last = dt.date.fromisoformat(body["first_day"]), dt.date.fromisoformat(body["last_day"])
        assert first <= last and body["length"] == int(length)
    else:
        assert body["detail"]  # a Chinese message, never a traceback


def _valid(p: Decimal) -> bool:
    return p.is_finite() and 0 <= p <= 100 and p % 5 == 0


percents = st.one_of(
    st.integers(min_value=-1000, max_value=1000),
    st.decimals(min_value=-200, max_value=300, places=2),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["100", "105", "-5", "2.5", "97.5", "1e2", "5e1", "NaN", "Infinity", "-0", "0x10", " 60 "]))


@FUZZ
@given(value=percents)
def test_scoring_refuses_out_of_range_or_off_step_percentages(world_media, value):
    from review import services

    w = world_media
    crit = w.assignment.criteria_set.criteria.order_by("position")[1]
    try:
        as_decimal = Decimal(str(value).strip())
    except Exception:
        as_decimal = None
    should_pass = as_decimal is not None and _valid(as_decimal)
    if str(value).strip() == "":
        # blank is "not scored yet" on an autosaved sheet: nothing saved, nothing refused
        assert services.scores_save(assignment=w.assignment, entries=[{"criterion": crit.number, "percent": value}], actor=w.reviewer) == []
        assert not w.assignment.scores.filter(criterion=crit).exists()
    elif should_pass:
        saved = services.scores_save(assignment=w.assignment, entries=[{"criterion": crit.number, "percent": value}], actor=w.reviewer)
        assert saved[0].percent == as_decimal
    else:
        with pytest.raises(DomainError) as err:
            services.scores_save(assignment=w.assignment, entries=[{"criterion": crit.number, "percent": value}], actor=w.reviewer)
        assert err.value.code == "invalid_percent"


@pytest.mark.parametrize("value", ["101", "-5", "62", "2.5", "NaN", "abc", 1000])
def test_the_score_api_answers_400_for_a_bad_percentage(world_media, value):
    w = world_media
    crit = w.assignment.criteria_set.criteria.order_by("position")[1]
    c = Client()
    c.force_login(w.reviewer)
    r = c.post(f"/api/v1/review/assignments/{w.assignment.pk}/scores/", {"scores": [{"criterion": crit.number, "percent": value}]},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_percent"
