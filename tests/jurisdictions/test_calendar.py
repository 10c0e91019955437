"""The working-day calendar: State Council notices incl. make-up days (调休), and the window convention."""
import datetime as dt

import pytest

from core.errors import CalendarUnknownYear
from jurisdictions.calendar import compute_window, deadline_after, is_working_day
from jurisdictions.services import calendar_override_set, calendar_year_declare

D = dt.date


@pytest.mark.django_db
class TestNationalDay2025:
    def test_make_up_sunday_and_saturday_are_working_days(self):
        assert is_working_day(D(2025, 9, 28))  # Sunday, 调休上班
        assert is_working_day(D(2025, 10, 11))  # Saturday, 调休上班
        assert not is_working_day(D(2025, 10, 1)) and not is_working_day(D(2025, 10, 8))

    def test_five_working_days_from_30_september_end_on_13_october(self):
        w = compute_window(D(2025, 9, 30), 5, "working_days")
        # 9/30, 10/9, 10/10, 10/11 (Saturday make-up), 10/13
        assert (w.first_day, w.last_day) == (D(2025, 9, 30), D(2025, 10, 13))
        assert w.closes_at.isoformat() == "2025-10-14T00:00:00+08:00"
        assert w.label() == "2025年9月30日至2025年10月13日（5个工作日）"

    def test_window_opened_on_a_saturday_starts_on_the_make_up_sunday(self):
        w = compute_window(D(2025, 9, 27), 5, "working_days")
        assert (w.first_day, w.last_day) == (D(2025, 9, 28), D(2025, 10, 10))


@pytest.mark.django_db
class TestSpringFestival2026:
    def test_make_up_saturdays(self):
        assert is_working_day(D(2026, 2, 14)) and is_working_day(D(2026, 2, 28))
        assert not is_working_day(D(2026, 2, 16))

    def test_window_across_the_holiday(self):
        w = compute_window(D(2026, 2, 12), 5, "working_days")
        # 2/12, 2/13, 2/14 (Saturday make-up), 2/24, 2/25
        assert w.last_day == D(2026, 2, 25)

    def test_window_opened_in_the_holiday_starts_after_it_and_counts_the_saturday(self):
        w = compute_window(D(2026, 2, 15), 5, "working_days")
        assert (w.first_day, w.last_day) == (D(2026, 2, 24), D(2026, 2, 28))

    def test_calendar_days_count_the_opening_day_as_day_one(self):
        w = compute_window(D(2026, 2, 12), 7, "calendar_days")  # 瀍河 第十九条: 公示期7天
        assert (w.first_day, w.last_day) == (D(2026, 2, 12), D(2026, 2, 18))

    def test_deadline_from_receipt_counts_following_working_days(self):
        # 二连浩特 第十六条: within 10 working days of receipt on 2026-02-12
        assert deadline_after(D(2026, 2, 12), 10, "working_days") == D(2026, 3, 4)


@pytest.mark.django_db
class TestUnknownYear:
    def test_refused_with_the_year_named_until_staff_enter_it(self, make_user):
        with pytest.raises(CalendarUnknownYear, match="2027 年"):
            compute_window(D(2026, 12, 28), 10, "working_days")
        staff = make_user()
        calendar_override_set(day=D(2027, 1, 1), is_working=False, name="元旦", source="国办发明电〔2026〕X号", actor=staff)
        with pytest.raises(CalendarUnknownYear):  # entering one day is not enough: the year must be declared
            compute_window(D(2026, 12, 28), 10, "working_days")
        calendar_year_declare(year=2027, source="国办发明电〔2026〕X号", actor=staff)
        w = compute_window(D(2026, 12, 28), 10, "working_days")
        # 12/28–12/31 (4), 1/1 holiday, 1/4–1/8 (5), 1/11 → 10th
        assert w.last_day == D(2027, 1, 11)

    def test_override_beats_the_library(self, make_user):
        staff = make_user()
        calendar_override_set(day=D(2026, 3, 2), is_working=False, name="测试", source="测试通知", actor=staff)
        assert not is_working_day(D(2026, 3, 2))


@pytest.mark.django_db
class TestCalendarApi:
    def test_window(self, client):
        r = client.get("/api/v1/calendar/window/", {"start": "2025-09-30", "length": 5, "unit": "working_days"})
        assert r.status_code == 200
        assert r.json()["last_day"] == "2025-10-13" and r.json()["closes_at"].endswith("+08:00")

    @pytest.mark.parametrize("params", [
        {"start": "nonsense", "length": 5, "unit": "working_days"},
        {"start": "2025-02-30", "length": 5, "unit": "working_days"},
        {"start": "2025-09-30", "length": 0, "unit": "working_days"},
        {"start": "2025-09-30", "length": 5, "unit": "weeks"},
        {"start": "2030-01-02", "length": 5, "unit": "working_days"},
    ])
    def test_bad_input_answers_400_with_a_message(self, client, params):
        r = client.get("/api/v1/calendar/window/", params)
        assert r.status_code == 400
        assert r.json()["detail"]
