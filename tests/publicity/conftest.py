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
    from awards.pipeline import transition
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
                transition(app, action="approve", actor=ns.checker, role="precheck")
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
                                  identity_proof=upload(), evidence=upload("evidence.png", "image/png"))
    return do
