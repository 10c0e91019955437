"""Revocation judged on the date its ground occurred, with its evidence (issue #15 defect 3), and bans for
false materials as the ruleset says whom they reach (defect 4): winners whose title is revoked (内蒙古 第二十八条,
兴安盟 第二十六条, 二连浩特 第二十八条, 瀍河 第二十八条) or applicants wherever it is found (塔城 第三十二条), on every path
(revocation, a refusal at a stage, an objection), imported past winners included."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from awards import actions, services
from awards import history_import as hi
from awards.models import Application, Ban, Grant, StageEvent, Status
from core import clock
from core.errors import DomainError
from jurisdictions.models import Award, Body, BodyKind
from tests.programme.helpers import credit, upload, workbook

from .factories import filed, open_cycle, org, staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: dt.date, hour: int = 10):
    return clock.frozen_at(dt.datetime.combine(day, dt.time(hour), tzinfo=clock.SHANGHAI))


def _awarded(cycle, username, county, *, on):
    applicant, _ = org(username, county)
    app = Application.objects.create(cycle=cycle, applicant=applicant, category="organization", reference=f"R-{username}",
                                     stage="commendation", status=Status.AWARDED)
    return Grant.objects.create(application=app, applicant=applicant, award=cycle.award, cycle=cycle, category="organization",
                                year=on.year, cycle_number=cycle.number, decision_document="决定〔1〕1号", awarded_on=on,
                                serial=f"R-{username}", prize_amount=_prize(cycle))


def _prize(cycle):
    from jurisdictions.rules import Rules

    return Rules(cycle.ruleset.data).prize("organization")


# ---- defect 3: the window runs from the award to the incident; the decision may come later ---------------------
@pytest.mark.parametrize("slug,county,years,article", [
    ("chanhe-head", "410304", 2, "第二十九条"),  # 获奖后2年内如发生重大……事故
    ("erenhot-mayor", "152501", 3, "第二十九条"),  # 获得奖励后3年内发生较大质量和安全事故
    ("tacheng-prefecture", "654201", 5, "第三十三条"),  # 自获奖之日起5年内发生重大……事故
])
def test_an_incident_on_the_last_day_of_the_window_is_revocable_the_next_day_is_not(slug, county, years, article):
    cycle, office = open_cycle(slug)
    awarded_on = dt.date(2025, 11, 20)
    last_day = dt.date(2025 + years, 11, 20)  # the same date N years on (民法典 第二百零一条)
    decided = last_day + dt.timedelta(days=200)  # the decision long after the window: it is the incident that counts
    late = _awarded(cycle, f"{slug}-late", county, on=awarded_on)
    with at(decided), pytest.raises(DomainError) as refused:
        services.revoke(grant=late, actor=office, reason="serious_accident", text="发生重大事故",
                        occurred_on=last_day + dt.timedelta(days=1), evidence_ref="事故调查报告〔1〕号")
    assert refused.value.article == article and refused.value.field == "occurred_on"
    assert f"须发生在 2025-11-20 至 {last_day:%Y-%m-%d} 之间" in refused.value.message
    assert Grant.objects.get(pk=late.pk).revoked_on is None
    in_time = _awarded(cycle, f"{slug}-in-time", county, on=awarded_on)
    with at(decided):
        services.revoke(grant=in_time, actor=office, reason="serious_accident", text="发生重大事故", occurred_on=last_day,
                        evidence_ref="事故调查报告〔2〕号")
    in_time.refresh_from_db()
    assert (in_time.revoked_on, in_time.revoke_occurred_on, in_time.revoke_evidence_ref) == (decided, last_day, "事故调查报告〔2〕号")
    assert in_time.application.status == Status.REVOKED


def test_an_incident_before_the_award_or_after_the_decision_is_refused():
    cycle, office = open_cycle("chanhe-head")
    grant = _awarded(cycle, "ch-dates", "410304", on=dt.date(2025, 11, 20))
    with at(dt.date(2026, 3, 2)):
        with pytest.raises(DomainError, match="须发生在 2025-11-20 至 2027-11-20 之间"):
            services.revoke(grant=grant, actor=office, reason="serious_accident", text="事故", occurred_on=dt.date(2025, 11, 19),
                            evidence_ref="报告")
        with pytest.raises(DomainError, match="不能晚于今天") as future:
            services.revoke(grant=grant, actor=office, reason="serious_accident", text="事故", occurred_on=dt.date(2026, 3, 3),
                            evidence_ref="报告")
    assert future.value.field == "occurred_on"


def test_chanhe_a_revocation_under_article_29_bars_the_unit_for_4_years_from_the_decision():
    # 瀍河 第二十九条: ……撤销奖励，收回奖杯、证书，向社会公告，4年内不接受该单位再次申报。
    cycle, office = open_cycle("chanhe-head")
    grant = _awarded(cycle, "ch-29", "410304", on=dt.date(2025, 11, 20))
    with at(dt.date(2028, 1, 10)):
        services.revoke(grant=grant, actor=office, reason="serious_accident", text="发生重大安全事故", occurred_on=dt.date(2027, 11, 20),
                        evidence_ref="洛阳市应急管理局事故调查报告")
    ban = Ban.objects.get(grant=grant)
    assert (ban.reason, ban.starts_on, ban.ends_on, ban.article) == ("serious_accident", dt.date(2028, 1, 10), dt.date(2032, 1, 10), "第二十九条")
    grant.refresh_from_db()
    assert grant.prize_to_recover is None  # 第二十九条 收回奖杯、证书 — not the prize money (第二十八条 does)


def test_the_evidence_is_required_and_an_upload_is_checked_and_stored():
    cycle, office = open_cycle("chanhe-head")
    grant = _awarded(cycle, "ch-evidence", "410304", on=dt.date(2025, 11, 20))
    with at(dt.date(2026, 3, 2)):
        with pytest.raises(DomainError, match="请上传撤销事由的证明材料") as missing:
            services.revoke(grant=grant, actor=office, reason="fraud", text="提供虚假材料", occurred_on=dt.date(2025, 8, 1))
        assert missing.value.field == "evidence"
        with pytest.raises(DomainError) as bad:
            services.revoke(grant=grant, actor=office, reason="fraud", text="提供虚假材料", occurred_on=dt.date(2025, 8, 1),
                            evidence=SimpleUploadedFile("报告.pdf", b"<html>not a pdf</html>", "application/pdf"))
        assert bad.value.field == "evidence" and "不是 PDF" in bad.value.message
        services.revoke(grant=grant, actor=office, reason="fraud", text="提供虚假材料", occurred_on=dt.date(2025, 8, 1),
                        evidence=SimpleUploadedFile("核查报告.pdf", PDF, "application/pdf"))
    grant.refresh_from_db()
    assert grant.revoke_evidence.name.startswith("revocations/2026/") and grant.revoke_evidence.read() == PDF
    assert grant.prize_to_recover == Decimal("100000.00")  # 瀍河 第二十八条 收回……奖金


# ---- defect 4: past winners imported from paper history -----------------------------------------------------------
def _imported(slug, county, *, number, awarded_on, seed):
    award = Award.objects.get(slug=slug)
    office = staff(f"{slug}-hist-office", "office", award.office)
    row = {"award": slug, "year": str(awarded_on.year), "number": str(number), "category": "组织", "name": f"{slug}历史获奖公司{seed}",
           "code": credit(county, seed), "county": county, "decision": f"历史表彰〔{awarded_on.year}〕1号",
           "awarded_on": awarded_on.isoformat(), "revoked_on": "", "revoke_reason": "", "banned_until": "", "note": ""}
    with at(dt.date(2025, 12, 1)):
        batch = hi.history_import_upload(actor=office, uploaded_file=upload(workbook([[row[k] for k, _l, _h in hi.COLUMNS]])))
        hi.history_import_commit(batch=batch, actor=office)
    return Grant.objects.get(award=award, applicant__name=row["name"]), office


@pytest.mark.parametrize("slug,county,ends_on,recover", [
    ("nm-chairman", "152201", dt.date(2031, 1, 5), None),  # 第二十八条: 5年内不受理其申报
    ("erenhot-mayor", "152501", dt.date(2031, 1, 5), Decimal("200000")),  # 第二十八条: 追缴奖金，5年内不得参加
    ("chanhe-head", "410304", dt.date(2030, 1, 5), Decimal("100000")),  # 第二十八条: 收回……奖金，4年内不接受
])
def test_an_imported_past_winner_revoked_for_fraud_is_banned_and_owes_the_prize(slug, county, ends_on, recover):
    grant, office = _imported(slug, county, number=1, awarded_on=dt.date(2024, 6, 1), seed=41)
    assert grant.cycle_id is None and grant.imported
    with at(dt.date(2026, 1, 5)):
        services.revoke(grant=grant, actor=office, reason="fraud", text="经查，申报材料系伪造", occurred_on=dt.date(2024, 3, 1),
                        evidence_ref="核查报告")
    ban = Ban.objects.get(grant=grant)
    assert (ban.ends_on, ban.article) == (ends_on, "第二十八条")
    grant.refresh_from_db()
    assert grant.prize_to_recover == recover


def test_an_imported_xam_winner_revoked_for_fraud_is_refused_in_the_next_cycle():
    # 兴安盟 第二十六条 下一届不受理: history up to cycle 3, so the first cycle opened after the decision is cycle 4.
    _imported("xam-leader", "152201", number=3, awarded_on=dt.date(2020, 12, 1), seed=42)
    grant, office = _imported("xam-leader", "152201", number=1, awarded_on=dt.date(2010, 12, 1), seed=43)
    with at(dt.date(2025, 6, 2)):
        services.revoke(grant=grant, actor=office, reason="fraud", text="经查，申报材料系伪造", occurred_on=dt.date(2010, 9, 1),
                        evidence_ref="核查报告")
    ban = Ban.objects.get(grant=grant)
    assert (ban.through_cycle_number, ban.ends_on, ban.article) == (4, None, "第二十六条")


# ---- defect 4: a finding of false materials at a stage ------------------------------------------------------------
def _tacheng_at_pre_check(username):
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, user = org(username, "654201")
    app = filed(cycle, applicant, user)
    checker = staff(f"{username}-checker", "precheck", Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))
    return app, checker, office


def test_tacheng_false_materials_found_at_pre_check_ban_the_applicant_for_5_years():
    # 塔城 第三十二条: 隐瞒有关情况或者提供虚假材料进行申报的，5年内不予受理其申报 — wherever it is found.
    app, checker, _office = _tacheng_at_pre_check("tc-fraud-pre")
    with at(dt.date(2025, 9, 22)):
        actions.perform("reject", application=app, actor=checker, role="precheck", reason="财务报表系伪造", data={"fraud": True})
    app.refresh_from_db()
    ban = Ban.objects.get(application=app)
    assert (app.status, ban.reason, ban.ends_on, ban.article, ban.grant) == (Status.REJECTED, "fraud", dt.date(2030, 9, 22), "第三十二条", None)
    assert StageEvent.objects.filter(application=app, action="reject").get().data == {"fraud": True}


def test_a_plain_refusal_writes_no_ban_and_fraud_goes_only_with_a_refusal():
    app, checker, _office = _tacheng_at_pre_check("tc-plain")
    with at(dt.date(2025, 9, 22)), pytest.raises(DomainError, match="只能随“不予通过”或“未进入下一环节”"):
        actions.perform("approve", application=app, actor=checker, role="precheck", data={"fraud": True})
    assert Application.objects.get(pk=app.pk).status == Status.PENDING
    with at(dt.date(2025, 9, 22)):
        actions.perform("reject", application=app, actor=checker, role="precheck", reason="不符合申报条件")
    assert not Ban.objects.filter(applicant=app.applicant).exists()


def test_nm_false_materials_found_at_a_stage_cancel_the_filing_but_ban_nobody():
    # 内蒙古 第二十八条: the 5-year ban follows the revocation of a title won by fraud, not a rejected applicant.
    award = Award.objects.get(slug="nm-chairman")
    when = dt.datetime(2025, 9, 1, 9, tzinfo=clock.SHANGHAI)
    cycle, office = open_cycle("nm-chairman", when=when)
    applicant, user = org("nm-fraud-pre", "152201")
    app = filed(cycle, applicant, user)
    checker = staff("nm-fraud-checker", "precheck", Body.objects.get(jurisdiction=app.route_body.jurisdiction, kind=BodyKind.MARKET_REGULATION))
    with at(dt.date(2025, 9, 22)):
        actions.perform("reject", application=app, actor=checker, role="precheck", reason="财务报表系伪造", data={"fraud": True})
    assert Application.objects.get(pk=app.pk).status == Status.REJECTED
    assert not Ban.objects.filter(applicant=applicant, award=award).exists()
    assert StageEvent.objects.get(application=app, action="reject").data == {"fraud": True}


def test_the_api_records_a_finding_with_the_refusal():
    app, checker, _office = _tacheng_at_pre_check("tc-fraud-api")
    client = APIClient()
    client.force_authenticate(checker)
    with at(dt.date(2025, 9, 22)):
        refused = client.post(f"/api/v1/applications/{app.pk}/transition/", {"action": "approve", "fraud": True}, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "not_a_refusal"
        done = client.post(f"/api/v1/applications/{app.pk}/transition/",
                           {"action": "reject", "reason": "隐瞒行政处罚", "fraud": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    assert Ban.objects.get(application=app).ends_on == dt.date(2030, 9, 22)


def test_the_review_page_records_a_finding_with_the_refusal(client):
    app, checker, _office = _tacheng_at_pre_check("tc-fraud-page")
    client.force_login(checker)
    with at(dt.date(2025, 9, 22)):
        page = client.get(f"/precheck/{app.pk}/")
        assert "查实隐瞒有关情况或提供虚假材料" in page.content.decode()
        response = client.post(f"/precheck/{app.pk}/", {"action": "reject", "reason": "隐瞒行政处罚", "fraud": "on"}, follow=True)
    assert "已记录查实弄虚作假，依第三十二条禁止申报（至 2030-09-22）" in response.content.decode()
    assert Application.objects.get(pk=app.pk).status == Status.REJECTED


# ---- the revocation's page and API take the incident date and the evidence -----------------------------------------
def test_the_revocation_page_takes_the_incident_date_and_an_uploaded_document(client):
    cycle, office = open_cycle("chanhe-head")
    grant = _awarded(cycle, "ch-page", "410304", on=dt.date(2025, 11, 20))
    client.force_login(office)
    url = f"/office/grants/{grant.pk}/revoke/"
    with at(dt.date(2028, 3, 1)):
        page = client.get(url).content.decode()
        assert "撤销事由发生日期" in page and "获奖后2年内发生" in page and 'enctype="multipart/form-data"' in page
        late = client.post(url, {"reason": "serious_accident", "occurred_on": "2027-11-21", "text": "发生重大安全事故",
                                 "evidence_ref": "事故调查报告"})
        assert late.status_code == 400 and "须发生在 2025-11-20 至 2027-11-20 之间" in late.content.decode()
        done = client.post(url, {"reason": "serious_accident", "occurred_on": "2027-11-20", "text": "发生重大安全事故",
                                 "evidence": SimpleUploadedFile("事故调查报告.pdf", PDF, "application/pdf")}, follow=True)
    assert "依第二十九条禁止申报（至 2032-03-01）" in done.content.decode()
    grant.refresh_from_db()
    assert grant.revoke_occurred_on == dt.date(2027, 11, 20) and grant.revoke_evidence.name.startswith("revocations/")
    with at(dt.date(2028, 3, 1)):
        assert "下载证明材料" in client.get(url).content.decode()
        download = client.get(f"{url}evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")


def test_the_revocation_api_takes_the_incident_date():
    cycle, office = open_cycle("erenhot-mayor")
    grant = _awarded(cycle, "er-api", "152501", on=dt.date(2025, 6, 23))
    client = APIClient()
    client.force_authenticate(office)
    url = f"/api/v1/grants/{grant.pk}/revoke/"
    with at(dt.date(2028, 7, 10)):
        late = client.post(url, {"reason": "serious_accident", "text": "较大安全事故", "occurred_on": "2028-06-28",
                                 "evidence_ref": "事故调查报告"}, format="json")
        assert late.status_code == 400 and late.json()["field"] == "occurred_on" and "第二十九条" in late.json()["detail"]
        done = client.post(url, {"reason": "serious_accident", "text": "较大安全事故", "occurred_on": "2028-05-20",
                                 "evidence": SimpleUploadedFile("报告.pdf", PDF, "application/pdf")}, format="multipart")
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["revoked_on"], body["revoke_occurred_on"]) == ("2028-07-10", "2028-05-20")


def test_the_rules_page_says_whom_a_ban_reaches():
    from jurisdictions import presenters
    from jurisdictions.services import seed_ruleset_data

    def bans(slug):
        section = {s.key: s for s in presenters.present_ruleset(seed_ruleset_data(slug))}["bans"]
        return {(i.article, i.text): [d.text for d in i.details] for i in section.items}

    tacheng = bans("tacheng-prefecture")
    assert "在初审、资格审查、评审、异议等任何环节查实即禁止申报" in tacheng[("第三十二条", "弄虚作假的：5年内不受理其申报")]
    assert "随撤销奖励一并禁止申报" in tacheng[("第三十二条", "欺骗、贿赂等不正当手段的：10年内不受理其申报")]
    assert "随撤销奖励一并禁止申报；未获奖的申报者被查实的，取消本届资格，不因此禁止申报" in bans("nm-chairman")[
        ("第二十八条", "弄虚作假的：5年内不受理其申报")]


def test_the_ruleset_editor_changes_whom_a_ban_reaches(client, make_user, without_rule_case_checks):
    """An office whose regulation changes (say 塔城 decides false materials bar only winners once revoked) edits
    applies_to like any other number of the ruleset; the new version says so, version 1 is untouched."""
    from jurisdictions.models import Ruleset
    from tests.jurisdictions.test_ruleset_pages import edit_post, office_of

    client.force_login(office_of(make_user, "tacheng-prefecture"))
    page = client.get("/rules/tacheng-prefecture/edit/").content.decode()
    assert 'name="ban__fraud__applies_to"' in page and "在任何环节被查实的申报者" in page
    edit_post(client, "tacheng-prefecture", ban__fraud__applies_to="winners", note="依新文件修订")
    versions = {r.version: r.data for r in Ruleset.objects.filter(award__slug="tacheng-prefecture")}
    fraud = {v: next(b for b in d["bans"] if b["reason"] == "fraud")["applies_to"] for v, d in versions.items()}
    assert fraud == {1: "applicants", 2: "winners"}
