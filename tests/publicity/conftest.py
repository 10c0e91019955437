"""Factories for publicity tests, built through the real services: a 塔城地区 cycle opened on 2025-09-01,
applications submitted and approved at pre-check, and the pre-check list published on 2025-09-30
(5 working days: 2025年9月30日至2025年10月13日, across the National Day holiday and its make-up day)."""
import datetime as dt
import itertools

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from core.clock import SHANGHAI, frozen_at

_credit_seq = itertools.count(1)


def valid_credit_code(n: int) -> str:
    from awards.validators import credit_code_check_char

    first17 = f"91654201MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


def upload(name="proof.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test\n%%EOF", content_type=content_type)


@pytest.fixture(autouse=True)
def _clear_objection_rate():
    from publicity.views import rate_key

    cache.delete(rate_key("127.0.0.1"))
    yield
    cache.delete(rate_key("127.0.0.1"))


@pytest.fixture
def tacheng(make_user):
    """Returns a namespace with award, office user, checker, cycle, applications and the published notice."""
    from awards import services as aw
    from awards.pipeline import move
    from jurisdictions.models import Award, Body, Jurisdiction
    from publicity.windows import publish_stage_list

    class NS:
        pass

    ns = NS()
    ns.award = Award.objects.get(slug="tacheng-prefecture")
    ns.office = make_user(role="office", body=ns.award.office)
    county = Jurisdiction.objects.get(code="654201")
    ns.precheck_body = Body.objects.get(jurisdiction=county, kind="market_regulation")
    ns.checker = make_user(role="precheck", body=ns.precheck_body)

    def make_applications(names):
        apps = []
        with frozen_at(at(2025, 9, 1)):
            for name in names:
                user = make_user()
                applicant = aw.applicant_register_organization(
                    user=user, name=name, credit_code=valid_credit_code(next(_credit_seq)), county=county, legal_form="legal_person",
                    registration_date=dt.date(2010, 3, 1), address="塔城市文化路1号", phone="13900000000")
                app = aw.application_create(cycle=ns.cycle, applicant=applicant, category="organization", actor=user)
                aw.application_update(application=app, actor=user, self_evaluation="自我评价报告全文。",
                                      internal_publicity_from=dt.date(2025, 8, 18), internal_publicity_to=dt.date(2025, 8, 29),
                                      declaration={"contains_state_secrets": False})
                app = aw.application_submit(application=app, actor=user)
                app.member = user
                apps.append(app)
        with frozen_at(at(2025, 9, 10)):
            for app in apps:
                move(app, action="approve", actor=ns.checker, role="precheck")
                aw.opinion_record(application=app, actor=ns.checker, role="precheck", kind="recommendation", body_name=app.route_body.name, text="审核通过")  # 塔城 第十四条 审核意见
        return apps

    with frozen_at(at(2025, 9, 1)):
        ns.cycle = aw.cycle_open(award=ns.award, actor=ns.office, year=2025, filing_deadline=dt.date(2025, 9, 25))
    ns.make_applications = make_applications
    ns.apps = make_applications(["塔城市宏远乳业有限公司", "乌苏市天山建材有限责任公司"])
    with frozen_at(at(2025, 9, 30)):
        ns.notice = publish_stage_list(cycle=ns.cycle, stage_code="pre_check", actor=ns.checker, role="precheck",
                                       body=ns.precheck_body, contact="0901-6222222")
    return ns


@pytest.fixture
def file_objection():
    def do(ns, app=None, when=None):
        from publicity.services import objection_file

        with frozen_at(when or at(2025, 10, 9, 10)):
            return objection_file(notice=ns.notice, application=app or ns.apps[0], objector_kind="individual", name="张三",
                                  phone="13812345678", address="塔城市光明路5号", id_number="", facts="该单位申报材料中的产值数据与实际不符。",
                                  identity_proof=upload(), evidence=upload("evidence.pdf"))
    return do


@pytest.fixture
def tacheng_grant(tacheng):
    """Walks the first listed application through every stage to an award (commend), through the real services."""
    from awards import services as aw
    from awards.models import Application, Status
    from awards.pipeline import move
    from publicity.windows import close_due_windows, publish_stage_list

    office = tacheng.office
    close_due_windows(now=at(2025, 10, 14, 0, 5))
    apps = [Application.objects.get(pk=a.pk) for a in tacheng.apps]
    with frozen_at(at(2025, 10, 14, 9)):
        for a in apps:
            move(a, action="approve", actor=office, role="office")
        publish_stage_list(cycle=tacheng.cycle, stage_code="qualification_review", actor=office, role="office")
    close_due_windows(now=at(2025, 10, 30))
    with frozen_at(at(2025, 11, 3, 9)):
        for stage in ("material_review", "defense", "on_site_review", "composite_evaluation", "deliberation"):
            # set-up only: the review's and the committee's decisions are not what these tests are about
            for a in tacheng.cycle.applications.filter(stage=stage, status=Status.PENDING):
                move(a, action="advance" if stage != "material_review" or a.pk == apps[0].pk else "not_advance",
                     actor=office, role="office", reason="评审结果")
        move(Application.objects.get(pk=apps[0].pk), action="approve", actor=office, role="office")
        publish_stage_list(cycle=tacheng.cycle, stage_code="award_publicity", actor=office, role="office")
    close_due_windows(now=at(2025, 11, 11))
    with frozen_at(at(2025, 11, 20, 9)):
        aw.approval_record(cycle=tacheng.cycle, actor=office, body="塔城地区行政公署", document="塔行署函〔2025〕88号", date=dt.date(2025, 11, 19))
        grants = aw.commend(cycle=tacheng.cycle, actor=office, decision_document="塔行署发〔2025〕12号", date=dt.date(2025, 11, 20))
    tacheng.grant = grants[0]
    return tacheng


@pytest.fixture(scope="session")
def orm_beside_playwright():
    """Same as tests/jurisdictions/test_browser_rulesets.py: Playwright's sync API leaves its loop registered
    as running in this thread, so Django's async guard is told there is none (this process only)."""
    import django.utils.asyncio as django_asyncio

    def no_running_loop():
        raise RuntimeError("no running event loop")

    django_asyncio.get_running_loop = no_running_loop
