"""Every public write of awards.services (and awards.claims) is one transaction: when its audit entry cannot be written, or any
other of its writes fails, nothing it did stays (no row, no uploaded file), and a later success writes the
audit entry.

`assert_atomic` (tests/atomicity.py) makes every audit write fail. That alone cannot see a function that
moves an application (the move writes its own audit entry first) and then writes more outside one
transaction: the failure comes before the rest is written. So each call is also run with its 1st, 2nd, …
database write failing in turn, until the call needs fewer writes than that and completes; after every
failed run every table, the audit log and the uploaded files must be as before.

Plain `django_db` tests: a function without its own transaction.atomic leaves its writes in the test's
transaction when a later write fails, and the row-by-row comparison sees them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import inspect
import random
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from awards import actions, services
from awards.models import Applicant, Application, Cycle, Grant, Material, Status
from awards.simulation import _id_number, _user, simulate_cycle
from core import clock
from core.models import AuditEntry
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from publicity.windows import close_due_windows, publish_stage_list
from tests.atomicity import assert_atomic, public_functions, snapshot

from .factories import GOOD_DECLARATION, START, filed, open_cycle, org, staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ---- the check ------------------------------------------------------------------------------------------------
class WriteFailed(Exception):
    """Raised in place of the n-th INSERT/UPDATE/DELETE of a call."""


@contextlib.contextmanager
def nth_write_failing(n: int):
    seen = {"writes": 0}

    def wrapper(execute, sql, params, many, context):
        if isinstance(sql, str) and sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen["writes"] += 1
            if seen["writes"] == n:
                raise WriteFailed(sql[:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


@contextlib.contextmanager
def tasks_recorded():
    """Celery tasks queued while inside: recorded, not sent (a task queued on commit is never queued by a
    transaction that rolls back)."""
    from unittest import mock

    from celery.app.task import Task

    queued = []
    with mock.patch.object(Task, "apply_async", lambda task, *a, **kw: queued.append(task.name)):
        yield queued


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def state(queued: list) -> tuple:
    from django.core import mail

    return snapshot(), AuditEntry.objects.count(), media_files(), len(mail.outbox), len(queued)


def _changes(before: tuple, after: tuple) -> list[str]:
    rows = sorted(label for label in before[0] if before[0][label] != after[0].get(label))
    return (rows + (["core.AuditEntry"] if before[1] != after[1] else []) + [f"file {f}" for f in sorted(after[2] - before[2])]
            + (["mail sent"] if before[3] != after[3] else []) + (["celery task queued"] if before[4] != after[4] else []))


def assert_all_or_nothing(call, *, action: str, max_writes: int = 400):
    """`call()` leaves nothing behind when its audit write fails (assert_atomic) or when any one of its writes
    fails — no row, audit entry, stored file, mail or Celery task; run once more with nothing failing it
    completes and writes the audit entry `action`."""
    with tasks_recorded() as queued:
        before = state(queued)
        assert_atomic(call)
        changed = _changes(before, state(queued))
        assert not changed, f"these stayed although the audit write failed: {changed}"
        # every failed run must leave the same state, so one snapshot serves them all
        for n in range(1, max_writes + 1):
            with nth_write_failing(n) as seen:
                try:
                    result = call()
                except WriteFailed as exc:
                    changed = _changes(before, state(queued))
                    assert not changed, f"write {n} ({exc}) failed, yet these stayed: {changed}"
                    continue
            assert seen["writes"] < n, f"write {n} failed but the call carried on as if it had not"
            break
        else:
            raise AssertionError(f"more than {max_writes} writes")
    assert n > 1, "the call wrote nothing"
    assert AuditEntry.objects.filter(action=action).exists(), f"the call completed without its audit entry {action}"
    return result


def frozen(when, fn, **kwargs):
    """A call to rerun: the service at a fixed moment, its arguments re-read from the database each time."""
    when = when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time(10), tzinfo=clock.SHANGHAI)

    def call():
        with clock.frozen_at(when):
            return fn(**{k: (v() if callable(v) else v) for k, v in kwargs.items()})
    return call


def fresh(model, pk):
    return lambda: model.objects.get(pk=pk)


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=clock.SHANGHAI)


# ---- data, through the real services --------------------------------------------------------------------------
def _draft():
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, user = org("atomic-co", "654201")
    with clock.frozen_at(START):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
    return cycle, office, app, user


def _submitted():
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, user = org("atomic-co", "654201")
    app = filed(cycle, applicant, user)
    checker = staff("atomic-checker", "precheck", Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))
    return app, user, checker, office


def _tacheng_walk(until: str):
    """Two 塔城 applications through the real services (as tests/publicity/conftest.py walks one), stopping with
    both pending at `until` (material_review, approval or commendation)."""
    award = Award.objects.get(slug="tacheng-prefecture")
    office = staff("walk-office", "office", award.office)
    checker = staff("walk-checker", "precheck", Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))
    with clock.frozen_at(at(2025, 9, 1)):
        cycle = services.cycle_open(award=award, actor=office, year=2025, filing_deadline=dt.date(2025, 9, 25))
        apps = []
        for name in ("walk-a", "walk-b"):
            applicant, user = org(name, "654201")
            app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
            services.application_update(application=app, actor=user, self_evaluation="自我评价报告全文。",
                                        internal_publicity_from=dt.date(2025, 8, 18), internal_publicity_to=dt.date(2025, 8, 29),
                                        declaration=dict(GOOD_DECLARATION))
            apps.append(services.application_submit(application=app, actor=user))
    with clock.frozen_at(at(2025, 9, 10)):
        for app in apps:
            actions.perform(application=app, name="approve", actor=checker, role="precheck")
            services.opinion_record(application=app, actor=checker, role="precheck", kind="recommendation", body_name=app.route_body.name, text="审核通过")  # 塔城 第十四条
    with clock.frozen_at(at(2025, 9, 30)):
        publish_stage_list(cycle=cycle, stage_code="pre_check", actor=checker, role="precheck", body=apps[0].route_body)
    close_due_windows(now=at(2025, 10, 14, 0, 5))
    with clock.frozen_at(at(2025, 10, 14)):
        for app in apps:
            actions.perform(application=Application.objects.get(pk=app.pk), name="approve", actor=office, role="office")
        publish_stage_list(cycle=cycle, stage_code="qualification_review", actor=office, role="office")
    close_due_windows(now=at(2025, 10, 30))
    pks = [a.pk for a in apps]
    if until == "material_review":
        return cycle, office, pks
    with clock.frozen_at(at(2025, 11, 3)):
        for stage in ("material_review", "defense", "on_site_review", "composite_evaluation"):
            _scored(cycle, stage, office)
            services.stage_select(cycle=cycle, stage=stage, advancing=pks, actor=office, reason="评审结果")
        _voted(cycle, pks, office)
        for pk in pks:
            actions.perform(application=Application.objects.get(pk=pk), name="approve", actor=office, role="office")
        publish_stage_list(cycle=cycle, stage_code="award_publicity", actor=office, role="office")
    close_due_windows(now=at(2025, 11, 11))
    if until == "approval":
        return cycle, office, pks
    with clock.frozen_at(at(2025, 11, 20)):
        services.approval_record(cycle=cycle, actor=office, body="塔城地区行政公署", document="塔行署函〔2025〕88号", date=dt.date(2025, 11, 19))
    assert until == "commendation"
    return cycle, office, pks


def _scored(cycle, stage, office):
    """The stage's experts score and agree, through review's services (a review stage is left only so)."""
    from review.simulation import run_review_stage
    from jurisdictions.rules import REVIEW_STAGES

    if stage in REVIEW_STAGES:
        run_review_stage(cycle, stage, rng=random.Random(7), actor_office=office)


def _voted(cycle, pks, office):
    """The committee votes (all for), and the office applies the result."""
    from review.models import CommitteeVote
    from review.services import vote_apply
    from review.simulation import run_committee_vote

    run_committee_vote(cycle, [Application.objects.get(pk=pk) for pk in pks], rng=random.Random(3))
    vote_apply(vote=CommitteeVote.objects.filter(cycle=cycle).latest("opened_at"), actor=office)


def chanhe_grant(slug="chanhe-head"):
    """A 瀍河 grant (prize money, performance reports) from a rehearsed cycle (or another award's)."""
    from review.services import criteria_load_builtin

    criteria_load_builtin()  # a transactional test starts from an emptied database: the seeds only
    simulate_cycle(slug, applicants=3, seed=4)
    grant = Grant.objects.filter(award__slug=slug).order_by("serial").first()
    office = grant.award.office.memberships.filter(role="office").first().user
    return grant, office, grant.applicant.members.first().user


# ---- one case per public write: (function, audit action, builder returning the call) ----------------------------
def case_register_organization():
    user = _user("atomic-new", "新用户")
    county = Jurisdiction.objects.get(code="654201")
    from tests.programme.helpers import credit

    return frozen(START, services.applicant_register_organization, user=lambda: user, name="塔城市原子乳业有限公司",
                  credit_code=credit("654201", 31), county=lambda: county, legal_form="legal_person",
                  registration_date=dt.date(2015, 1, 1)), "applicant.register"


def _imported_winner(code_seed: int = 32):
    """A 2023 winner imported from paper history: a record no account holds."""
    from awards import history_import as hi
    from tests.programme.helpers import credit, upload, workbook

    office = staff("atomic-hist-office", "office", Award.objects.get(slug="tacheng-prefecture").office)
    code = credit("654201", code_seed)
    row = {"award": "tacheng-prefecture", "year": "2023", "number": "1", "category": "组织", "name": "塔城市历史乳业有限公司", "code": code,
           "county": "654201", "decision": "塔行发〔2023〕12号", "awarded_on": "2023-12-20"}
    with clock.frozen_at(START):
        batch = hi.history_import_upload(actor=office, uploaded_file=upload(workbook([[row.get(k, "") for k, _l, _h in hi.COLUMNS]])))
        hi.history_import_commit(batch=batch, actor=office)
    return Applicant.objects.get(credit_code=code), office


def case_register_organization_claiming_imported_history():
    """Registering an imported unit's code files a claim (_claim_request): one transaction too."""
    applicant, _office = _imported_winner()
    user = _user("atomic-claimer", "认领人")
    return frozen(START, services.applicant_register_organization, user=lambda: user, name="塔城市更名乳业有限公司",
                  credit_code=applicant.credit_code, county=lambda: Jurisdiction.objects.get(code="654201"), legal_form="legal_person",
                  registration_date=dt.date(2015, 1, 1)), "applicant.claim_request"


def _pending_claim(*, evidence: bool = False):
    from awards import claims

    applicant, office = _imported_winner()
    user = _user("atomic-claimer", "认领人")
    with clock.frozen_at(START):
        claim = services.applicant_register_organization(user=user, name="塔城市更名乳业有限公司", credit_code=applicant.credit_code,
                                                         county=applicant.county, legal_form="legal_person", registration_date=None)
        services.applicant_register_organization(user=_user("atomic-rival", "另一认领人"), name="冒名公司", credit_code=applicant.credit_code,
                                                 county=applicant.county, legal_form="legal_person", registration_date=None)
        if evidence:
            claims.claim_evidence_add(claim=claim, actor=user, uploaded_file=SimpleUploadedFile("执照.pdf", PDF, content_type="application/pdf"))
    return claim, office, user


def case_claim_evidence_add():
    from awards import claims
    from awards.models import ClaimRequest

    claim, _office, user = _pending_claim(evidence=True)  # a second upload replaces the first
    return frozen(START, claims.claim_evidence_add, claim=fresh(ClaimRequest, claim.pk), actor=lambda: user,
                  uploaded_file=lambda: SimpleUploadedFile("执照2.pdf", PDF, content_type="application/pdf")), "applicant.claim_evidence"


def case_claim_approve():
    """Membership, object permissions, the facts, the audited rename, the rival claim refused: all or nothing."""
    from awards import claims
    from awards.models import ClaimRequest

    claim, office, _user_ = _pending_claim(evidence=True)
    return frozen(START, claims.claim_approve, claim=fresh(ClaimRequest, claim.pk), actor=lambda: office, basis="license",
                  note=""), "applicant.claim_approve"


def case_claim_refuse():
    from awards import claims
    from awards.models import ClaimRequest

    claim, office, _user_ = _pending_claim()
    return frozen(START, claims.claim_refuse, claim=fresh(ClaimRequest, claim.pk), actor=lambda: office,
                  reason="经县市场监管局核实，申请人与该单位无关。"), "applicant.claim_refuse"


def case_register_individual():
    import random

    user = _user("atomic-person", "个人")
    county = Jurisdiction.objects.get(code="152501")
    return frozen(START, services.applicant_register_individual, user=lambda: user, name="王建国", id_number=_id_number(random.Random(5), county),
                  county=lambda: county, employer="二连浩特示例企业", quality_work_years=12), "applicant.register"


def case_applicant_add_member():
    _cycle, _office, app, user = _draft()  # with an application, so the colleague's object permission is written too
    colleague = _user("atomic-colleague", "同事")
    return frozen(START, services.applicant_add_member, applicant=fresh(Applicant, app.applicant_id), actor=lambda: user,
                  new_user=lambda: colleague), "applicant.add_member"


def case_cycle_open():
    award = Award.objects.get(slug="xam-leader")  # its call for applications is a notice with a window
    office = staff("atomic-xam-office", "office", award.office)
    when = at(2025, 12, 1)
    return frozen(when, services.cycle_open, award=fresh(Award, award.pk), actor=lambda: office, year=2025,
                  filing_deadline=(when + dt.timedelta(days=40)).date(), plan_approval_body="批准机关",
                  plan_approval_document="批〔2025〕1号", plan_approval_date=when.date()), "cycle.open"


def case_application_create():
    cycle, _office = open_cycle("tacheng-prefecture")
    applicant, user = org("atomic-co", "654201")
    return frozen(START, services.application_create, cycle=fresh(Cycle, cycle.pk), applicant=fresh(Applicant, applicant.pk),
                  category="organization", actor=lambda: user), "application.create"


def case_application_update():
    _cycle, _office, app, user = _draft()
    return frozen(START, services.application_update, application=fresh(Application, app.pk), actor=lambda: user,
                  self_evaluation="自评报告", declaration=dict(GOOD_DECLARATION)), "application.update"


def case_material_add():
    _cycle, _office, app, user = _draft()
    return frozen(START, services.material_add, application=fresh(Application, app.pk), actor=lambda: user,
                  uploaded_file=lambda: SimpleUploadedFile("工艺.pdf", PDF, "application/pdf"), title="核心工艺",
                  trade_secret=True), "material.add"


def case_material_download():
    """Its only write is the audit entry of a trade-secret download: nothing else may change with it."""
    _cycle, office, app, user = _draft()
    with clock.frozen_at(START):
        material = services.material_add(application=app, actor=user, uploaded_file=SimpleUploadedFile("工艺.pdf", PDF, "application/pdf"),
                                         title="核心工艺", trade_secret=True)

    def download():
        response = services.material_download(material=Material.objects.get(pk=material.pk), actor=office, role="office")
        assert b"".join(response.streaming_content) == PDF
        return response
    return download, "material.download_trade_secret"


def case_application_submit():
    _cycle, _office, app, user = _draft()
    with clock.frozen_at(START):
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评报告",
                                    recommendation="同意推荐", internal_publicity_from=dt.date(2025, 9, 1),
                                    internal_publicity_to=dt.date(2025, 9, 5))
    return frozen(START + dt.timedelta(days=7), services.application_submit, application=fresh(Application, app.pk),
                  actor=lambda: user), "application.submit"


def case_supplement_request():
    app, _user, checker, _office = _submitted()
    return frozen(START + dt.timedelta(days=8), services.supplement_request, application=fresh(Application, app.pk), actor=lambda: checker,
                  role="precheck", items=["财务报表", "认证证书"]), "application.request_supplement"


def case_supplement_answer():
    app, user, checker, _office = _submitted()
    with clock.frozen_at(START + dt.timedelta(days=8)):
        services.supplement_request(application=app, actor=checker, role="precheck", items=["财务报表"])
    return frozen(START + dt.timedelta(days=9), services.supplement_answer, application=fresh(Application, app.pk), actor=lambda: user,
                  answer="已补充"), "application.resubmit"


def case_opinion_record():
    app, _user, checker, _office = _submitted()
    return frozen(START + dt.timedelta(days=8), services.opinion_record, application=fresh(Application, app.pk), actor=lambda: checker,
                  role="precheck", kind="recommendation", body_name="塔城市市场监督管理局", text="同意推荐"), "application.opinion"


def case_consultation_request():
    app, _user, checker, _office = _submitted()  # 塔城 第十四条: 征求相关部门意见
    return frozen(START + dt.timedelta(days=8), services.consultation_request, application=fresh(Application, app.pk),
                  actor=lambda: checker, role="precheck", departments=["地区应急管理局", "地区生态环境局"],
                  due_on=dt.date(2025, 9, 20)), "application.consult"


def case_consultation_answer():
    from awards.models import Consultation

    app, _user, checker, _office = _submitted()
    with clock.frozen_at(START + dt.timedelta(days=8)):
        asked = services.consultation_request(application=app, actor=checker, role="precheck", departments=["地区应急管理局"],
                                              due_on=dt.date(2025, 9, 20))[0]
    return frozen(START + dt.timedelta(days=9), services.consultation_answer, consultation=fresh(Consultation, asked.pk),
                  actor=lambda: checker, role="precheck", text="无意见"), "application.consult_answer"


def case_withdraw():
    app, user, _checker, _office = _submitted()
    return frozen(START + dt.timedelta(days=8), services.withdraw, application=fresh(Application, app.pk), actor=lambda: user,
                  reason="主动撤回"), "application.withdraw"


def case_stage_select():
    cycle, office, pks = _tacheng_walk("material_review")
    with clock.frozen_at(at(2025, 11, 3)):
        _scored(cycle, "material_review", office)
    return frozen(at(2025, 11, 3), services.stage_select, cycle=fresh(Cycle, cycle.pk), stage="material_review", advancing=pks[:1],
                  actor=lambda: office, reason="好中选优"), "application.not_advance"


def case_approval_record():
    cycle, office, _pks = _tacheng_walk("approval")
    return frozen(at(2025, 11, 20), services.approval_record, cycle=fresh(Cycle, cycle.pk), actor=lambda: office, body="塔城地区行政公署",
                  document="塔行署函〔2025〕88号", date=dt.date(2025, 11, 19)), "application.advance"


def case_commend():
    cycle, office, _pks = _tacheng_walk("commendation")
    return frozen(at(2025, 11, 20), services.commend, cycle=fresh(Cycle, cycle.pk), actor=lambda: office,
                  decision_document="塔行署发〔2025〕12号", date=dt.date(2025, 11, 20)), "cycle.commend"


def case_cycle_review_close():
    cycle, office, _pks = _tacheng_walk("material_review")
    return frozen(at(2025, 11, 3), services.cycle_review_close, cycle=fresh(Cycle, cycle.pk), actor=lambda: office), "cycle.review_close"


def case_revoke():
    grant, office, _member = chanhe_grant()
    # with its evidence uploaded: a failed revocation leaves no stored file either
    return frozen(grant.awarded_on + dt.timedelta(days=30), services.revoke, grant=fresh(Grant, grant.pk), actor=lambda: office,
                  reason="fraud", text="经查提供虚假材料", occurred_on=grant.awarded_on - dt.timedelta(days=60),
                  evidence=lambda: SimpleUploadedFile("调查报告.pdf", PDF, "application/pdf")), "grant.revoke"


def case_application_refuse_for_fraud():
    """塔城 第三十二条: the checking body refuses at pre-check recording false materials; the ban is written in
    the same transaction as the move."""
    app, _user, checker, _office = _submitted()
    return frozen(START + dt.timedelta(days=8), services.application_refuse, application=fresh(Application, app.pk),
                  actor=lambda: checker, role="precheck", action="reject", reason="经核查，提供虚假的财务报表", fraud=True), \
        "application.fraud_found"


def case_performance_report_submit():
    grant, _office, member = chanhe_grant()
    return frozen(grant.awarded_on + dt.timedelta(days=400), services.performance_report_submit, grant=fresh(Grant, grant.pk),
                  actor=lambda: member, year=grant.year + 1, content="年度绩效报告"), "grant.performance_report"


def case_tracking_note_add():
    grant, _office, _member = chanhe_grant("nm-chairman")
    body = Body.objects.get(jurisdiction=grant.applicant.county.parent, kind=BodyKind.MARKET_REGULATION)
    tracker = _user("atomic-tracker", "跟踪", "precheck", body)  # 内蒙古 第三十三条: 盟市市场监管部门
    return frozen(grant.awarded_on + dt.timedelta(days=30), services.tracking_note_add, grant=fresh(Grant, grant.pk),
                  actor=lambda: tracker, kind="visit", text="跟踪走访"), "grant.tracking_note"


CASES = {
    "applicant_register_organization": ("awards.services.applicant_register_organization", case_register_organization),
    "applicant_register_organization (claim)": ("awards.services.applicant_register_organization",
                                                case_register_organization_claiming_imported_history),
    "applicant_register_individual": ("awards.services.applicant_register_individual", case_register_individual),
    "claim_evidence_add": ("awards.claims.claim_evidence_add", case_claim_evidence_add),
    "claim_approve": ("awards.claims.claim_approve", case_claim_approve),
    "claim_refuse": ("awards.claims.claim_refuse", case_claim_refuse),
    "applicant_add_member": ("awards.services.applicant_add_member", case_applicant_add_member),
    "cycle_open": ("awards.services.cycle_open", case_cycle_open),
    "application_create": ("awards.services.application_create", case_application_create),
    "application_update": ("awards.services.application_update", case_application_update),
    "material_add": ("awards.services.material_add", case_material_add),
    "material_download": ("awards.services.material_download", case_material_download),
    "application_submit": ("awards.services.application_submit", case_application_submit),
    "supplement_request": ("awards.services.supplement_request", case_supplement_request),
    "supplement_answer": ("awards.services.supplement_answer", case_supplement_answer),
    "opinion_record": ("awards.services.opinion_record", case_opinion_record),
    "withdraw": ("awards.services.withdraw", case_withdraw),
    "stage_select": ("awards.services.stage_select", case_stage_select),
    "approval_record": ("awards.services.approval_record", case_approval_record),
    "commend": ("awards.services.commend", case_commend),
    "cycle_review_close": ("awards.services.cycle_review_close", case_cycle_review_close),
    "revoke": ("awards.services.revoke", case_revoke),
    "application_refuse": ("awards.services.application_refuse", case_application_refuse_for_fraud),
    "performance_report_submit": ("awards.services.performance_report_submit", case_performance_report_submit),
    "tracking_note_add": ("awards.services.tracking_note_add", case_tracking_note_add),
    "consultation_request": ("awards.services.consultation_request", case_consultation_request),
    "consultation_answer": ("awards.services.consultation_answer", case_consultation_answer),
}

# Public functions of awards.services that write nothing: reads and pure helpers.
READS = {
    "awards.services.cycle_year_allowed",  # whether a year may open a cycle: reads the award's cycles
    "awards.services.eligibility_check",  # evaluates the ruleset's conditions for an application
    "awards.services.prize_total",  # sums prize amounts
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_nothing_stays_when_a_write_or_the_audit_entry_fails(label):
    _function, build = CASES[label]
    call, action = build()
    assert_all_or_nothing(call, action=action)


@pytest.mark.django_db(transaction=False)
def test_every_public_write_of_the_module_is_tested_and_keyword_only():
    writes = public_functions("awards.services", "awards.claims") - READS
    tested = {function for function, _build in CASES.values()}
    assert writes == tested, (f"untested writes: {sorted(writes - tested)}; "
                              f"tested but not public writes (renamed, or now a read?): {sorted(tested - writes)}")
    for name in writes:
        module, attr = name.rsplit(".", 1)
        fn = getattr(importlib.import_module(module), attr)
        positional = [p.name for p in inspect.signature(fn).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert not positional, f"{name} takes {positional} positionally; domain writes take keyword arguments only"


def test_the_check_sees_a_write_left_outside_the_transaction():
    """The check can fail: a service that writes, then moves (its own audit entry) outside one transaction."""
    app, user, checker, _office = _submitted()

    def half_atomic(*, application, actor):
        services.opinion_record(application=application, actor=actor, role="precheck", kind="opinion", body_name="x", text="意见")
        return services.supplement_request(application=application, actor=actor, role="precheck", items=["补正"])

    call = frozen(START + dt.timedelta(days=8), half_atomic, application=fresh(Application, app.pk), actor=lambda: checker)
    with pytest.raises(AssertionError, match="stayed: .*awards.StageOpinion"):
        assert_all_or_nothing(call, action="application.request_supplement")


def test_the_check_sees_mail_sent_before_the_commit():
    from django.core.mail import send_mail
    from django.db import transaction

    app, _user, checker, _office = _submitted()

    def mails_before_commit(*, application, actor):
        with transaction.atomic():
            send_mail("【质量奖】意见", "已记录审查意见", "office@example.cn", ["applicant@example.cn"])
            return services.opinion_record(application=application, actor=actor, role="precheck", kind="opinion", body_name="x", text="意见")

    call = frozen(START + dt.timedelta(days=8), mails_before_commit, application=fresh(Application, app.pk), actor=lambda: checker)
    with pytest.raises(AssertionError, match="mail sent"):
        assert_all_or_nothing(call, action="application.opinion")


def test_a_material_whose_audit_entry_fails_leaves_no_file_and_no_row():
    _cycle, _office, app, user = _draft()
    call = frozen(START, services.material_add, application=fresh(Application, app.pk), actor=lambda: user,
                  uploaded_file=lambda: SimpleUploadedFile("年报.pdf", PDF, "application/pdf"), title="年度报告")
    assert media_files() == set()
    assert_atomic(call)
    assert (media_files(), Material.objects.count()) == (set(), 0)
    material = call()
    assert media_files() == {material.file.name} and Material.objects.get().title == "年度报告"
    assert Application.objects.get(pk=app.pk).status == Status.DRAFT
