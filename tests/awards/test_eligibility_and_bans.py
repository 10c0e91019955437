import datetime as dt

import pytest

from awards import services
from awards.models import Ban, Grant
from core import clock
from core.errors import DomainError
from jurisdictions.models import Award

from .factories import GOOD_DECLARATION, START, open_cycle, org

pytestmark = pytest.mark.django_db


def _draft(cycle, applicant, user, **decl):
    with clock.frozen_at(START):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration={**GOOD_DECLARATION, **decl}, self_evaluation="自评",
                                    internal_publicity_from=dt.date(2025, 9, 1), internal_publicity_to=dt.date(2025, 9, 5))
    return app


def test_each_result_carries_its_article_and_judgement_rules_need_staff():
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-a", "654201", years=4)
    app = _draft(cycle, applicant, user, new_economy=True)
    with clock.frozen_at(START):
        results = {r.code: r for r in services.eligibility_check(app)}
    assert results["years_of_operation"].outcome == "pass"  # 塔城 第九条（二）: 3 years for new-economy organisations
    assert results["years_of_operation"].article == "第九条（二）"
    assert results["industry_leading"].outcome == "judgement"


def test_internal_publicity_shorter_than_five_working_days_is_refused():
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-b", "654201")
    app = _draft(cycle, applicant, user)
    app.internal_publicity_to = dt.date(2025, 9, 4)
    app.save()
    with clock.frozen_at(START + dt.timedelta(days=7)), pytest.raises(DomainError, match="第十二条"):
        services.application_submit(application=app, actor=user)


def test_a_banned_applicant_cannot_submit():
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-c", "654201")
    Ban.objects.create(applicant=applicant, award=cycle.award, reason="bribery", starts_on=dt.date(2020, 1, 1),
                       ends_on=dt.date(2030, 1, 1), article="第三十二条")
    app = _draft(cycle, applicant, user)
    with clock.frozen_at(START + dt.timedelta(days=7)), pytest.raises(DomainError, match="第三十二条"):
        services.application_submit(application=app, actor=user)


def test_a_winner_inside_its_gap_cannot_submit_xam_one_cycle():
    award = Award.objects.get(slug="xam-leader")
    when = dt.datetime(2025, 12, 1, 9, tzinfo=clock.SHANGHAI)
    cycle, office = open_cycle("xam-leader", when=when)
    applicant, user = org("xam-w", "152201")
    from awards.models import Application

    old = Application.objects.create(cycle=cycle, applicant=applicant, category="organization", reference="OLD-1", stage="commendation", status="awarded")
    Grant.objects.create(application=old, applicant=applicant, award=award, cycle=None, category="organization", year=2020,
                         cycle_number=cycle.number, decision_document="兴署发〔2020〕1号", awarded_on=dt.date(2020, 12, 1), serial="IMP-1", imported=True)
    from awards.eligibility import history_results
    from jurisdictions.rules import Rules

    results = history_results(rules=Rules(cycle.ruleset.data), applicant=applicant, award=award, on=dt.date(2025, 12, 1), cycle_number=cycle.number + 1)
    assert [r.article for r in results] == ["第三条"]  # XAM 第三条: 间隔一届
    assert history_results(rules=Rules(cycle.ruleset.data), applicant=applicant, award=award, on=dt.date(2025, 12, 1), cycle_number=cycle.number + 2) == []


def test_revocation_writes_the_ban_and_the_money_to_recover():
    from awards.simulation import simulate_cycle

    out = simulate_cycle("chanhe-head", applicants=6, seed=4)
    grant = Grant.objects.filter(award__slug="chanhe-head").first()
    office = grant.award.office.memberships.filter(role="office").first().user
    with clock.frozen_at(dt.datetime.combine(grant.awarded_on + dt.timedelta(days=30), dt.time(9), tzinfo=clock.SHANGHAI)):
        services.revoke(grant=grant, actor=office, reason="fraud", text="经查提供虚假材料", occurred_on=grant.awarded_on,
                        evidence_ref="调查报告")
    grant.refresh_from_db()
    ban = Ban.objects.get(grant=grant)
    assert ban.article == "第二十八条" and (ban.ends_on.year - ban.starts_on.year) == 4  # 瀍河 第二十八条: 4年内
    assert grant.prize_to_recover == grant.prize_amount == 100000  # 第二十条, 第二十八条 收回奖金
    assert grant.application.notices.filter(kind="revocation").exists()


# ---- gaps and bans counted in cycles, judged on the cycle filed into (the live path: submit and the check) ---
WHEN = dt.datetime(2025, 12, 1, 9, tzinfo=clock.SHANGHAI)  # both regulations in force


def _cycle_number(cycle_slug_when, earlier: int):
    """Opens the award's cycle number `earlier + 1`: the earlier cycles exist as finished ones (test set-up)."""
    from awards.models import Cycle

    slug, when = cycle_slug_when
    award = Award.objects.get(slug=slug)
    ruleset = award.rulesets.order_by("version").first()
    years = ruleset.data["cycle_years"]
    for n in range(1, earlier + 1):
        year = when.year - (earlier - n + 1) * years
        Cycle.objects.create(award=award, ruleset=ruleset, year=year, number=n, opened_on=dt.date(year, 9, 1),
                             filing_deadline=dt.date(year, 10, 1), status=Cycle.Status.FINISHED)
    cycle, office = open_cycle(slug, when=when)
    assert cycle.number == earlier + 1
    return cycle, office


def _winner_of(applicant, award, number):
    """Test set-up: the applicant won in cycle `number` (an earlier, finished cycle)."""
    from awards.models import Application, Cycle

    cycle = Cycle.objects.get(award=award, number=number)
    won = Application.objects.create(cycle=cycle, applicant=applicant, category="organization", reference=f"WON-{award.slug}-{number}",
                                     stage="commendation", status="awarded")
    return Grant.objects.create(application=won, applicant=applicant, award=award, cycle=cycle, category="organization",
                                year=cycle.year, cycle_number=number, decision_document=f"表彰第{number}届",
                                awarded_on=dt.date(cycle.year, 12, 1), serial=f"G-{award.slug}-{number}")


def _draft_at(cycle, applicant, user):
    with clock.frozen_at(WHEN):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评",
                                    recommendation="同意推荐", internal_publicity_from=dt.date(2025, 11, 17),
                                    internal_publicity_to=dt.date(2025, 11, 21))
    return app


def _reapply_refusals(app):
    with clock.frozen_at(WHEN):
        return [r.article for r in services.eligibility_check(app) if r.code == "reapply_after_award" and r.outcome == "fail"]


@pytest.mark.parametrize("slug,won_in,filing_in,refused", [
    # 兴安盟 第三条 "获奖单位再次申报应当间隔一届以后": cycle 1's winner is refused in cycle 2, accepted in cycle 3
    ("xam-leader", 1, 2, True), ("xam-leader", 1, 3, False),
    # 内蒙古 第三条 "获奖单位再次申报应当于三届以后": cycle 1's winner may file again from cycle 4 (n+3)
    ("nm-chairman", 1, 2, True), ("nm-chairman", 1, 3, True), ("nm-chairman", 1, 4, False),
])
def test_a_gap_in_cycles_is_judged_on_the_cycle_filed_into(slug, won_in, filing_in, refused):
    cycle, _office = _cycle_number((slug, WHEN), filing_in - 1)
    applicant, user = org(f"{slug}-w{filing_in}", "152201")
    _winner_of(applicant, cycle.award, won_in)
    app = _draft_at(cycle, applicant, user)
    assert _reapply_refusals(app) == (["第三条"] if refused else [])


def test_a_xam_winner_of_cycle_1_cannot_submit_in_cycle_2():
    cycle, _office = _cycle_number(("xam-leader", WHEN), 1)
    applicant, user = org("xam-w-submit", "152201")
    _winner_of(applicant, cycle.award, 1)
    app = _draft_at(cycle, applicant, user)
    with clock.frozen_at(WHEN + dt.timedelta(days=7)), pytest.raises(DomainError, match="第三条"):
        services.application_submit(application=app, actor=user)


def test_a_ban_through_the_next_cycle_bars_that_cycle_on_the_live_path():
    """兴安盟 第二十六条 下一届不受理: a ban written while cycle 1 is the latest bars cycle 2, not only a later one."""
    cycle, _office = _cycle_number(("xam-leader", WHEN), 1)
    applicant, user = org("xam-banned", "152201")
    Ban.objects.create(applicant=applicant, award=cycle.award, reason="fraud", starts_on=dt.date(2024, 1, 1),
                       through_cycle_number=2, article="第二十六条")
    app = _draft_at(cycle, applicant, user)
    with clock.frozen_at(WHEN):
        assert [r.article for r in services.eligibility_check(app) if r.code == "ban"] == ["第二十六条"]


def test_internal_publicity_whose_last_day_is_today_has_not_ended():
    """Internal publicity must be over before the materials are sent (兴安盟 第十六条 "报送材料前"; 塔城 第十二条):
    a window whose last day is today is open until 24:00, so the submission waits until tomorrow."""
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-pub-today", "654201")
    app = _draft(cycle, applicant, user)
    app.internal_publicity_from, app.internal_publicity_to = dt.date(2025, 9, 8), dt.date(2025, 9, 12)  # Mon–Fri
    app.save()
    with clock.frozen_at(dt.datetime(2025, 9, 12, 16, tzinfo=clock.SHANGHAI)), pytest.raises(DomainError, match="报送前结束"):
        services.application_submit(application=app, actor=user)
    with clock.frozen_at(dt.datetime(2025, 9, 13, 9, tzinfo=clock.SHANGHAI)):
        assert services.application_submit(application=app, actor=user).status == "pending"


def test_tacheng_gap_bars_the_old_achievements_not_the_applicant():
    """塔城 第十条 "获奖后5年内不得以原获奖成果再次申报": an applicant declaring new achievements is not refused;
    whether they are new is the checkers' judgement. Without that declaration the gap refuses."""
    cycle, _office = _cycle_number(("tacheng-prefecture", WHEN), 1)
    applicant, user = org("tc-new-achievements", "654201")
    _winner_of(applicant, cycle.award, 1)
    app = _draft_at(cycle, applicant, user)
    with clock.frozen_at(WHEN):
        gap = next(r for r in services.eligibility_check(app) if r.code == "reapply_after_award")
    assert (gap.outcome, gap.article) == ("fail", "第十条")
    app.declaration = {**app.declaration, "new_achievements": True}
    app.save()
    with clock.frozen_at(WHEN):
        gap = next(r for r in services.eligibility_check(app) if r.code == "reapply_after_award")
    assert gap.outcome == "judgement" and "新的成果" in gap.why
    with clock.frozen_at(WHEN + dt.timedelta(days=7)):
        assert services.application_submit(application=app, actor=user).status == "pending"


def test_the_facts_step_asks_tacheng_applicants_about_new_achievements(client):
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-facts-page", "654201")
    app = _draft(cycle, applicant, user)
    client.force_login(user)
    with clock.frozen_at(START):
        html = client.get(f"/apply/{app.pk}/?step=facts").content.decode()
    assert "以获奖后取得的新成果申报" in html
