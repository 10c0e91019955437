"""Award history import: template, dry run with every row's Chinese error, all-or-nothing commit; imported
history then feeds the eligibility engine like history made here."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from awards import history_import as hi
from awards import services
from awards.models import Applicant, Ban, Cycle, Grant
from core.errors import DomainError, NotPermitted
from core.models import AuditEntry
from jurisdictions.models import Award
from tests.awards.factories import GOOD_DECLARATION, START, open_cycle, org

from .helpers import at, credit, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def tc_office(make_user):
    return make_user("tc-hist-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office)


def good_row(**kw):
    row = {"award": "tacheng-prefecture", "year": "2023", "number": "1", "category": "组织", "name": "塔城市历史乳业有限公司",
           "code": credit("654201", 11), "county": "654201", "decision": "塔行发〔2023〕12号", "awarded_on": "2023-12-20",
           "revoked_on": "", "revoke_reason": "", "banned_until": "", "note": ""}
    row.update(kw)
    return [row[k] for k, _l, _h in hi.COLUMNS]


def test_the_template_has_every_column_in_order():
    wb = load_workbook(io.BytesIO(hi.template_workbook()))
    assert [c.value for c in wb["获奖历史"][1]] == ["奖项代码", "年度", "届次", "类别", "名称", "统一社会信用代码/身份证号", "所在县代码",
                                                 "表彰文号", "表彰日期", "撤销日期", "撤销原因", "禁止申报至", "备注"]
    assert wb.sheetnames == ["获奖历史", "填写说明"]


def test_dry_run_lists_every_rows_error_in_chinese_and_commit_creates_nothing(tc_office):
    rows = [
        good_row(),
        good_row(code="91654201MA7X0000X0", name="错码公司"),
        good_row(award="no-such-award"),
        good_row(awarded_on="2099-01-01", code=credit("654201", 12)),
        good_row(county="659999", code=credit("654201", 13)),
        good_row(),  # duplicate of row 2
        good_row(award="chanhe-head", code=credit("654201", 14)),  # another tenant's award
    ]
    with at(dt.date(2025, 9, 1)):
        batch = hi.history_import_upload(actor=tc_office, uploaded_file=upload(workbook(rows)))
        checks = hi.check_rows(batch.rows, tc_office)
    by_row = {c.row: c.errors for c in checks}
    assert by_row[2] == []
    assert by_row[3] == ["统一社会信用代码校验位不正确，请核对营业执照上的代码"]
    assert by_row[4] == ["奖项代码“no-such-award”不存在或不属于您管理的奖项"]
    assert by_row[5] == ["表彰日期 2099-01-01 晚于今天，历史记录的日期不能在将来"]
    assert by_row[6] == ["所在县代码“659999”不存在（应为6位行政区划代码）"]
    assert by_row[7] == ["与第 2 行重复（同一奖项、同一届次、同一主体）"]
    assert by_row[8] == ["奖项代码“chanhe-head”不存在或不属于您管理的奖项"]
    assert batch.error_count == 6
    before = (Applicant.objects.count(), Grant.objects.count(), Ban.objects.count(), Cycle.objects.count())
    with at(dt.date(2025, 9, 1)), pytest.raises(DomainError, match="有 6 行存在错误.*未导入任何记录"):
        hi.history_import_commit(batch=batch, actor=tc_office)
    assert (Applicant.objects.count(), Grant.objects.count(), Ban.objects.count(), Cycle.objects.count()) == before
    assert AuditEntry.objects.filter(action="history.dry_run").count() == 1


def test_only_the_awards_office_may_import(make_user):
    chanhe = make_user("ch-office", role="office", body=Award.objects.get(slug="chanhe-head").office)
    applicant_user = make_user("nobody")
    with at(dt.date(2025, 9, 1)):
        batch = hi.history_import_upload(actor=chanhe, uploaded_file=upload(workbook([good_row()])))
        assert hi.check_rows(batch.rows, chanhe)[0].errors == ["奖项代码“tacheng-prefecture”不存在或不属于您管理的奖项"]
        with pytest.raises(NotPermitted):
            hi.history_import_upload(actor=applicant_user, uploaded_file=upload(workbook([good_row()])))


def test_an_imported_winner_is_refused_inside_its_five_year_gap(tc_office):
    """塔城 第十条: 获奖后5年内不得再次申报 — imported history counts exactly like history made here."""
    applicant, user = org("hist-winner", "654201")
    with at(dt.date(2025, 8, 1)):
        batch = hi.history_import_upload(actor=tc_office, uploaded_file=upload(workbook([
            good_row(code=applicant.credit_code, name=applicant.name, year="2023", number="1", awarded_on="2023-12-20")])))
        created = hi.history_import_commit(batch=batch, actor=tc_office)
    assert created == {"applicants": 0, "grants": 1, "bans": 0, "cycles": 1}
    grant = Grant.objects.get(applicant=applicant)
    assert (grant.imported, grant.cycle, grant.year, grant.cycle_number) == (True, None, 2023, 1)
    cycle, _office = open_cycle("tacheng-prefecture")
    assert cycle.number == 2  # the platform continues after the imported 第1届
    with at(START.date()):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评",
                                    recommendation="同意推荐")
        failing = [r for r in services.eligibility_check(app) if r.outcome == "fail"]
    assert [(r.code, r.article, r.why) for r in failing] == [
        ("reapply_after_award", "第十条", "2023 年获奖，5年内不得再次申报（2028-12-21 起可申报）")]  # 2028-12-20 is the gap's last day
    with at(START.date() + dt.timedelta(days=7)), pytest.raises(DomainError, match="第十条"):
        services.application_submit(application=app, actor=user)
    assert AuditEntry.objects.filter(action="history.import").count() == 1
    with at(dt.date(2025, 8, 1)), pytest.raises(DomainError) as refused:
        hi.history_import_commit(batch=batch, actor=tc_office)
    assert refused.value.message == "该文件已于 2025-08-01 09:00 导入，不能重复导入。"  # Beijing time


def test_an_imported_ban_blocks_submission(tc_office):
    applicant, user = org("hist-banned", "654202")
    with at(dt.date(2025, 8, 1)):
        batch = hi.history_import_upload(actor=tc_office, uploaded_file=upload(workbook([
            good_row(code=applicant.credit_code, name=applicant.name, county="654202", decision="", awarded_on="", number="",
                     year="2022", revoke_reason="提供虚假材料", banned_until="2027-06-30")])))
        assert hi.check_rows(batch.rows, tc_office)[0].actions == ["沿用已有申报主体“" + applicant.name + "”", "禁止申报至 2027-06-30"]
        assert hi.history_import_commit(batch=batch, actor=tc_office) == {"applicants": 0, "grants": 0, "bans": 1, "cycles": 0}
    ban = Ban.objects.get(applicant=applicant)
    assert (ban.imported, ban.starts_on, ban.ends_on, ban.reason) == (True, dt.date(2022, 1, 1), dt.date(2027, 6, 30), "提供虚假材料")
    cycle, _office = open_cycle("tacheng-prefecture")
    with at(START.date()):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评",
                                    recommendation="同意推荐")
    with at(START.date() + dt.timedelta(days=7)), pytest.raises(DomainError, match="因提供虚假材料被禁止申报至 2027-06-30"):
        services.application_submit(application=app, actor=user)


def test_a_new_applicant_and_a_revoked_grant_with_its_ban(tc_office):
    code = credit("654203", 21)
    with at(dt.date(2025, 8, 1)):
        batch = hi.history_import_upload(actor=tc_office, uploaded_file=upload(workbook([
            good_row(code=code, name="沙湾市撤销公司", county="654203", revoked_on="2024-05-01", revoke_reason="以贿赂手段获奖",
                     banned_until="2034-05-01")])))
        hi.history_import_commit(batch=batch, actor=tc_office)
    applicant = Applicant.objects.get(credit_code=code)
    grant = Grant.objects.get(applicant=applicant)
    assert (applicant.name, applicant.county.code, grant.revoked_on, grant.application.status) == (
        "沙湾市撤销公司", "654203", dt.date(2024, 5, 1), "revoked")
    assert Ban.objects.get(applicant=applicant).grant == grant


def test_an_imported_applicant_is_claimed_through_the_office_and_keeps_its_ban(tc_office, client, make_user):
    """The imported record has no account: registering with its credit code files a claim and changes nothing
    (issue #16 item 2); once the office approves it, the claimant holds the record and the ban imported from
    paper still refuses the application; once held, the code cannot be registered again."""
    from django.contrib.auth import get_user_model

    from awards import claims
    from awards.models import ApplicantMember, ClaimRequest
    from jurisdictions.models import Jurisdiction

    code = credit("654203", 33)
    with at(dt.date(2025, 8, 1)):
        batch = hi.history_import_upload(actor=tc_office, uploaded_file=upload(workbook([
            good_row(code=code, name="沙湾市历史认领公司", county="654203", revoked_on="2024-05-01", revoke_reason="以贿赂手段获奖",
                     banned_until="2034-05-01")])))
        hi.history_import_commit(batch=batch, actor=tc_office)
    imported = Applicant.objects.get(credit_code=code)
    assert not ApplicantMember.objects.filter(applicant=imported).exists()
    r = client.post("/apply/register/", {
        "kind": "organization", "account-username": "claimer", "account-password1": "Zlj-claim-2026x",
        "account-password2": "Zlj-claim-2026x", "organization-name": "沙湾市历史认领有限公司", "organization-credit_code": code,
        "organization-county": Jurisdiction.objects.get(code="654203").pk, "organization-legal_form": "legal_person",
        "organization-address": "沙湾市新建路1号", "organization-industry": "食品制造"})
    assert r.status_code == 302, r.content.decode()[:2000]
    claimer = get_user_model().objects.get(username="claimer")
    imported.refresh_from_db()
    assert Applicant.objects.filter(credit_code=code).count() == 1
    assert not ApplicantMember.objects.filter(applicant=imported, user=claimer).exists()
    assert imported.name == "沙湾市历史认领公司"
    claim = ClaimRequest.objects.get(applicant=imported, user=claimer, state="pending")
    claims.claim_approve(claim=claim, actor=tc_office, basis="county", note="经沙湾市市场监督管理局核实")
    imported.refresh_from_db()
    assert ApplicantMember.objects.filter(applicant=imported, user=claimer).exists()
    assert (imported.name, imported.address) == ("沙湾市历史认领有限公司", "沙湾市新建路1号")
    rename = AuditEntry.objects.get(action="applicant.rename")
    assert (rename.data["old"], rename.data["new"]) == ("沙湾市历史认领公司", "沙湾市历史认领有限公司")
    cycle, _office = open_cycle("tacheng-prefecture")
    with at(START.date()):
        app = services.application_create(cycle=cycle, applicant=imported, category="organization", actor=claimer)
        services.application_update(application=app, actor=claimer, declaration=dict(GOOD_DECLARATION), self_evaluation="自评",
                                    recommendation="同意推荐")
    with at(START.date() + dt.timedelta(days=7)), pytest.raises(DomainError, match="禁止申报至 2034-05-01"):
        services.application_submit(application=app, actor=claimer)
    # held now: a second registration with the code is refused
    with pytest.raises(DomainError, match="已注册"):
        services.applicant_register_organization(user=make_user("claimer-2"), name="冒名公司", credit_code=code,
                                                 county=imported.county, legal_form="legal_person", registration_date=None)
