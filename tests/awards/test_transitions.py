"""The transition table: every action by its role; refused for other roles and other tenants."""
import datetime as dt

import pytest

from awards import services
from awards.models import Application, Status
from awards.pipeline import TABLE, move
from core import clock
from core.errors import DomainError, InvalidTransition, NotPermitted
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from publicity.windows import close_due_windows, publish_stage_list

from .factories import START, filed, open_cycle, org, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def xam():
    cycle, office = open_cycle("xam-leader", when=dt.datetime(2025, 12, 1, 9, tzinfo=clock.SHANGHAI))
    applicant, user = org("ulanhot-co", "152201")
    when = dt.datetime(2025, 12, 1, 9, tzinfo=clock.SHANGHAI)
    with clock.frozen_at(when):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        from .factories import GOOD_DECLARATION
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评",
                                    internal_publicity_from=dt.date(2025, 12, 1), internal_publicity_to=dt.date(2025, 12, 5))
    with clock.frozen_at(when + dt.timedelta(days=7)):
        app = services.application_submit(application=app, actor=user)
    own_precheck = staff("precheck-ulanhot", "precheck", Body.objects.get(jurisdiction__code="152201", kind=BodyKind.MARKET_REGULATION))
    other_precheck = staff("precheck-arxan", "precheck", Body.objects.get(jurisdiction__code="152202", kind=BodyKind.MARKET_REGULATION))
    other_office = staff("tacheng-office-x", "office", Award.objects.get(slug="tacheng-prefecture").office)
    committee = staff("xam-committee-x", "committee", cycle.award.committee)
    return dict(cycle=cycle, app=app, office=office, applicant=user, own_precheck=own_precheck, other_precheck=other_precheck,
                other_office=other_office, committee=committee, when=when + dt.timedelta(days=8))


def test_submission_routes_to_the_county_office_of_the_applicants_county(xam):
    app = xam["app"]
    assert (app.stage, app.status) == ("pre_check", Status.PENDING)  # XAM 第十六条: 旗县市市场监督管理部门
    assert app.route_body.jurisdiction.code == "152201"


@pytest.mark.parametrize("who,role", [("other_precheck", "precheck"), ("office", "precheck"), ("applicant", "precheck"),
                                      ("other_office", "office"), ("committee", "committee"), ("office", "office")])
def test_pre_check_approval_is_refused_to_everyone_but_the_routed_county(xam, who, role):
    with clock.frozen_at(xam["when"]), pytest.raises(NotPermitted):
        move(xam["app"], action="approve", actor=xam[who], role=role)
    assert Application.objects.get(pk=xam["app"].pk).status == Status.PENDING


def test_the_routed_county_approves_publishes_and_the_sweep_advances_once(xam):
    with clock.frozen_at(xam["when"]):
        services.opinion_record(application=xam["app"], actor=xam["own_precheck"], role="precheck", kind="recommendation",
                                body_name=xam["app"].route_body.name, text="符合申报条件，同意推荐")  # 第十七条
        move(xam["app"], action="approve", actor=xam["own_precheck"], role="precheck")
        with pytest.raises(NotPermitted):
            publish_stage_list(cycle=xam["cycle"], stage_code="pre_check", actor=xam["other_precheck"], role="precheck",
                               body=xam["app"].route_body)
        notice = publish_stage_list(cycle=xam["cycle"], stage_code="pre_check", actor=xam["own_precheck"], role="precheck",
                                    body=xam["app"].route_body)
    assert notice.length == 5 and notice.unit == "working_days"  # XAM 第十七条
    assert close_due_windows(now=notice.closes_at - dt.timedelta(seconds=1))["closed"] == 0
    assert close_due_windows(now=notice.closes_at)["advanced"] == 1
    assert close_due_windows(now=notice.closes_at)["advanced"] == 0  # idempotent
    app = Application.objects.get(pk=xam["app"].pk)
    assert (app.stage, app.status) == ("qualification_review", Status.PENDING)


def test_invalid_transitions_are_refused_with_a_clear_message(xam):
    with clock.frozen_at(xam["when"]):
        with pytest.raises(InvalidTransition, match="只有在表彰环节才能授奖"):
            move(xam["app"], action="award", actor=xam["office"], role="office")
        with pytest.raises(InvalidTransition, match="书面理由"):
            move(xam["app"], action="reject", actor=xam["own_precheck"], role="precheck", reason=" ")
        with pytest.raises(InvalidTransition, match="须经公示"):
            move(xam["app"], action="advance", actor=xam["own_precheck"], role="precheck")


def test_supplement_lists_every_item_and_freezes_until_answered(xam):
    with clock.frozen_at(xam["when"]):
        services.supplement_request(application=xam["app"], actor=xam["own_precheck"], role="precheck", items=["财务报表", "认证证书"])
        app = Application.objects.get(pk=xam["app"].pk)
        assert app.status == Status.RETURNED and app.supplement_requests.get().items == ["财务报表", "认证证书"]
        app = services.supplement_answer(application=app, actor=xam["applicant"], answer="已补充")
    assert (app.status, app.materials_version) == (Status.PENDING, 2)


def test_withdrawal_by_the_applicant_only_with_a_reason(xam):
    with clock.frozen_at(xam["when"]):
        with pytest.raises(NotPermitted):
            services.withdraw(application=xam["app"], actor=xam["office"], reason="x")
        with pytest.raises(InvalidTransition):
            services.withdraw(application=xam["app"], actor=xam["applicant"], reason="")
        app = services.withdraw(application=xam["app"], actor=xam["applicant"], reason="主动撤回")
    assert app.status == Status.WITHDRAWN


def test_materials_are_frozen_after_submission(xam):
    with pytest.raises(DomainError, match="冻结"):
        services.application_update(application=xam["app"], actor=xam["applicant"], self_evaluation="改")


def test_mass_assignment_is_refused(xam):
    app = xam["app"]
    with pytest.raises(DomainError):
        services.application_update(application=app, actor=xam["applicant"], status="awarded")


def test_cycle_refused_when_not_a_cycle_year_and_when_ruleset_lapsed():
    cycle, office = open_cycle("xam-leader", when=dt.datetime(2025, 12, 1, 9, tzinfo=clock.SHANGHAI))
    with clock.frozen_at(dt.datetime(2026, 3, 2, 9, tzinfo=clock.SHANGHAI)), pytest.raises(DomainError, match="每 5 年评选一次"):
        services.cycle_open(award=cycle.award, actor=office, year=2026, filing_deadline=dt.date(2026, 5, 1),
                            plan_approval_document="x", plan_approval_date=dt.date(2026, 3, 1))
    erenhot = Award.objects.get(slug="erenhot-mayor")
    office2 = staff("erenhot-office-t", "office", erenhot.office)
    with clock.frozen_at(dt.datetime(2026, 11, 23, 9, tzinfo=clock.SHANGHAI)), pytest.raises(DomainError, match="没有现行有效的管理办法"):
        services.cycle_open(award=erenhot, actor=office2, year=2026, filing_deadline=dt.date(2026, 12, 30))


def test_erenhot_call_must_run_ten_working_days():
    erenhot = Award.objects.get(slug="erenhot-mayor")
    office = staff("erenhot-office-t2", "office", erenhot.office)
    with clock.frozen_at(dt.datetime(2025, 9, 29, 9, tzinfo=clock.SHANGHAI)), pytest.raises(DomainError, match="第十四条"):
        services.cycle_open(award=erenhot, actor=office, year=2025, filing_deadline=dt.date(2025, 10, 10))


def test_every_action_in_the_table_names_roles():
    assert all(spec.roles for spec in TABLE.values())


def test_the_applicants_own_application_is_a_guardian_grant_that_colleagues_receive(xam, make_user):
    from awards.permissions import APPLICANT_PERM, has_role

    colleague = make_user("ulanhot-colleague")
    assert not has_role(colleague, "applicant", xam["app"])
    services.applicant_add_member(applicant=xam["app"].applicant, actor=xam["applicant"], new_user=colleague)
    assert colleague.has_perm(APPLICANT_PERM, xam["app"]) and has_role(colleague, "applicant", xam["app"])
    stranger, _ = org("stranger-co", "152202")
    assert not has_role(_, "applicant", xam["app"])
    superuser = make_user("root-x")
    superuser.is_superuser = True
    superuser.save()
    assert not has_role(superuser, "applicant", xam["app"])  # a superuser is not the applicant


def test_trade_secret_files_are_encrypted_at_rest_and_their_download_is_audited(make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import AuditEntry

    cycle, office = open_cycle("erenhot-mayor")
    applicant, user = org("secret-co", "152501")
    with clock.frozen_at(START):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        material = services.material_add(application=app, actor=user, uploaded_file=SimpleUploadedFile("工艺.pdf", pdf, "application/pdf"),
                                         title="核心工艺", trade_secret=True)
    with material.file.open("rb") as handle:
        assert b"%PDF" not in handle.read()  # ciphertext on disk / object storage
    response = services.material_download(material=material, actor=office, role="office")
    assert b"".join(response.streaming_content) == pdf
    assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="material.download_trade_secret", actor=office).count() == 1
    assert app.reference.startswith(f"ERENHOT-MAYOR-2025-{cycle.number:02d}-")


def test_qualification_review_supplements_are_notified_once_and_its_clock_restarts_on_the_supplemented_receipt():
    """二连浩特 第十六条: 资格审查应在收到申报材料10个工作日内完成，对需要补充完善的内容应一次性告知. One request per stage;
    the 10 working days run from the day the supplemented materials arrive (2025-09-22 → 2025-10-11 across 国庆 and
    the two make-up Saturdays/Sundays of 2025)."""
    cycle, office = open_cycle("erenhot-mayor")
    applicant, user = org("erenhot-supp", "152501")
    app = filed(cycle, applicant, user)
    assert app.stage == "qualification_review" and app.received_on == dt.date(2025, 9, 8)
    with clock.frozen_at(dt.datetime(2025, 9, 10, 10, tzinfo=clock.SHANGHAI)):
        services.supplement_request(application=app, actor=office, role="office", items=["近三年财务报表", "认证证书"])
    with clock.frozen_at(dt.datetime(2025, 9, 22, 10, tzinfo=clock.SHANGHAI)):
        app = services.supplement_answer(application=Application.objects.get(pk=app.pk), actor=user, answer="已补充")
    assert app.received_on == dt.date(2025, 9, 22) and app.stage_due == dt.date(2025, 10, 11)
    with clock.frozen_at(dt.datetime(2025, 9, 24, 10, tzinfo=clock.SHANGHAI)), \
            pytest.raises(DomainError, match="一次性告知.*2025-09-10.*第十六条") as refused:
        services.supplement_request(application=app, actor=office, role="office", items=["营业执照"])
    assert refused.value.code == "supplement_once"
    assert Application.objects.get(pk=app.pk).status == Status.PENDING and app.supplement_requests.count() == 1
