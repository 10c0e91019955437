"""Titles, gaps and bans counted in years end on the same date N years later (民法典 第二百零一条、第二百零二条;
/work/shared/contract/rule-cases.md "Counting periods"): never capped at the 28th; from 29 February on 28 February;
the last day still refused, the next day accepted."""
import datetime as dt

import pytest

from awards import services
from awards.eligibility import history_results, whole_years_between
from awards.models import Application, Ban, Grant, Status
from core import clock
from jurisdictions.rules import Rules

from .factories import open_cycle, org

pytestmark = pytest.mark.django_db


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, tzinfo=clock.SHANGHAI)


def _at_commendation(cycle, username, county):
    applicant, _ = org(username, county)
    return Application.objects.create(cycle=cycle, applicant=applicant, category="organization", reference=f"T-{username}",
                                      stage="commendation", status=Status.PENDING)


def _awarded(cycle, username, county, *, on):
    """A grant of `cycle` awarded on `on` (the application already awarded)."""
    applicant, _ = org(username, county)
    app = Application.objects.create(cycle=cycle, applicant=applicant, category="organization", reference=f"G-{username}",
                                     stage="commendation", status=Status.AWARDED)
    return Grant.objects.create(application=app, applicant=applicant, award=cycle.award, cycle=cycle, category="organization",
                                year=on.year, cycle_number=cycle.number, decision_document="决定〔1〕1号", awarded_on=on,
                                serial=f"T-{username}")


def _refusals(grant, on):
    return history_results(rules=Rules(grant.cycle.ruleset.data), applicant=grant.applicant, award=grant.award, on=on)


def test_a_title_awarded_on_31_may_is_valid_to_31_may_three_years_on(client):
    # 二连浩特 第三条: the title is valid for 3 years.
    cycle, office = open_cycle("erenhot-mayor", when=at(2023, 3, 1))
    _at_commendation(cycle, "er-valid", "152501")
    with clock.frozen_at(at(2023, 5, 31)):
        [grant] = services.commend(cycle=cycle, actor=office, decision_document="二政发〔2023〕5号", date=dt.date(2023, 5, 31))
    assert grant.valid_until == dt.date(2026, 5, 31)
    with clock.frozen_at(at(2026, 5, 31, 18)):
        html = client.get(f"/verify/{grant.serial}/").content.decode()
    assert "有效期至</th><td>2026年5月31日" in html and "该证书真实有效" in html and "已超过有效期" not in html
    with clock.frozen_at(at(2026, 6, 1)):
        assert "已超过有效期" in client.get(f"/verify/{grant.serial}/").content.decode()


def test_the_tacheng_five_year_gap_runs_to_the_same_date_and_the_next_day_is_free():
    # 塔城 第十条: 获奖后5年内不得以原获奖成果再次申报.
    cycle, _ = open_cycle("tacheng-prefecture")
    grant = _awarded(cycle, "tc-gap", "654201", on=dt.date(2020, 12, 1))
    [refusal] = _refusals(grant, dt.date(2025, 12, 1))
    assert refusal.article == "第十条" and "2025-12-02 起可申报" in refusal.why
    assert _refusals(grant, dt.date(2025, 12, 2)) == []


def test_a_gap_from_29_february_ends_on_28_february():
    cycle, _ = open_cycle("tacheng-prefecture")
    grant = _awarded(cycle, "tc-leap", "654201", on=dt.date(2024, 2, 29))
    [refusal] = _refusals(grant, dt.date(2029, 2, 28))
    assert "5年内不得再次申报（2029-03-01 起可申报）" in refusal.why
    assert _refusals(grant, dt.date(2029, 3, 1)) == []


def test_a_ban_decided_on_29_february_ends_on_28_february():
    # 塔城 第三十二条: 以欺骗、贿赂等不正当手段获奖的，取消奖励，10年内不予受理其申报.
    cycle, office = open_cycle("tacheng-prefecture")
    grant = _awarded(cycle, "tc-ban", "654201", on=dt.date(2025, 11, 20))
    with clock.frozen_at(at(2028, 2, 29)):
        services.revoke(grant=grant, actor=office, reason="bribery", text="以贿赂手段获奖", occurred_on=dt.date(2025, 10, 1),
                        evidence_ref="纪检监察机关通报")
    ban = Ban.objects.get(grant=grant)
    assert (ban.starts_on, ban.ends_on, ban.article) == (dt.date(2028, 2, 29), dt.date(2038, 2, 28), "第三十二条")
    [refusal] = _refusals(grant, dt.date(2038, 2, 28))
    assert refusal.code == "ban" and "被禁止申报至 2038-02-28" in refusal.why
    assert _refusals(grant, dt.date(2038, 3, 1)) == []


def test_the_chanhe_revocation_window_counts_from_the_award_date_to_the_incident():
    # 瀍河 第二十九条: 获奖后2年内发生重大事故 — an accident on the same date two years on is inside the window,
    # the next day is not; the decision itself may come later.
    from core.errors import DomainError

    cycle, office = open_cycle("chanhe-head")
    late = _awarded(cycle, "ch-late", "410304", on=dt.date(2023, 5, 31))
    with clock.frozen_at(at(2025, 6, 1)), pytest.raises(DomainError, match="第二十九条") as refused:
        services.revoke(grant=late, actor=office, reason="serious_accident", text="发生重大事故", occurred_on=dt.date(2025, 6, 1),
                        evidence_ref="洛阳市应急管理局事故调查报告")
    assert "须发生在 2023-05-31 至 2025-05-31 之间" in refused.value.message and refused.value.field == "occurred_on"
    in_time = _awarded(cycle, "ch-in-time", "410304", on=dt.date(2023, 5, 31))
    with clock.frozen_at(at(2025, 9, 1)):
        services.revoke(grant=in_time, actor=office, reason="serious_accident", text="发生重大事故", occurred_on=dt.date(2025, 5, 31),
                        evidence_ref="洛阳市应急管理局事故调查报告")
    assert Ban.objects.get(grant=in_time).ends_on == dt.date(2029, 9, 1)  # 第二十九条: 4年内不接受再次申报, from the decision


@pytest.mark.unit
@pytest.mark.parametrize(("registered", "on", "years"), [
    (dt.date(2020, 5, 10), dt.date(2025, 5, 9), 4),
    (dt.date(2020, 5, 10), dt.date(2025, 5, 10), 5),
    (dt.date(2020, 2, 29), dt.date(2025, 2, 28), 5),  # the fifth year's last day, as Period counts it
    (dt.date(2020, 2, 29), dt.date(2025, 2, 27), 4),
    (dt.date(2025, 6, 1), dt.date(2025, 6, 1), 0),
])
def test_whole_years_of_operation(registered, on, years):
    assert whole_years_between(registered, on) == years
