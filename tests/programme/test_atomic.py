"""Every public write around a cycle — the cultivation pool (awards.pool), encouraged applicants
(awards.encouraged), prize money (awards.prizes), history import (awards.history_import), review agencies
(review.agencies) and onboarding a new award (jurisdictions.onboarding) — is one transaction: when its audit
entry cannot be written, or any other of its writes fails, nothing it did stays (no row, no uploaded file).
The check itself and why it fails each write in turn: tests/awards/test_atomic.py."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import history_import as hi
from awards import encouraged, pool, prizes, services
from awards.models import Application, Cycle, Grant
from awards.models import HistoryImport, PoolMember, PoolRoute, SpendingReport
from awards.simulation import _user
from jurisdictions import onboarding
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from review import agencies
from review.models import AgencyContract
from tests.atomicity import public_functions
from tests.awards.factories import START, open_cycle, org, staff
from tests.awards.test_atomic import PDF, assert_all_or_nothing, chanhe_grant, fresh, frozen, media_files

from .helpers import credit, upload, workbook

pytestmark = pytest.mark.django_db
JUNE = dt.date(2025, 6, 2)


# ---- data, through the real services --------------------------------------------------------------------------
def _xam_office():
    award = Award.objects.get(slug="xam-leader")
    return award, staff("atomic-xam-office", "office", award.office)


def _pool_member():
    award, office = _xam_office()
    member = frozen(JUNE, pool.pool_member_add, award=award, actor=office, name="乌兰浩特甲公司", credit_code=credit("152201", 1),
                    county=Jurisdiction.objects.get(code="152201"), joined_on=dt.date(2025, 3, 1), route=PoolRoute.SELF)()
    return award, office, member


def _agency():
    cycle, office = open_cycle("erenhot-mayor")
    agency = frozen(dt.date(2025, 9, 2), agencies.agency_register, jurisdiction=cycle.award.jurisdiction, actor=office,
                    name="内蒙古卓越质量评价中心")()
    return cycle, office, agency


def _contract():
    cycle, office, agency = _agency()
    contract = frozen(dt.date(2025, 9, 2), agencies.agency_contract_sign, cycle=cycle, agency=agency, actor=office,
                      procurement_document="二采〔2025〕17号", signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 10, 8),
                      ends_on=dt.date(2025, 12, 31))()
    return office, contract


def _chanhe_draft():
    cycle, _office = open_cycle("chanhe-head")
    applicant, user = org("atomic-enc", "410304")
    app = frozen(START, services.application_create, cycle=cycle, applicant=applicant, category="organization", actor=user)()
    return app, user


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("atomic-root", password="Zlj-test-2026!")


def _tacheng_body():
    return Body.objects.get(jurisdiction__code="654200", kind=BodyKind.MARKET_REGULATION)


def _tacheng_history_office():
    return staff("atomic-hist-office", "office", Award.objects.get(slug="tacheng-prefecture").office)


def _history_file():
    row = {"award": "tacheng-prefecture", "year": "2023", "number": "1", "category": "组织", "name": "塔城市历史乳业有限公司",
           "code": credit("654201", 11), "county": "654201", "decision": "塔行发〔2023〕12号", "awarded_on": "2023-12-20",
           "banned_until": "2026-12-31", "revoked_on": "2024-06-01", "revoke_reason": "提供虚假材料"}
    data = workbook([[row.get(k, "") for k, _l, _h in hi.COLUMNS]])
    return lambda: upload(data)


# ---- one case per public write ----------------------------------------------------------------------------------
def case_pool_member_add():
    award, office = _xam_office()
    county_body = Body.objects.get(jurisdiction__code="152201", kind=BodyKind.MARKET_REGULATION)
    return frozen(JUNE, pool.pool_member_add, award=fresh(Award, award.pk), actor=lambda: office, name="乌兰浩特乙公司",
                  credit_code=credit("152201", 2), county=lambda: Jurisdiction.objects.get(code="152201"), joined_on=dt.date(2025, 3, 1),
                  route=PoolRoute.COUNTY, recommended_by_body=fresh(Body, county_body.pk), recommended_by_person="张科长"), "pool.add"


def case_pool_member_update():
    _award, office, member = _pool_member()
    return frozen(JUNE, pool.pool_member_update, member=fresh(PoolMember, member.pk), actor=lambda: office, notes="已完成自评",
                  left_on=dt.date(2025, 6, 1)), "pool.update"


def case_training_record():
    award, office, member = _pool_member()
    return frozen(JUNE, pool.training_record, award=fresh(Award, award.pk), actor=lambda: office, date=dt.date(2025, 6, 20),
                  topic="卓越绩效管理模式导入", trainer="盟质量协会",
                  attendees=lambda: [PoolMember.objects.get(pk=member.pk)]), "pool.training"


def case_agency_register():
    cycle, office = open_cycle("erenhot-mayor")
    return frozen(dt.date(2025, 9, 2), agencies.agency_register, jurisdiction=lambda: Cycle.objects.get(pk=cycle.pk).award.jurisdiction,
                  actor=lambda: office, name="内蒙古卓越质量评价中心"), "agency.register"


def case_agency_contract_sign():
    cycle, office, agency = _agency()
    return frozen(dt.date(2025, 9, 2), agencies.agency_contract_sign, cycle=fresh(Cycle, cycle.pk), agency=fresh(Body, agency.pk),
                  actor=lambda: office, procurement_document="二采〔2025〕17号", signed_on=dt.date(2025, 9, 2),
                  starts_on=dt.date(2025, 10, 8), ends_on=dt.date(2025, 12, 31)), "agency.contract"


def case_agency_contract_terminate():
    office, contract = _contract()
    return frozen(dt.date(2025, 11, 1), agencies.agency_contract_terminate, contract=fresh(AgencyContract, contract.pk),
                  actor=lambda: office, on=dt.date(2025, 11, 15)), "agency.terminate"


def case_agency_staff_add():
    _cycle, office, agency = _agency()
    person = _user("atomic-agency-staff", "评审机构工作人员")
    return frozen(dt.date(2025, 9, 2), agencies.agency_staff_add, agency=fresh(Body, agency.pk), actor=lambda: office,
                  user=lambda: person), "agency.staff_add"


def case_encouraged_choose():
    app, user = _chanhe_draft()
    return frozen(START, encouraged.encouraged_choose, application=fresh(Application, app.pk), actor=lambda: user,
                  codes=["specialized_sme"]), "application.update"


def case_encouraged_evidence_add():
    app, user = _chanhe_draft()
    return frozen(START, encouraged.encouraged_evidence_add, application=fresh(Application, app.pk), actor=lambda: user, code="sme",
                  note="工信部门中小企业认定 洛工信〔2025〕3号",
                  uploaded_file=lambda: SimpleUploadedFile("认定.pdf", PDF, "application/pdf")), "application.encouraged_evidence"


def case_prize_payment_record():
    grant, office, _member = chanhe_grant()
    return frozen(grant.awarded_on + dt.timedelta(days=10), prizes.prize_payment_record, grant=fresh(Grant, grant.pk),
                  actor=lambda: office, amount="60000", paid_on=grant.awarded_on, document="瀍财〔2025〕8号"), "prize.pay"


def case_spending_report_submit():
    grant, _office, member = chanhe_grant()
    return frozen(grant.awarded_on + dt.timedelta(days=10), prizes.spending_report_submit, grant=fresh(Grant, grant.pk),
                  actor=lambda: member, year=grant.year, text="年度使用情况",
                  items=[{"use": "人员培训", "amount": "20000"}, {"use": "质量攻关", "amount": "30000.5"}]), "prize.spending_report"


def case_spending_report_review():
    grant, office, member = chanhe_grant()
    report = frozen(grant.awarded_on + dt.timedelta(days=10), prizes.spending_report_submit, grant=grant, actor=member,
                    year=grant.year, text="年度使用情况", items=[{"use": "人员培训", "amount": "20000"}])()
    return frozen(grant.awarded_on + dt.timedelta(days=20), prizes.spending_report_review, report=fresh(SpendingReport, report.pk),
                  actor=lambda: office, result="rejected", note="支出凭证不全"), "prize.spending_review"


def case_recovery_payment_record():
    grant, office, _member = chanhe_grant()
    frozen(grant.awarded_on + dt.timedelta(days=30), services.revoke, grant=grant, actor=office, reason="fraud", text="经查提供虚假材料",
           occurred_on=grant.awarded_on, evidence_ref="调查报告")()
    # the whole prize at once, so the grant is also marked recovered
    return frozen(grant.awarded_on + dt.timedelta(days=40), prizes.recovery_payment_record, grant=fresh(Grant, grant.pk),
                  actor=lambda: office, amount="100000", paid_on=grant.awarded_on + dt.timedelta(days=40)), "prize.recovery"


def case_jurisdiction_admin_grant():
    root = _superuser()
    admin = _user("atomic-tc-admin", "辖区管理员")
    return frozen(START, onboarding.jurisdiction_admin_grant, actor=lambda: root, user=lambda: admin,
                  body=lambda: _tacheng_body()), "jurisdiction.admin_grant"


def case_award_onboard():
    admin = _user("atomic-tc-admin", "辖区管理员")
    onboarding.jurisdiction_admin_grant(actor=_superuser(), user=admin, body=_tacheng_body())
    return frozen(START, onboarding.award_onboard, actor=lambda: admin, parent=lambda: Jurisdiction.objects.get(code="654200"),
                  code="654221", jurisdiction_name="额敏县", award_name="额敏县县长质量奖", slug="emin-county",
                  template=lambda: Award.objects.get(slug="tacheng-prefecture"), document_number="额政办发〔2025〕1号",
                  issued=dt.date(2024, 12, 20), effective_from=dt.date(2025, 1, 1), office_name="", committee_name=""), "award.onboard"


def case_history_import_upload():
    office = _tacheng_history_office()
    return frozen(START, hi.history_import_upload, actor=lambda: office, uploaded_file=_history_file()), "history.dry_run"


def case_history_import_commit():
    office = _tacheng_history_office()
    batch = frozen(START, hi.history_import_upload, actor=office, uploaded_file=_history_file())()
    assert batch.error_count == 0
    return frozen(START, hi.history_import_commit, batch=fresh(HistoryImport, batch.pk), actor=lambda: office), "history.import"


MODULES = ("awards.pool", "awards.encouraged", "awards.prizes", "awards.history_import", "review.agencies",
           "jurisdictions.onboarding")
CASES = {
    "awards.pool.pool_member_add": case_pool_member_add,
    "awards.pool.pool_member_update": case_pool_member_update,
    "awards.pool.training_record": case_training_record,
    "review.agencies.agency_register": case_agency_register,
    "review.agencies.agency_contract_sign": case_agency_contract_sign,
    "review.agencies.agency_contract_terminate": case_agency_contract_terminate,
    "review.agencies.agency_staff_add": case_agency_staff_add,
    "awards.encouraged.encouraged_choose": case_encouraged_choose,
    "awards.encouraged.encouraged_evidence_add": case_encouraged_evidence_add,
    "awards.prizes.prize_payment_record": case_prize_payment_record,
    "awards.prizes.spending_report_submit": case_spending_report_submit,
    "awards.prizes.spending_report_review": case_spending_report_review,
    "awards.prizes.recovery_payment_record": case_recovery_payment_record,
    "jurisdictions.onboarding.jurisdiction_admin_grant": case_jurisdiction_admin_grant,
    "jurisdictions.onboarding.award_onboard": case_award_onboard,
    "awards.history_import.history_import_upload": case_history_import_upload,
    "awards.history_import.history_import_commit": case_history_import_commit,
}

# Public functions of these modules that write nothing: reads and pure helpers (the reads of prize money
# and the pool are in awards.selectors).
READS = {
    "awards.history_import.template_workbook",  # builds the Excel template in memory
    "awards.history_import.parse_workbook",  # reads an uploaded workbook's rows
    "awards.history_import.check_rows",  # the dry run's per-row checks against the database, writing nothing
}


@pytest.mark.parametrize("function", sorted(CASES))
def test_nothing_stays_when_a_write_or_the_audit_entry_fails(function):
    call, action = CASES[function]()
    assert_all_or_nothing(call, action=action)


@pytest.mark.django_db(transaction=False)
def test_every_public_write_of_the_modules_is_tested_and_keyword_only():
    import importlib
    import inspect

    writes = public_functions(*MODULES) - READS
    assert writes == set(CASES), (f"untested writes: {sorted(writes - set(CASES))}; "
                                  f"tested but not public writes (renamed, or now a read?): {sorted(set(CASES) - writes)}")
    for name in writes:
        module, attr = name.rsplit(".", 1)
        positional = [p.name for p in inspect.signature(getattr(importlib.import_module(module), attr)).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert not positional, f"{name} takes {positional} positionally; domain writes take keyword arguments only"


def test_evidence_whose_audit_entry_fails_leaves_no_file():
    from tests.atomicity import assert_atomic

    app, user = _chanhe_draft()
    call = frozen(START, encouraged.encouraged_evidence_add, application=fresh(Application, app.pk), actor=lambda: user, code="sme",
                  note="认定文件", uploaded_file=lambda: SimpleUploadedFile("认定.pdf", PDF, "application/pdf"))
    assert_atomic(call)
    assert media_files() == set() and Application.objects.get(pk=app.pk).encouraged == []
    evidence = call()
    assert media_files() == {evidence.file.name} and Application.objects.get(pk=app.pk).encouraged == ["sme"]
