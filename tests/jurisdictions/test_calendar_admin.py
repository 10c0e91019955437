"""Calendar administration: office staff enter a year's State Council notice day by day, declare the year
complete, and windows in that year can then be computed; the window calculator is public."""
import datetime as dt
import html

import pytest

from core.models import AuditEntry
from jurisdictions.calendar import compute_window
from jurisdictions.models import Award, CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def office(make_user):
    # office staff of any jurisdiction may maintain the national calendar
    return make_user(role="office", body=Award.objects.get(slug="tacheng-prefecture").office)


def override(client, day, is_working, name="", source=NOTICE):
    return client.post("/calendar/", {"action": "override", "ov-day": day, "ov-is_working": "1" if is_working else "0",
                                      "ov-name": name, "ov-source": source})


def declare(client, year, source=NOTICE):
    return client.post("/calendar/", {"action": "declare", "yr-year": str(year), "yr-source": source})


def test_public_page_shows_known_years_and_calculator_without_admin_forms(client):
    body = text(client.get("/calendar/"))
    assert "内置日历：2004—2026年。" in body and "已由工作人员录入并确认：无。" in body
    assert '<strong id="known-range">2004—2026年</strong>' in body
    assert 'name="start"' in body and 'id="override-form"' not in body and 'id="declare-form"' not in body


def test_calculator_computes_a_window_across_national_day(client):
    body = text(client.get("/calendar/", {"start": "2025-09-30", "length": "5", "unit": "working_days"}))
    assert "2025年9月30日至2025年10月13日（5个工作日）" in body
    assert "截止时间：2025年10月14日 00:00" in body


def test_calculator_explains_an_unknown_year_in_chinese(client):
    body = text(client.get("/calendar/", {"start": "2027-03-01", "length": "5", "unit": "working_days"}))
    assert '<p class="error" id="window-error" role="alert">工作日历尚未收录 2027 年的节假日安排' in body


def test_calculator_rejects_bad_input_in_chinese(client):
    body = text(client.get("/calendar/", {"start": "2027-02-30", "length": "0", "unit": "weeks"}))
    assert "请输入有效日期（YYYY-MM-DD）。" in body and "不能小于 1。" in body and "请选择“工作日”或“天”。" in body


def test_anonymous_post_goes_to_login_and_non_office_is_refused(client, make_user):
    response = override(client, "2027-01-01", False)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    reviewer = make_user(role="reviewer", body=Award.objects.get(slug="chanhe-head").office)
    client.force_login(reviewer)
    assert override(client, "2027-01-01", False).status_code == 403
    assert not CalendarOverride.objects.exists()


def test_entering_2027_and_declaring_it_makes_windows_computable(client, office):
    client.force_login(office)
    assert 'id="override-form"' in text(client.get("/calendar/"))
    # New Year's Day 2027 is a Friday; a make-up Saturday on 2027-01-09 (illustrative notice).
    response = override(client, "2027-01-01", False, "元旦")
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    assert override(client, "2027-01-09", True, "调休上班").status_code == 302
    assert declare(client, 2027).status_code == 302
    assert CalendarYear.objects.get(year=2027).source == NOTICE

    window = compute_window(dt.date(2027, 1, 1), 5, "working_days")
    # 1/1 holiday → starts Monday 1/4; 1/4–1/8 is five, the make-up Saturday 1/9 is not needed
    assert (window.first_day, window.last_day) == (dt.date(2027, 1, 4), dt.date(2027, 1, 8))
    window = compute_window(dt.date(2027, 1, 7), 3, "working_days")
    assert window.last_day == dt.date(2027, 1, 9)  # 1/7, 1/8, Saturday 1/9 (调休)

    body = text(client.get("/calendar/", {"start": "2027-01-07", "length": "3", "unit": "working_days"}))
    assert "2027年1月7日至2027年1月9日（3个工作日）" in body
    assert "2027年（" + NOTICE + "）" in body
    assert '<strong id="known-range">2004—2027年</strong>' in body
    assert "2027-01-09" in body and "调休上班" in body
    actions = list(AuditEntry.objects.filter(action__startswith="calendar.").values_list("action", "actor_id"))
    assert actions == [("calendar.override", office.pk), ("calendar.override", office.pk),
                       ("calendar.declare_year", office.pk)]


def test_declaring_a_year_without_any_day_is_refused_beside_the_year(client, office):
    client.force_login(office)
    body = text(declare(client, 2028))
    assert '<ul class="errorlist" id="id_yr-year-errors"><li>2028 年尚未录入任何节假日或调休日' in body
    assert 'name="yr-year" value="2028"' in body
    assert not CalendarYear.objects.exists()


def test_override_needs_a_source_and_keeps_what_was_typed(client, office):
    client.force_login(office)
    body = text(override(client, "2027-10-01", False, "国庆节", source=""))
    assert '<ul class="errorlist" id="id_ov-source-errors"><li>请填写依据文件。</li>' in body
    assert 'name="ov-day" value="2027-10-01"' in body and 'value="国庆节"' in body
    assert not CalendarOverride.objects.exists()


def test_the_office_home_warns_until_next_years_notice_is_entered(client, office):
    """From October the office is told to enter next year's holidays; in a year nobody entered, that windows
    in it cannot be computed. Declaring the year ends the warning."""
    from core import clock

    client.force_login(office)
    SH = clock.SHANGHAI
    with clock.frozen_at(dt.datetime(2026, 6, 1, 9, tzinfo=SH)):
        assert 'id="calendar-warning"' not in text(client.get("/office/"))
    with clock.frozen_at(dt.datetime(2026, 12, 10, 9, tzinfo=SH)):
        body = text(client.get("/office/"))
        assert "工作日历尚未收录 2027 年的节假日安排：跨入 2027 年的公示期和办理时限将无法计算" in body
        assert 'href="/calendar/"' in body
    with clock.frozen_at(dt.datetime(2027, 1, 12, 9, tzinfo=SH)):
        assert "落在该年度的公示期和办理时限暂时无法计算" in text(client.get("/office/"))
        assert override(client, "2027-01-01", False, "元旦").status_code == 302
        assert declare(client, 2027).status_code == 302
        assert 'id="calendar-warning"' not in text(client.get("/office/"))
