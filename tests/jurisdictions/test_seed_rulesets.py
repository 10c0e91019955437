"""Each seed ruleset against the articles of its regulation (../shared/seeds/)."""
import pytest

from jurisdictions.models import Award
from jurisdictions.rules import Rules, validate_ruleset_data
from jurisdictions.selectors import ruleset_current

pytestmark = pytest.mark.django_db


def rules(slug) -> Rules:
    return Rules(ruleset_current(Award.objects.get(slug=slug)).data)


def window(r: Rules, stage: str, key: str = "publicity"):
    w = getattr(r.stage(stage), key)
    return (w.length, w.unit, w.article) if w else None


@pytest.mark.parametrize("slug", ["nm-chairman", "xam-leader", "erenhot-mayor", "chanhe-head", "tacheng-prefecture"])
def test_every_seed_is_valid_and_every_rule_cites_an_article(slug):
    data = ruleset_current(Award.objects.get(slug=slug)).data
    assert validate_ruleset_data(data) == []
    for stage in data["stages"]:
        assert stage["article"], stage
        for key in ("publicity", "public_comment", "deadline"):
            if key in stage:
                assert stage[key]["article"], (stage["code"], key)
    for rule in data["eligibility"] + data["bans"]:
        assert rule["article"], rule


def test_nm_chairman():
    r = rules("nm-chairman")
    assert r.cycle_years == 2 and r.quota_total == 5  # 第三条
    assert r.reapply_after_award == {"length": 3, "unit": "cycles", "count": "after", "text": "获奖单位再次申报应当于三届以后", "article": "第三条"}
    assert r.stage_codes == ["announcement", "internal_publicity", "filing", "pre_check", "qualification_review",
                             "material_review", "on_site_review", "defense", "composite_evaluation", "deliberation",
                             "award_publicity", "approval", "commendation"]  # 第十六条至第二十四条
    assert window(r, "internal_publicity") == (5, "working_days", "第十八条")
    assert window(r, "pre_check") == (5, "working_days", "第十九条")
    assert window(r, "qualification_review") == (5, "working_days", "第二十条")
    assert window(r, "award_publicity") == (5, "working_days", "第二十三条")
    assert r.routing["first"] == "market_regulation" and r.routing["level"] == "prefecture"  # 第十九条 盟市
    assert r.ban_for("fraud") == {"reason": "fraud", "length": 5, "unit": "years", "applies_to": "winners", "article": "第二十八条",
                                  "text": "弄虚作假、采取不正当手段骗取荣誉的，5年内不受理其申报"}
    assert r.ban_for("fraud", revoked=False) is None  # 第二十八条: the ban follows the revocation of a title won so
    assert r.performance_report_years == 3  # 第三十二条
    assert r.post_award["tracking"]["years"] == 5  # 第三十三条
    elig = {e["code"]: e for e in r.eligibility}
    assert elig["years_of_operation"]["min"] == 5 and elig["quality_system_years"]["min"] == 2  # 第十四条
    assert elig["no_accidents_years"]["years"] == 3  # 第十四条（五）
    assert r.prize("organization") is None


def test_xam_leader():
    r = rules("xam-leader")
    award = Award.objects.get(slug="xam-leader")
    ruleset = ruleset_current(award)
    assert ruleset.issued.isoformat() == "2025-10-21"
    assert ruleset.effective_from.isoformat() == "2025-11-20"  # 第三十三条: 发布之日起30日后施行
    assert r.cycle_years == 5 and r.quota_total == 5  # 第三条
    assert r.reapply_after_award["length"] == 1 and r.reapply_after_award["unit"] == "cycles"  # 第三条 间隔一届
    assert r.ban_for("fraud")["length"] == 1 and r.ban_for("fraud")["unit"] == "cycles"  # 第二十六条 下一届
    assert r.routing["level"] == "county"  # 第十六条 旗县市
    assert window(r, "pre_check") == (5, "working_days", "第十七条")
    assert r.recommendation["required"] and r.recommendation["article"] == "第十七条"
    assert r.performance_report_years == 3  # 第三十条


def test_erenhot_mayor():
    r = rules("erenhot-mayor")
    ruleset = ruleset_current(Award.objects.get(slug="erenhot-mayor"))
    assert (ruleset.effective_from.isoformat(), ruleset.effective_until.isoformat()) == ("2021-09-01", "2026-08-31")  # 第三十四条
    assert r.quota("organization") == 1 and r.quota("individual") == 1 and r.vacancy_allowed  # 第三条
    assert r.data["award_validity_years"]["length"] == 3  # 第三条 有效期3年
    assert r.applicants["individual"] is True  # 第二条、第十一条
    assert r.routing["first"] == "award_office"  # 第十五条
    assert "internal_publicity" not in r.stage_codes and "pre_check" not in r.stage_codes
    assert window(r, "announcement") == (10, "working_days", "第十四条")
    assert window(r, "qualification_review", "deadline") == (10, "working_days", "第十六条")
    assert window(r, "material_review", "deadline") == (20, "working_days", "第十八条")
    assert window(r, "composite_evaluation", "public_comment") == (30, "working_days", "第十九条")
    assert window(r, "award_publicity") == (7, "working_days", "第二十二条")
    assert r.prize("organization") == 200000 and r.prize("individual") is None  # 第二十三条
    assert r.ban_for("fraud")["length"] == 5 and r.revocation_for("fraud")["recover_prize"]  # 第二十八条
    assert r.revocation_for("serious_accident")["within_years"] == 3  # 第二十九条
    elig = {e["code"]: e for e in r.eligibility}
    assert elig["years_of_operation"]["min"] == 3 and elig["no_losses_years"]["years"] == 3  # 第十条
    assert elig["quality_work_years"]["min"] == 5 and elig["quality_work_years"]["category"] == "individual"  # 第十一条
    assert elig["not_on_abnormal_lists"]["article"] == "第十二条（六）"
    assert elig["no_tax_social_insurance_violations_years"]["years"] == 3  # 第十二条（五）


def test_chanhe_head():
    r = rules("chanhe-head")
    assert r.cycle_years == 2 and r.quota_total == 5 and r.vacancy_allowed  # 第四条
    assert "defense" not in r.stage_codes  # 第十四条: 资格审核、材料评审、现场评审和评委会审议
    assert window(r, "award_publicity") == (7, "calendar_days", "第十九条")  # 公示期7天
    assert r.prize("organization") == 100000  # 第二十条
    assert [(b["reason"], b["length"], b["unit"]) for b in r.data["bans"]] == [("fraud", 4, "years"), ("serious_accident", 4, "years")]
    assert r.revocation_for("serious_accident")["within_years"] == 2  # 第二十九条
    assert r.recommendation["required"] and r.recommendation["article"] == "第十六条"
    assert r.performance_report_years == 3  # 第二十四条
    elig = {e["code"]: e for e in r.eligibility}
    assert elig["years_of_operation"]["min"] == 3 and elig["no_accidents_years"]["years"] == 2  # 第十条、第十一条


def test_tacheng_prefecture():
    r = rules("tacheng-prefecture")
    assert r.cycle_years == 2 and r.alternation["name"] == "新疆维吾尔自治区人民政府质量奖"  # 第四条
    assert r.quota("organization") == 3 and r.vacancy_allowed  # 第四条
    codes = r.stage_codes
    assert codes.index("defense") < codes.index("on_site_review")  # 第二十条 before 第二十一条
    assert r.applicants["branch"] and r.applicants["branch_requires_parent_recommendation"]  # 第九条、第十二条
    assert r.routing["first"] == "industry_department_or_market_regulation"  # 第十三条
    assert window(r, "pre_check") == (5, "working_days", "第十四条")
    assert window(r, "qualification_review") == (5, "working_days", "第十七条")
    assert window(r, "award_publicity") == (5, "working_days", "第二十二条")
    assert r.objection_deadline.length == 5 and r.objection_deadline.article == "第二十四条"
    assert r.reapply_after_award == {"length": 5, "unit": "years", "unless_declared": "new_achievements", "text": "获奖后5年内不得以原获奖成果再次申报", "article": "第十条"}
    assert (r.ban_for("fraud")["length"], r.ban_for("bribery")["length"]) == (5, 10)  # 第三十二条
    # 第三十二条: 隐瞒有关情况或者提供虚假材料进行申报的 — wherever it is found; bribery only with the title revoked
    assert r.ban_for("fraud", revoked=False)["length"] == 5 and r.ban_for("bribery", revoked=False) is None
    assert r.revocation_for("serious_accident")["within_years"] == 5  # 第三十三条
    elig = {e["code"]: e for e in r.eligibility}
    assert elig["years_of_operation"]["min"] == 5 and elig["years_of_operation"]["new_economy_min"] == 3  # 第九条（二）


def test_public_api_lists_awards_and_serves_rulesets(client):
    awards = client.get("/api/v1/awards/").json()
    assert {a["slug"] for a in awards} >= {"nm-chairman", "xam-leader", "erenhot-mayor", "chanhe-head", "tacheng-prefecture"}
    chanhe = next(a for a in awards if a["slug"] == "chanhe-head")
    assert (chanhe["jurisdiction_code"], chanhe["jurisdiction_name"], chanhe["ruleset_version"]) == ("410304", "瀍河回族区", 1)
    body = client.get("/api/v1/awards/tacheng-prefecture/ruleset/").json()
    assert body["document"]["number"] == "塔行办规〔2023〕1号"
    assert [s["code"] for s in body["stages"]][0] == "internal_publicity"
    assert client.get("/api/v1/awards/no-such-award/ruleset/").status_code == 404


def test_openapi_schema_describes_the_ruleset(client):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    text = r.content.decode()
    assert "/api/v1/awards/{slug}/ruleset/" in text and "/api/v1/calendar/window/" in text
    assert client.get("/api/docs/").status_code == 200


def test_chanhe_head_takes_effect_on_its_issue_date_which_the_text_does_not_give(client):
    """瀍河 第三十条: 本办法自印发之日起施行 — the source gives no issue date, so none is invented: the version has no
    施行日期, is in force, and its page says what the text says."""
    import datetime as dt

    ruleset = ruleset_current(Award.objects.get(slug="chanhe-head"))
    assert ruleset.effective_from is None and ruleset.issued is None
    assert ruleset.in_force_on(dt.date(2026, 12, 2))
    html = client.get("/rules/chanhe-head/").content.decode()
    assert "施行日期：自印发之日起施行（原文未载印发日期）" in html and "2021-01-01" not in html and "2021年1月1日" not in html
