"""Every public write of publicity is one transaction ending in its audit entry: when the audit write fails,
no notice, objection, ban or state move stays behind, and once the log is back the same action goes through.

Plain `django_db` tests are enough: a service without its own `transaction.atomic` leaves its writes in the
test's transaction when the audit write fails, and the row-by-row comparison sees them.
"""
import dataclasses
from typing import Callable

import pytest

from core.clock import frozen_at
from core.models import AuditEntry
from tests.atomicity import assert_atomic, public_functions

from .conftest import at

AFTER_CLOSE = at(2025, 10, 14, 0, 5)  # the pre-check window (9/30–10/13) has closed

MODULES = ("publicity.services", "publicity.windows", "publicity.certificates", "publicity.rulecases.library")

# Public functions of those modules that write nothing: each needs no atomic test.
NOT_WRITES = {
    "publicity.services.window_notice",  # read: the notice that owns a correction's window
    "publicity.services.notice_is_open",  # read: is that window open now
    "publicity.certificates.verify_path",  # pure: the public verification URL of a serial
    "publicity.certificates.qr_data_uri",  # pure: an SVG QR code
    "publicity.certificates.certificate_pdf",  # renders a PDF, writes no row
    "publicity.rulecases.library.shipped_cases",  # read: the award's shipped case file
    "publicity.rulecases.library.award_cases",  # read
    "publicity.rulecases.library.describe",  # pure: an expectation in Chinese
    "publicity.rulecases.library.failure_text",  # pure: a case's first failing step in Chinese
    "publicity.rulecases.library.latest_runs",  # read
    "publicity.rulecases.library.check_candidate",  # runs cases, each in a world that is rolled back
}
# Writes that catch a failure on purpose: each unit of work is atomic on its own and tested as such.
ISOLATING = {
    # each tenant's notices close in a savepoint (close_notices, tested above), a failing notice alone, its error
    # recorded on it: tests/publicity/test_sweep_isolation.py (an audit write failing included)
    "publicity.windows.close_due_windows",
}


@dataclasses.dataclass
class Case:
    function: str  # module.function
    label: str
    build: Callable  # (request) -> the call to make
    audit_action: str  # the entry the call writes once the audit log works

    @property
    def id(self):
        return f"{self.function.rsplit('.', 1)[1]}[{self.label}]"


CASES: list[Case] = []


def case(function, label, audit_action):
    def register(build):
        CASES.append(Case(f"publicity.{function}", label, build, audit_action))
        return build
    return register


def _filed(request, app_index=0):
    ns = request.getfixturevalue("tacheng")
    objection = request.getfixturevalue("file_objection")(ns, ns.apps[app_index])
    return ns, objection


def _accepted(request):
    from publicity.services import objection_accept

    ns, objection = _filed(request)
    with frozen_at(at(2025, 10, 10, 10)):
        objection_accept(objection=objection, actor=ns.office)
    return ns, objection


# ---- services --------------------------------------------------------------------------------------------
@case("services.notice_correct", "correction notice", "notice.correct")
def _(request):
    from publicity.services import notice_correct

    ns = request.getfixturevalue("tacheng")

    def call():
        with frozen_at(at(2025, 10, 2, 10)):
            return notice_correct(notice=ns.notice, actor=ns.office, title="更正：初审合格名单公示", body="联系电话更正为0901-6222223。")
    return call


@case("services.objection_file", "within the window", "objection.file")
def _(request):
    ns = request.getfixturevalue("tacheng")
    file_objection = request.getfixturevalue("file_objection")
    return lambda: file_objection(ns)


@case("services.objection_accept", "received objection", "objection.accept")
def _(request):
    from publicity.services import objection_accept

    ns, objection = _filed(request)

    def call():
        with frozen_at(at(2025, 10, 10, 10)):
            return objection_accept(objection=objection, actor=ns.office, reason="材料齐全")
    return call


@case("services.objection_refuse", "held application released", "objection.refuse")
def _(request):
    from publicity.services import objection_refuse
    from publicity.windows import close_due_windows

    ns, objection = _filed(request)
    close_due_windows(now=AFTER_CLOSE)  # the objected application is held

    def call():
        with frozen_at(at(2025, 10, 15, 10)):
            return objection_refuse(objection=objection, actor=ns.office, reason="未提供身份证明原件")
    return call


@case("services.objection_record_findings", "accepted objection", "objection.findings")
def _(request):
    from publicity.services import objection_record_findings

    ns, objection = _accepted(request)

    def call():
        with frozen_at(at(2025, 10, 11, 10)):
            return objection_record_findings(objection=objection, actor=ns.office, findings="经核实，产值数据有误。")
    return call


@case("services.objection_decide", "upheld with fraud: removal and ban", "objection.decide")
def _(request):
    from publicity.services import objection_decide
    from publicity.windows import close_due_windows

    ns, objection = _accepted(request)
    close_due_windows(now=AFTER_CLOSE)

    def call():
        with frozen_at(at(2025, 10, 16, 10)):
            return objection_decide(objection=objection, actor=ns.office, upheld=True, fraud=True, text="经调查，该单位虚报产值，异议成立。")
    return call


@case("services.objection_decide", "dismissed during publicity", "objection.decide")
def _(request):
    from publicity.services import objection_decide

    ns, objection = _accepted(request)

    def call():
        with frozen_at(at(2025, 10, 11, 10)):
            return objection_decide(objection=objection, actor=ns.office, upheld=False, text="经核实，产值数据属实，异议不成立。")
    return call


# ---- windows ---------------------------------------------------------------------------------------------
@case("windows.publish_call", "call for applications", "notice.publish")
def _(request):
    from publicity.windows import publish_call

    ns = request.getfixturevalue("tacheng")

    def call():
        with frozen_at(at(2025, 9, 2)):
            return publish_call(cycle=ns.cycle, actor=ns.office)
    return call


@case("windows.publish_stage_list", "pre-check list of one body", "notice.publish")
def _(request):
    from publicity.windows import publish_stage_list

    ns = request.getfixturevalue("tacheng")
    ns.make_applications(["额敏县恒信农机有限公司"])

    def call():
        with frozen_at(at(2025, 10, 9)):
            return publish_stage_list(cycle=ns.cycle, stage_code="pre_check", actor=ns.checker, role="precheck",
                                      body=ns.precheck_body, contact="0901-6222222")
    return call


@case("windows.publish_award_decision", "commendation", "notice.publish")
def _(request):
    from publicity.windows import publish_award_decision

    ns = request.getfixturevalue("tacheng_grant")

    def call():
        with frozen_at(at(2025, 11, 21, 9)):
            return publish_award_decision(cycle=ns.cycle, actor=ns.office, grants=[ns.grant], decision_document="塔行署发〔2025〕12号")
    return call


@case("windows.publish_revocation", "revocation notice", "notice.publish")
def _(request):
    from publicity.windows import publish_revocation

    ns = request.getfixturevalue("tacheng_grant")

    def call():
        with frozen_at(at(2026, 3, 2, 9)):
            return publish_revocation(grant=ns.grant, actor=ns.office)
    return call


@case("windows.close_notices", "one advanced, one held", "notice.close")
def _(request):
    from publicity.models import Notice
    from publicity.windows import close_notices

    ns, _objection = _filed(request)
    return lambda: close_notices(notices=list(Notice.objects.select_related("award__jurisdiction").filter(pk=ns.notice.pk)),
                                 now=AFTER_CLOSE)


@case("windows.close_notices", "a call for applications: no application to move", "notice.close")
def _(request):
    """二连浩特 第十四条: the call is published for 10 working days. With no application to move, the first audit
    write is the notice's own, after the notice was already marked closed."""
    from publicity.models import Notice, NoticeKind
    from publicity.windows import close_notices
    from tests.awards.factories import open_cycle

    cycle, _office = open_cycle("erenhot-mayor")
    notice = Notice.objects.select_related("award__jurisdiction").get(cycle=cycle, kind=NoticeKind.CALL)
    assert notice.state == Notice.State.OPEN and notice.closes_at < at(2025, 10, 1)
    return lambda: close_notices(notices=[Notice.objects.select_related("award__jurisdiction").get(pk=notice.pk)], now=at(2025, 10, 1))


# ---- rule cases ------------------------------------------------------------------------------------------
RULE_CASE = {"award": "xam-leader", "name": "单位内部公示只有4个工作日的，不予受理", "article": "第十六条",
             "applicants": {"A": {"kind": "organization"}},
             "steps": [{"on": "2025-12-01", "do": "open_cycle"},
                       {"on": "2025-12-15", "do": "submit", "applicant": "A",
                        "facts": {"internal_publicity": {"from": "2025-12-09", "to": "2025-12-12"}},
                        "expect": {"ok": False, "article": "第十六条"}}]}


def _xam_office(request):
    from jurisdictions.models import Award

    award = Award.objects.get(slug="xam-leader")
    request.getfixturevalue("monkeypatch").setattr("publicity.rulecases.library.shipped_cases", lambda award: [])
    return award, request.getfixturevalue("make_user")(role="office", body=award.office)


@case("rulecases.library.rule_case_add", "an office's case, and its run queued", "rule_case.add")
def _(request):
    import json

    from publicity.rulecases.library import rule_case_add

    award, office = _xam_office(request)
    return lambda: rule_case_add(award=award, actor=office, text=json.dumps(RULE_CASE, ensure_ascii=False))


@case("rulecases.library.rule_case_run_request", "重新运行", "rule_case.run_request")
def _(request):
    from publicity.rulecases.library import rule_case_run_request

    award, office = _xam_office(request)
    return lambda: rule_case_run_request(award=award, actor=office)


@case("rulecases.library.rule_case_run_execute", "the task stores the results", "rule_case.run")
def _(request):
    from publicity.models import RuleCase
    from publicity.rulecases.library import rule_case_run_request, rule_case_run_execute

    award, office = _xam_office(request)
    RuleCase.objects.create(award=award, name=RULE_CASE["name"], article=RULE_CASE["article"], body=RULE_CASE)
    run = rule_case_run_request(award=award, actor=office)
    return lambda: rule_case_run_execute(run_id=run.pk)


# ---- the tests -------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_a_failing_audit_write_leaves_every_table_unchanged_and_the_action_can_be_retried(c, request):
    call = c.build(request)
    assert_atomic(call)
    before = set(AuditEntry.objects.filter(action=c.audit_action).values_list("pk", flat=True))
    call()  # the audit log is back: the same action goes through, nothing half done stands in its way
    assert AuditEntry.objects.filter(action=c.audit_action).exclude(pk__in=before).count() >= 1


@pytest.mark.parametrize("module", MODULES)
def test_every_public_write_function_has_an_atomic_test(module):
    """A new write function in these modules fails here until it has a case above (or, if it writes nothing,
    is listed in NOT_WRITES with the reason)."""
    tested = {c.function for c in CASES if c.function.startswith(module + ".")}
    assert public_functions(module) - NOT_WRITES - ISOLATING == tested
    assert not {n for n in NOT_WRITES if n.startswith(module + ".")} - public_functions(module), "stale NOT_WRITES entry"
