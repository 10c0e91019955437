"""近N年 and 最近N年 (issue #15 defect 2) and a rule's scope (defect 13), read from the articles and the
rule-case contract's counting section: an event on any day from the submission date minus N years up to the
submission date fails the rule; losses are judged on the last N fiscal years closed before the submission;
二连浩特 第十条（三）'s loss rule concerns organisations in production and service business, not non-profits."""
import datetime as dt

import pytest

from awards import eligibility, services
from awards.eligibility import FAIL, JUDGEMENT, PASS
from awards.forms import DateListField, FactsForm, FiscalYearListField
from awards.selectors import declaration_keys
from core import clock
from core.period import Period
from jurisdictions.rules import Rules
from jurisdictions.services import seed_ruleset_data

ACCIDENTS_3 = {"code": "no_accidents_years", "years": 3, "text": "近3年无事故", "article": "第十四条（五）"}
LOSSES_3 = {"code": "no_losses_years", "years": 3, "text": "最近3年未发生经营性亏损", "article": "第十条（三）"}


def judge(rule, declaration, on):
    result = eligibility.evaluate_rule(rule, applicant=None, declaration=declaration, on=dt.date.fromisoformat(on),
                                       award_jurisdiction=None)
    return result.outcome, result.why


def accident_on(day, on, rule=ACCIDENTS_3):
    return judge(rule, {"accident_dates": [day]}, on)[0]


# ---- 近N年: the N years before the submission date, both ends counted ----------------------------------
@pytest.mark.unit
@pytest.mark.parametrize("day, outcome", [
    ("2022-09-15", FAIL),   # exactly 3 years before the submission: inside
    ("2022-09-14", PASS),   # the day before that: outside
    ("2025-09-15", FAIL),   # the submission day itself
    ("2023-01-01", FAIL),
])
def test_the_window_starts_on_the_same_date_n_years_before(day, outcome):
    assert accident_on(day, "2025-09-15") == outcome


@pytest.mark.unit
def test_an_accident_of_three_calendar_years_ago_fails_early_in_the_year():
    """The issue's example: on 2026-01-15 a 2023 accident after 2023-01-15 is inside a 3-year rule, one in the
    last days of 2022 is not; the unfinished current year is inside too."""
    assert accident_on("2023-06-01", "2026-01-15") == FAIL
    assert accident_on("2023-01-14", "2026-01-15") == PASS
    assert accident_on("2026-01-10", "2026-01-15") == FAIL
    outcome, why = judge(ACCIDENTS_3, {"accident_dates": ["2023-06-01"]}, "2026-01-15")
    assert "2023-06-01" in why and "2023-01-15 至 2026-01-15" in why


@pytest.mark.unit
@pytest.mark.parametrize("years, day, on, outcome", [
    (3, "2025-02-28", "2028-02-29", FAIL),  # 3 years before 29 February is 28 February
    (3, "2025-02-27", "2028-02-29", PASS),
    (3, "2024-02-29", "2027-02-28", FAIL),  # an accident on 29 February, three years on: inside to 28 February …
    (3, "2024-02-29", "2027-03-01", PASS),  # … and outside from 1 March
    (4, "2024-02-29", "2028-02-29", FAIL),  # a leap day four years back: the same date
    (4, "2024-02-28", "2028-02-29", PASS),
])
def test_29_february(years, day, on, outcome):
    assert accident_on(day, on, {**ACCIDENTS_3, "years": years}) == outcome


@pytest.mark.unit
def test_period_before_mirrors_after():
    assert Period(3, "years").before(dt.date(2028, 2, 29)) == dt.date(2025, 2, 28)
    assert Period(4, "years").before(dt.date(2028, 2, 29)) == dt.date(2024, 2, 29)
    assert Period(2, "months").before(dt.date(2026, 4, 30)) == dt.date(2026, 2, 28)
    assert Period(10, "days").before(dt.date(2026, 1, 5)) == dt.date(2025, 12, 26)
    assert Period(3, "years").after(Period(3, "years").before(dt.date(2025, 9, 15))) == dt.date(2025, 9, 15)


@pytest.mark.unit
def test_each_dated_rule_reads_its_own_dates():
    rule = {"code": "no_tax_social_insurance_violations_years", "years": 3, "article": "第十二条（五）"}
    assert judge(rule, {"tax_violation_dates": ["2024-06-01"]}, "2025-03-20")[0] == FAIL
    assert judge(rule, {"accident_dates": ["2024-06-01"]}, "2025-03-20")[0] == PASS
    fraud = {"code": "no_award_fraud_years", "years": 3, "article": "第十二条（四）"}
    assert judge(fraud, {"award_fraud_dates": ["2022-03-20"]}, "2025-03-20")[0] == FAIL
    assert judge(fraud, {"award_fraud_dates": ["2022-03-19"]}, "2025-03-20")[0] == PASS


@pytest.mark.unit
def test_an_unreadable_date_is_left_to_staff_not_passed():
    outcome, why = judge(ACCIDENTS_3, {"accident_dates": ["去年春天"]}, "2025-09-15")
    assert outcome == JUDGEMENT and "去年春天" in why


# ---- declarations filed before dates were asked (years only) -----------------------------------------------
@pytest.mark.unit
@pytest.mark.parametrize("year, outcome", [
    (2024, FAIL),       # wholly inside 2023-01-15 … 2026-01-15
    (2023, JUDGEMENT),  # the window starts inside 2023: the date decides, staff ask for it
    (2022, PASS),       # wholly before
    (2026, FAIL),
])
def test_a_year_only_declaration_is_read_safely(year, outcome):
    got, why = judge(ACCIDENTS_3, {"accident_years": [year]}, "2026-01-15")
    assert got == outcome
    if outcome == JUDGEMENT:
        assert "只填写了年份" in why and "由审查人员核实具体日期" in why


@pytest.mark.unit
def test_dates_declared_replace_the_years_of_an_older_declaration():
    assert judge(ACCIDENTS_3, {"accident_years": [2024], "accident_dates": []}, "2026-01-15")[0] == PASS


# ---- 最近N年未发生经营性亏损: the last N fiscal years closed before the submission ------------------------
@pytest.mark.unit
@pytest.mark.parametrize("on, years", [
    ("2026-01-01", [2023, 2024, 2025]),  # 2025 closed on 31 December, the day before
    ("2025-12-31", [2022, 2023, 2024]),  # 2025 is still open on its last day
    ("2026-03-16", [2023, 2024, 2025]),
])
def test_closed_fiscal_years(on, years):
    assert eligibility.closed_fiscal_years(3, dt.date.fromisoformat(on)) == years


@pytest.mark.unit
def test_losses_are_judged_on_closed_fiscal_years():
    assert judge(LOSSES_3, {"loss_years": [2025]}, "2026-01-01")[0] == FAIL
    assert judge(LOSSES_3, {"loss_years": [2025]}, "2025-12-31")[0] == PASS  # the year has not closed
    assert judge(LOSSES_3, {"loss_years": [2022]}, "2025-12-31")[0] == FAIL
    assert judge(LOSSES_3, {"loss_years": [2022]}, "2026-01-01")[0] == PASS
    outcome, why = judge(LOSSES_3, {"loss_years": [2024]}, "2026-03-16")
    assert outcome == FAIL and "2023—2025 年度" in why


# ---- scope: 二连浩特 第十条（三）and 第十二条 -----------------------------------------------------------
@pytest.mark.unit
def test_the_erenhot_loss_rule_concerns_production_and_service_business_only():
    rules = {r["code"]: r for r in seed_ruleset_data("erenhot-mayor")["eligibility"]}
    loss = rules["no_losses_years"]
    assert judge(loss, {"loss_years": [2024], "non_profit": False}, "2025-03-20")[0] == FAIL
    assert judge(loss, {"loss_years": [2024]}, "2025-03-20")[0] == FAIL  # undeclared: not a non-profit
    outcome, why = judge(loss, {"loss_years": [2024], "non_profit": True}, "2025-03-20")
    assert outcome == PASS and "从事生产、服务经营活动的组织" in why
    assert judge(rules["social_contribution_leading"], {"non_profit": True}, "2025-03-20")[0] == JUDGEMENT
    assert judge(rules["social_contribution_leading"], {"non_profit": False}, "2025-03-20")[0] == PASS
    assert judge(rules["industry_leading"], {"non_profit": True}, "2025-03-20")[0] == PASS


@pytest.mark.unit
def test_the_erenhot_facts_step_asks_what_each_category_must_declare():
    rules = Rules(seed_ruleset_data("erenhot-mayor"))
    organization = declaration_keys(rules, "organization")
    individual = declaration_keys(rules, "individual")
    assert "non_profit" in organization and "loss_years" in organization
    assert "non_profit" not in individual and "loss_years" not in individual
    # 第十二条: 凡有下列情况之一的，不得申报 — persons too
    for key in ("accident_dates", "violation_dates", "award_fraud_dates", "tax_violation_dates"):
        assert key in individual and key in organization


# ---- the facts step's fields ------------------------------------------------------------------------------
@pytest.mark.unit
@pytest.mark.parametrize("typed, error", [
    ("2024", "只有年份：请填写具体日期"),
    ("2024-13-01", "不是有效日期"),
    ("2025-02-29", "不是有效日期"),
    ("2026-01-01", "晚于今天"),
])
def test_a_date_list_refuses_what_is_no_past_date(typed, error):
    from django import forms

    with clock.frozen_at(dt.datetime(2025, 9, 1, 9, tzinfo=clock.SHANGHAI)):
        with pytest.raises(forms.ValidationError) as caught:
            DateListField(label="x").clean(typed)
    assert error in caught.value.messages[0]


@pytest.mark.unit
def test_a_date_list_takes_common_ways_of_writing_dates():
    with clock.frozen_at(dt.datetime(2025, 9, 1, 9, tzinfo=clock.SHANGHAI)):
        got = DateListField(label="x").clean("2024-06-01、2023/5/2，2022年12月3日 2024-06-01")
    assert got == ["2022-12-03", "2023-05-02", "2024-06-01"]


@pytest.mark.unit
def test_a_fiscal_year_not_closed_is_refused():
    from django import forms

    field = FiscalYearListField(label="x")
    with clock.frozen_at(dt.datetime(2025, 9, 1, 9, tzinfo=clock.SHANGHAI)):
        assert field.clean("2022、2024") == [2022, 2024]
        with pytest.raises(forms.ValidationError) as caught:
            field.clean("2025")
    assert "2025 年度尚未结束" in caught.value.messages[0]


@pytest.mark.unit
def test_saving_dates_drops_the_years_an_older_declaration_gave():
    with clock.frozen_at(dt.datetime(2025, 9, 1, 9, tzinfo=clock.SHANGHAI)):
        previous = {"accident_years": [2024], "licences": True}
        form = FactsForm({"accident_dates": "2024-05-06"}, keys=["accident_dates"], initial=FactsForm.initial_from(previous))
        assert "原申报只填写了年份（2024）" in form.fields["accident_dates"].help_text
        assert form.is_valid(), form.errors
        assert form.declaration(previous) == {"accident_dates": ["2024-05-06"], "licences": True}


# ---- through the services and the pages ------------------------------------------------------------------
@pytest.mark.django_db
def test_the_office_sees_the_check_as_of_the_submission_date():
    """An accident inside the window on the day of filing stays inside when the office reads the check later."""
    from .factories import GOOD_DECLARATION, START, open_cycle, org

    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-window", "654201")
    with clock.frozen_at(START):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration={**GOOD_DECLARATION, "accident_dates": ["2022-09-05"]},
                                    self_evaluation="自评", internal_publicity_from=dt.date(2025, 9, 1), internal_publicity_to=dt.date(2025, 9, 5))
    with clock.frozen_at(START + dt.timedelta(days=7)):  # 2025-09-08: 2022-09-08 … inside
        failing = {r.code for r in services.eligibility_check(app) if r.outcome == FAIL}
    assert "no_accidents_years" not in failing  # 2022-09-05 is before 2022-09-08
    app.declaration = {**app.declaration, "accident_dates": ["2022-09-10"]}
    app.save()
    with clock.frozen_at(START + dt.timedelta(days=7)):
        assert "no_accidents_years" in {r.code for r in services.eligibility_check(app) if r.outcome == FAIL}
    app.declaration = {**app.declaration, "accident_dates": []}
    app.save()
    with clock.frozen_at(START + dt.timedelta(days=7)):
        services.application_submit(application=app, actor=user)
    # the same declaration read back more than a year later, by the office
    type(app).objects.filter(pk=app.pk).update(declaration={**app.declaration, "accident_dates": ["2022-09-10"]})
    app.refresh_from_db()
    assert app.status != "draft"
    with clock.frozen_at(START + dt.timedelta(days=400)):
        assert "no_accidents_years" in {r.code for r in services.eligibility_check(app) if r.outcome == FAIL}


@pytest.mark.django_db
def test_the_api_refuses_a_declaration_date_it_cannot_read():
    from rest_framework.test import APIClient

    from .factories import START, open_cycle, org

    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-api-dates", "654201")
    api = APIClient()
    api.force_authenticate(user)
    with clock.frozen_at(START):
        app_id = api.post("/api/v1/applications/", {"cycle": cycle.pk, "applicant": applicant.pk}, format="json").json()["id"]
        r = api.patch(f"/api/v1/applications/{app_id}/", {"declaration": {"accident_dates": ["2024-02-30"]}}, format="json")
        assert r.status_code == 400
        assert r.json()["code"] == "invalid_declaration" and "“2024-02-30”不是有效日期" in r.json()["detail"]
        r = api.patch(f"/api/v1/applications/{app_id}/", {"declaration": {"accident_dates": ["2024-02-29"]}}, format="json")
        assert r.status_code == 200 and r.json()["declaration"]["accident_dates"] == ["2024-02-29"]


@pytest.mark.django_db
def test_the_facts_step_takes_dates_and_explains_a_wrong_one(client):
    from .factories import START, open_cycle, org

    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-facts-dates", "654201")
    client.force_login(user)
    with clock.frozen_at(START):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        page = client.get(f"/apply/{app.pk}/?step=facts").content.decode()
        assert "发生安全、质量、环境等事故的日期" in page and "自申报之日起往前" in page
        r = client.post(f"/apply/{app.pk}/", {"step": "facts", "go": "save", "accident_dates": "2023"})
        assert r.status_code == 400 and "只有年份：请填写具体日期" in r.content.decode()
        r = client.post(f"/apply/{app.pk}/", {"step": "facts", "go": "save", "accident_dates": "2023-04-05、2024-01-02"})
        assert r.status_code == 302
    app.refresh_from_db()
    assert app.declaration["accident_dates"] == ["2023-04-05", "2024-01-02"]


# ---- the rules page says how each window is counted --------------------------------------------------------
@pytest.mark.unit
def test_the_rules_page_describes_the_windows_and_the_scope():
    from jurisdictions import presenters

    sections = {s.key: s for s in presenters.present_ruleset(seed_ruleset_data("erenhot-mayor"))}
    items = {i.text: i for i in sections["eligibility"].items}
    loss = items["【组织】最近3年未发生经营性亏损（从事生产、服务经营活动的）"]
    details = [d.text for d in loss.details]
    assert "仅适用于从事生产、服务经营活动的组织" in details
    assert any("申报前已结束的最近3个会计年度" in d for d in details)
    fraud = items["近3年参加各级政府奖项评定活动无弄虚作假等违规行为"]  # 第十二条: no category, persons too
    assert any("自申报之日起往前计算3年" in d.text for d in fraud.details)


@pytest.mark.django_db
def test_an_erenhot_organisation_declares_whether_it_is_a_non_profit(client):
    from .factories import START, open_cycle, org

    cycle, _ = open_cycle("erenhot-mayor")
    applicant, user = org("eh-non-profit", "152501")
    client.force_login(user)
    with clock.frozen_at(START):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        assert "属于从事非营利性业务的组织" in client.get(f"/apply/{app.pk}/?step=facts").content.decode()
        r = client.post(f"/apply/{app.pk}/", {"step": "facts", "go": "save", "non_profit": "yes", "loss_years": "2024"})
        assert r.status_code == 302
        app.refresh_from_db()
        assert (app.declaration["non_profit"], app.declaration["loss_years"]) == (True, [2024])
        results = {r.code: r for r in services.eligibility_check(app)}
    assert results["no_losses_years"].outcome == PASS and "不适用于本申报主体" in results["no_losses_years"].why
    assert results["social_contribution_leading"].outcome == JUDGEMENT


@pytest.mark.unit
def test_an_unreadable_year_in_an_older_declaration_is_left_to_staff():
    assert judge(ACCIDENTS_3, {"accident_years": [0]}, "2026-01-15")[0] == JUDGEMENT
    assert judge(ACCIDENTS_3, {"accident_years": ["二〇二三"]}, "2026-01-15")[0] == JUDGEMENT
    assert judge(LOSSES_3, {"loss_years": ["x"]}, "2026-01-15")[0] == JUDGEMENT
