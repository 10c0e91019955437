"""One fixture world for the security tests, built through the real services (awards, publicity, review,
programme): 塔城地区 (tenant A) with a cycle walked to an award, and 二连浩特市 (tenant B) with one filed
application, plus one login per role the access matrix checks."""
from __future__ import annotations

import datetime as dt
import itertools
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from core.clock import SHANGHAI, frozen_at

ROLES = ("anonymous", "owner", "other_applicant", "precheck", "precheck_other", "office", "office_other",
         "reviewer", "reviewer_unassigned", "reviewer_conflicted", "committee", "supervisor", "superuser")

OWNER_NAME = "塔城市矩阵乳业有限公司"
OWNER_SECOND_NAME = "塔城市矩阵乳业二厂有限公司"
OTHER_NAME = "塔城市邻家建材有限公司"
TENANT_B_NAME = "二连浩特市隔壁口岸物流有限公司"
_seq = itertools.count(1)


def at(y, m, d, h=9, mi=0):
    return frozen_at(dt.datetime(y, m, d, h, mi, tzinfo=SHANGHAI))


def credit_code(county_code: str, seed: int) -> str:
    from awards.simulation import _credit_code
    from jurisdictions.models import Jurisdiction

    return _credit_code(random.Random(seed), Jurisdiction.objects.get(code=county_code))


def pdf_upload(name="proof.pdf", body=b"%PDF-1.4 matrix\n%%EOF"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


class World:
    """Attribute bag: users by role (self.users), objects, and a few derived strings."""

    def __init__(self):
        self.users = {}


def _user(username, *, role=None, body=None, superuser=False):
    from jurisdictions.models import Membership

    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, password="Zlj-test-2026!")
    user = User.objects.create_user(username, password="Zlj-test-2026!")
    if role:
        Membership.objects.create(user=user, body=body, role=role)
    return user


def build_world() -> World:
    from awards import pool, services as aw
    from awards.history_import import history_import_upload
    from awards.models import Application
    from awards.pipeline import move
    from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
    from publicity import services as pub
    from publicity.windows import close_due_windows, publish_stage_list
    from review import services as rv

    w = World()
    w.award = award = Award.objects.select_related("jurisdiction", "office", "committee").get(slug="tacheng-prefecture")
    w.award_b = award_b = Award.objects.select_related("jurisdiction", "office").get(slug="erenhot-mayor")
    county = Jurisdiction.objects.get(code="654201")
    w.precheck_body = Body.objects.get(jurisdiction=county, kind=BodyKind.MARKET_REGULATION)
    other_county_body = Body.objects.get(jurisdiction__code="654202", kind=BodyKind.MARKET_REGULATION)
    supervision, _ = Body.objects.get_or_create(jurisdiction=award.jurisdiction, kind=BodyKind.SUPERVISION,
                                                name="塔城地区纪委监委派驻市场监管局纪检监察组")
    u = w.users
    u["anonymous"] = None
    u["office"] = w.office = _user("mx-office", role="office", body=award.office)
    u["office_other"] = _user("mx-office-b", role="office", body=award_b.office)
    u["precheck"] = w.checker = _user("mx-precheck", role="precheck", body=w.precheck_body)
    u["precheck_other"] = _user("mx-precheck-b", role="precheck", body=other_county_body)
    u["committee"] = _user("mx-committee", role="committee", body=award.committee)
    u["supervisor"] = _user("mx-supervisor", role="supervisor", body=supervision)
    u["superuser"] = _user("mx-root", superuser=True)
    u["owner"] = w.owner = _user("mx-owner")
    u["other_applicant"] = w.other_user = _user("mx-other")
    office_b = u["office_other"]

    # ---- tenant A: filing, with materials (one a trade secret) ----------------------------------------
    with at(2025, 9, 1):
        w.cycle = aw.cycle_open(award=award, actor=w.office, year=2025, filing_deadline=dt.date(2025, 9, 25))
        apps = []
        for name, user, seed in ((OWNER_NAME, w.owner, 11), (OTHER_NAME, w.other_user, 12)):
            applicant = aw.applicant_register_organization(
                user=user, name=name, credit_code=credit_code("654201", seed), county=county, legal_form="legal_person",
                registration_date=dt.date(2010, 3, 1), address="塔城市文化路1号", phone="13900000000")
            app = aw.application_create(cycle=w.cycle, applicant=applicant, category="organization", actor=user)
            aw.application_update(application=app, actor=user, self_evaluation="自我评价报告全文。",
                                  internal_publicity_from=dt.date(2025, 8, 18), internal_publicity_to=dt.date(2025, 8, 29),
                                  declaration={"contains_state_secrets": False})
            apps.append(app)
        w.material = aw.material_add(application=apps[0], actor=w.owner, uploaded_file=pdf_upload("annual.pdf"), title="年度报告")
        w.secret = aw.material_add(application=apps[0], actor=w.owner, uploaded_file=pdf_upload("process.pdf"),
                                   title="工艺配方", trade_secret=True)
        w.other_material = aw.material_add(application=apps[1], actor=w.other_user, uploaded_file=pdf_upload("other.pdf"),
                                           title="邻家材料")
        w.app, w.other_app = [aw.application_submit(application=a, actor=a_user)
                              for a, a_user in ((apps[0], w.owner), (apps[1], w.other_user))]
    with at(2025, 9, 10):
        for a in (w.app, w.other_app):
            move(a, action="approve", actor=w.checker, role="precheck")
            aw.opinion_record(application=a, actor=w.checker, role="precheck", kind="recommendation", body_name=a.route_body.name, text="审核通过")  # 塔城 第十四条
    with at(2025, 9, 30):
        w.notice = publish_stage_list(cycle=w.cycle, stage_code="pre_check", actor=w.checker, role="precheck",
                                      body=w.precheck_body, contact="0901-6222222")
    with at(2025, 10, 9, 10):
        w.objection = pub.objection_file(notice=w.notice, application=w.other_app, objector_kind="individual", name="张三",
                                         phone="13812345678", address="塔城市光明路5号", id_number="",
                                         facts="该单位申报材料中的产值数据与实际不符。", identity_proof=pdf_upload("id.pdf"),
                                         evidence=pdf_upload("evidence.pdf"))
        pub.objection_refuse(objection=w.objection, actor=w.office, reason="异议人未提供真实身份证明，不予受理。")
    close_due_windows(now=dt.datetime(2025, 10, 14, 0, 5, tzinfo=SHANGHAI))
    with at(2025, 10, 14):
        for a in (w.app, w.other_app):
            move(Application.objects.get(pk=a.pk), action="approve", actor=w.office, role="office")
        publish_stage_list(cycle=w.cycle, stage_code="qualification_review", actor=w.office, role="office")
    close_due_windows(now=dt.datetime(2025, 10, 30, tzinfo=SHANGHAI))

    with at(2025, 11, 3):
        from awards.models import Status

        for stage in ("material_review", "defense", "on_site_review", "composite_evaluation", "deliberation"):
            advancing = [w.app.pk] if stage == "material_review" else list(
                w.cycle.applications.filter(stage=stage, status=Status.PENDING).values_list("pk", flat=True))
            # set-up only: the review's and the committee's decisions are not what these tests are about
            for a in w.cycle.applications.filter(stage=stage, status=Status.PENDING):
                move(a, action="advance" if a.pk in advancing else "not_advance", actor=w.office, role="office", reason="评审结果")
        move(Application.objects.get(pk=w.app.pk), action="approve", actor=w.office, role="office")
        publish_stage_list(cycle=w.cycle, stage_code="award_publicity", actor=w.office, role="office")
    close_due_windows(now=dt.datetime(2025, 11, 11, tzinfo=SHANGHAI))
    with at(2025, 11, 20):
        aw.approval_record(cycle=w.cycle, actor=w.office, body="塔城地区行政公署", document="塔行署函〔2025〕88号",
                           date=dt.date(2025, 11, 19))
        w.grant = aw.commend(cycle=w.cycle, actor=w.office, decision_document="塔行署发〔2025〕12号", date=dt.date(2025, 11, 20))[0]
    w.app.refresh_from_db()
    w.other_app.refresh_from_db()

    # ---- a second cycle whose review is under way (the first one's closed with the award) ----------
    with at(2025, 11, 24):
        w.review_cycle = aw.cycle_open(award=award, actor=w.office, year=2026, filing_deadline=dt.date(2025, 12, 31),
                                       override_reason="安全测试：同一年度再次启动")
        second = aw.applicant_register_organization(
            user=w.owner, name=OWNER_SECOND_NAME, credit_code=credit_code("654201", 13), county=county, legal_form="legal_person",
            registration_date=dt.date(2011, 3, 1), address="塔城市文化路2号", phone="13900000001")
        app2 = aw.application_create(cycle=w.review_cycle, applicant=second, category="organization", actor=w.owner)
        aw.application_update(application=app2, actor=w.owner, self_evaluation="自我评价报告全文。",
                              internal_publicity_from=dt.date(2025, 11, 3), internal_publicity_to=dt.date(2025, 11, 14),
                              declaration={"contains_state_secrets": False})
        w.review_material = aw.material_add(application=app2, actor=w.owner, uploaded_file=pdf_upload("annual2.pdf"), title="年度报告")
        w.review_secret = aw.material_add(application=app2, actor=w.owner, uploaded_file=pdf_upload("recipe.pdf"),
                                          title="配方", trade_secret=True)
        w.review_app = aw.application_submit(application=app2, actor=w.owner)
    with at(2025, 11, 25):
        move(w.review_app, action="approve", actor=w.checker, role="precheck")
        aw.opinion_record(application=w.review_app, actor=w.checker, role="precheck", kind="recommendation", body_name=w.review_app.route_body.name, text="审核通过")
        publish_stage_list(cycle=w.review_cycle, stage_code="pre_check", actor=w.checker, role="precheck", body=w.precheck_body)
    close_due_windows(now=dt.datetime(2025, 12, 3, 0, 5, tzinfo=SHANGHAI))
    with at(2025, 12, 3):
        move(Application.objects.get(pk=w.review_app.pk), action="approve", actor=w.office, role="office")
        publish_stage_list(cycle=w.review_cycle, stage_code="qualification_review", actor=w.office, role="office")
    close_due_windows(now=dt.datetime(2025, 12, 20, tzinfo=SHANGHAI))
    w.review_app.refresh_from_db()
    assert (w.review_app.stage, w.review_app.status) == ("material_review", "pending"), (w.review_app.stage, w.review_app.status)

    # ---- review: three reviewers (assigned, unassigned, conflicted) -----------------------------------
    with at(2025, 12, 22):
        u["reviewer"] = w.reviewer = _user("mx-reviewer")
        u["reviewer_unassigned"] = _user("mx-reviewer-idle")
        u["reviewer_conflicted"] = w.conflicted = _user("mx-reviewer-conflicted")
        w.expert = rv.expert_create(jurisdiction=award.jurisdiction, name="评审甲", employer="新疆大学", user=w.reviewer, actor=w.office)
        rv.expert_create(jurisdiction=award.jurisdiction, name="评审乙", employer="塔城职业技术学院",
                         user=u["reviewer_unassigned"], actor=w.office)
        w.conflicted_expert = rv.expert_create(jurisdiction=award.jurisdiction, name="评审丙", employer="石河子大学",
                                               user=w.conflicted, actor=w.office)
        app = Application.objects.get(pk=w.review_app.pk)
        w.assignment = rv.assignment_create(application=app, expert=w.expert, stage="material_review", actor=w.office)
        w.conflicted_assignment = rv.assignment_create(application=app, expert=w.conflicted_expert, stage="material_review",
                                                       actor=w.office)
        rv.conflict_declare(expert=w.conflicted_expert, relation="former_employer", applicant=app.applicant, year_from=2015,
                            year_to=2019, actor=w.conflicted)
        first = w.assignment.criteria_set.criteria.order_by("position").first()
        rv.scores_save(assignment=w.assignment, entries=[{"criterion": first.number, "percent": "60", "strengths": "过程系统"}],
                       actor=w.reviewer)
        w.vote = rv.vote_open(cycle=w.review_cycle, applications=[app], actor=w.office, seed=7)

    # ---- programme: a pool member and a history dry run ---------------------------------------------
    with at(2025, 6, 2):
        w.pool_member = pool.pool_member_add(award=award, actor=w.office, name="塔城市培育乳业有限公司",
                                                  credit_code=credit_code("654201", 31), county=county,
                                                  joined_on=dt.date(2025, 3, 1), route="self")
        from tests.programme.helpers import upload, workbook

        from awards.history_import import COLUMNS

        row = {"award": "tacheng-prefecture", "year": "2023", "number": "1", "category": "组织", "name": "塔城市往届乳业有限公司",
               "code": credit_code("654201", 51), "county": "654201", "decision": "塔行发〔2023〕12号", "awarded_on": "2023-12-20",
               "revoked_on": "", "revoke_reason": "", "banned_until": "", "note": ""}
        w.history = history_import_upload(actor=w.office, uploaded_file=upload(workbook([[row[k] for k, _l, _h in COLUMNS]])))
        # a ban imported from paper (the world's own cycle holds 届次 1), and the other applicant's claim of
        # that record (pending: no access)
        from awards.history_import import history_import_commit

        claimed = {**row, "name": "塔城市认领乳业有限公司", "code": credit_code("654201", 52), "decision": "", "awarded_on": "",
                   "banned_until": "2027-01-01", "revoke_reason": "提供虚假材料"}
        history_import_commit(batch=history_import_upload(actor=w.office, uploaded_file=upload(workbook([[claimed[k] for k, _l, _h in COLUMNS]]))),
                              actor=w.office)
        w.claim = aw.applicant_register_organization(user=w.other_user, name="塔城市认领乳业有限公司", credit_code=claimed["code"],
                                                     county=county, legal_form="legal_person", registration_date=None)
        from awards.claims import claim_evidence_add

        claim_evidence_add(claim=w.claim, actor=w.other_user, uploaded_file=pdf_upload("licence.pdf"))

    # ---- tenant B: one filed application ------------------------------------------------------------
    from tests.awards.factories import filed, open_cycle

    w.cycle_b, _ = open_cycle("erenhot-mayor", office=office_b)
    with at(2025, 9, 1):
        applicant_b = aw.applicant_register_organization(
            user=_user("mx-tenant-b"), name=TENANT_B_NAME, credit_code=credit_code("152501", 41),
            county=Jurisdiction.objects.get(code="152501"), legal_form="legal_person", registration_date=dt.date(2012, 1, 1))
    w.app_b = filed(w.cycle_b, applicant_b, applicant_b.members.get().user)
    return w
