"""Applicant pages: registration (with a new login), dashboard with eligibility, the stepped declaration,
upload refusals in Chinese, submission, timeline, withdrawal; tenancy (404) and query counts."""
import datetime as dt
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import services
from awards.models import Applicant, Application, Status
from awards.simulation import _credit_code
from core import clock
from jurisdictions.models import Jurisdiction

from .factories import START, filed, open_cycle, org

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: str, hour=10):
    return clock.frozen_at(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=clock.SHANGHAI))


def test_anonymous_registers_an_organisation_with_a_new_login(client):
    county = Jurisdiction.objects.get(code="654201")
    code = _credit_code(random.Random(5), county)
    with at("2025-09-01"):
        r = client.post("/apply/register/", {
            "kind": "organization", "account-username": "tc-quality", "account-password1": "Zlj-apply-2026!x",
            "account-password2": "Zlj-apply-2026!x", "organization-name": "塔城市示例乳业有限公司",
            "organization-credit_code": code.lower(), "organization-county": county.pk,
            "organization-legal_form": "legal_person", "organization-registration_date": "2015-03-01"})
    assert r.status_code == 302 and r["Location"] == "/apply/"
    applicant = Applicant.objects.get(credit_code=code)
    assert applicant.members.get().user.username == "tc-quality"
    assert applicant.county == county and applicant.registration_date == dt.date(2015, 3, 1)


def test_bad_credit_code_is_shown_beside_the_field_and_input_kept(client):
    county = Jurisdiction.objects.get(code="654201")
    r = client.post("/apply/register/", {
        "kind": "organization", "account-username": "tc2", "account-password1": "Zlj-apply-2026!x",
        "account-password2": "Zlj-apply-2026!x", "organization-name": "某某有限公司", "organization-credit_code": "91654201MA7",
        "organization-county": county.pk, "organization-legal_form": "legal_person"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "统一社会信用代码应为18位，您输入了11位。" in html
    assert 'value="某某有限公司"' in html and 'value="91654201MA7"' in html
    assert not Applicant.objects.filter(name="某某有限公司").exists()


def test_weak_password_refused_in_chinese(client):
    county = Jurisdiction.objects.get(code="654201")
    r = client.post("/apply/register/", {
        "kind": "individual", "account-username": "p1", "account-password1": "123", "account-password2": "123",
        "individual-name": "张三", "individual-id_number": "x", "individual-county": county.pk,
        "individual-employer": "某公司", "individual-quality_work_years": 5})
    assert r.status_code == 400
    assert 'id="id_account-password1-errors"' in r.content.decode()


def test_dashboard_shows_open_cycle_with_eligibility_and_why_not(client):
    cycle, _ = open_cycle("tacheng-prefecture")
    young, young_user = org("young-co", "654201", years=1)
    client.force_login(young_user)
    with at("2025-09-02"):
        r = client.get("/apply/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "塔城地区政府质量奖" in html and "2025-10-11" in html
    assert "暂不符合" in html and "已正常经营 1 年，要求 5 年以上" in html


def test_register_file_and_submit_through_the_web_forms(client):
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("web-co", "654201", years=10)
    client.force_login(user)
    with at("2025-09-01"):
        r = client.post("/apply/new/", {"applicant": applicant.pk, "cycle": cycle.pk})
        app = Application.objects.get(applicant=applicant)
        assert r["Location"] == f"/apply/{app.pk}/"
        page = client.get(f"/apply/{app.pk}/?step=facts").content.decode()
        assert "属于新经济、新业态组织" in page and "报送单位" in page  # 塔城 第九条（二）, 第十三条
        r = client.post(f"/apply/{app.pk}/", {"step": "facts", "go": "next", "accident_dates": "", "violation_dates": "",
                                              "on_abnormal_list": "no", "on_serious_violation_list": "no",
                                              "contains_state_secrets": "no"})
        assert r.status_code == 302 and r["Location"].endswith("?step=self")
        r = client.post(f"/apply/{app.pk}/", {"step": "self", "go": "next", "self_evaluation": "我单位对照评审标准的自评。"})
        assert r["Location"].endswith("?step=publicity")
        r = client.post(f"/apply/{app.pk}/", {"step": "publicity", "go": "next", "internal_publicity_from": "2025-09-01",
                                              "internal_publicity_to": "2025-09-05"})
        r = client.post(f"/apply/{app.pk}/", {"step": "materials", "title": "申报书",
                                              "file": SimpleUploadedFile("申报书.pdf", PDF, "application/pdf")})
        assert r.status_code == 302
    app.refresh_from_db()
    assert app.declaration == {"accident_dates": [], "violation_dates": [], "on_abnormal_list": False,
                               "on_serious_violation_list": False, "contains_state_secrets": False}
    assert app.materials.get().original_name == "申报书.pdf"
    with at("2025-09-08"):
        check = client.get(f"/apply/{app.pk}/?step=check").content.decode()
        assert "第九条（二）" in check and "已正常经营 10 年，要求 5 年以上" in check
        assert "需人工审核" in check
        r = client.post(f"/apply/{app.pk}/", {"step": "check"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert (app.stage, app.status) == ("pre_check", Status.PENDING)
    assert app.route_body.name == "塔城市市场监督管理局"
    timeline = client.get(f"/apply/{app.pk}/?step=status").content.decode()
    assert "行业主管部门或县（市）市场监管部门审核" in timeline and "当前环节" in timeline
    assert "2025-09-01 至 2025-09-05" in timeline


def test_a_rejected_upload_shows_its_chinese_message_beside_the_file_field(client):
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("upl-co", "654201")
    client.force_login(user)
    with at("2025-09-01"):
        client.post("/apply/new/", {"applicant": applicant.pk, "cycle": cycle.pk})
        app = Application.objects.get(applicant=applicant)
        r = client.post(f"/apply/{app.pk}/", {"step": "materials", "title": "伪装文件",
                                              "file": SimpleUploadedFile("a.pdf", b"<html>hi</html>", "application/pdf")})
        assert r.status_code == 400
        html = r.content.decode()
        assert 'id="id_file-errors"' in html
        assert "文件内容不是 PDF（可能是改了扩展名的网页或其他文件），已拒收。" in html
        assert 'value="伪装文件"' in html
        # the JS upload asks for JSON and gets the same message
        r = client.post(f"/apply/{app.pk}/", {"step": "materials", "file": SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream")},
                        HTTP_ACCEPT="application/json")
        assert r.status_code == 400 and r.json()["detail"].startswith("不支持的文件类型“.exe”")
    assert not app.materials.exists()


def test_submit_refused_shows_the_reason_and_links_to_the_step(client):
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("nopub-co", "654201")
    client.force_login(user)
    with at("2025-09-01"):
        client.post("/apply/new/", {"applicant": applicant.pk, "cycle": cycle.pk})
        app = Application.objects.get(applicant=applicant)
        r = client.post(f"/apply/{app.pk}/", {"step": "check"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "请填写单位内部公示的起止日期（第十二条）。" in html and "?step=publicity" in html


def test_another_applicants_application_is_404(client):
    cycle, _ = open_cycle("tacheng-prefecture")
    a1, u1 = org("own-1", "654201")
    a2, u2 = org("own-2", "654202")
    app = filed(cycle, a1, u1)
    client.force_login(u2)
    assert client.get(f"/apply/{app.pk}/").status_code == 404
    assert client.get(f"/apply/{app.pk}/?step=status").status_code == 404
    assert client.post(f"/apply/{app.pk}/withdraw/", {"reason": "x"}).status_code == 404


def test_withdraw_with_reason(client):
    cycle, _ = open_cycle("tacheng-prefecture")
    a1, u1 = org("wd-1", "654201")
    app = filed(cycle, a1, u1)
    client.force_login(u1)
    r = client.post(f"/apply/{app.pk}/withdraw/", {"reason": "本年度暂不参评"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.WITHDRAWN and app.withdrawn_reason == "本年度暂不参评"


@pytest.mark.parametrize("n", [3, 10])
def test_dashboard_query_count_does_not_grow(client, django_assert_max_num_queries, n):
    from awards import services

    applicant, user = org(f"qc-{n}", "654201")
    office = None
    for i in range(n):
        with clock.frozen_at(START + dt.timedelta(days=i)):
            cycle, office = open_cycle("tacheng-prefecture", when=START, office=office) if i == 0 else (None, office)
            if cycle is None:
                from jurisdictions.models import Award
                # distinct years: references are numbered per award and year (see report: same-year cycles collide)
                cycle = services.cycle_open(award=Award.objects.get(slug="tacheng-prefecture"), actor=office, year=2025 + i,
                                            filing_deadline=dt.date(2025, 10, 30), override_reason="测试：同一年度再次启动")
            services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
    client.force_login(user)
    with at("2025-09-20"):
        with django_assert_max_num_queries(14):
            r = client.get("/apply/")
    assert r.status_code == 200
    assert r.content.decode().count("TACHENG-PREFECTURE-20") >= n


def test_a_lapsed_regulation_closes_filing_in_the_running_cycle_and_says_why(client):
    """二连浩特 第三十四条: the 办法 runs 5 years (to 2026-08-31). A cycle opened before then with a filing deadline
    after it takes no application once the term has ended: the home page and the create action say why."""
    from core.errors import DomainError

    cycle, _ = open_cycle("erenhot-mayor", when=dt.datetime(2026, 8, 3, 9, tzinfo=clock.SHANGHAI))
    assert cycle.filing_deadline > dt.date(2026, 8, 31)
    applicant, user = org("erenhot-late", "152501")
    client.force_login(user)
    with at("2026-08-31"):
        html = client.get("/apply/").content.decode()
    assert "第三十四条" not in html  # the last day of the term is still inside it
    with at("2026-09-01"):
        html = client.get("/apply/").content.decode()
        assert "有效期至 2026年8月31日，期满后本届评选不再受理申报（第三十四条）" in html
        with pytest.raises(DomainError) as refused:
            services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
    assert refused.value.code == "regulation_lapsed" and refused.value.article == "第三十四条"
    assert not Application.objects.filter(cycle=cycle).exists()


def test_chanhe_requires_the_recommendation_signed_by_the_recommending_body_not_typed_by_the_applicant(client):
    """瀍河 第十六条: 经有关部门签署推荐意见后，在规定时限内提交申报材料. The applicant cannot type it: it uploads the
    signed scan and names who signed it; without it the submission is refused and sent to that step."""
    cycle, _ = open_cycle("chanhe-head")
    applicant, user = org("chanhe-rec", "410304")
    client.force_login(user)
    with at("2025-09-01"):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, self_evaluation="自评", recommendation="我们推荐自己",
                                    declaration={"licences": True, "tax_paid_locally": True, "good_credit": True})
        page = client.get(f"/apply/{app.pk}/?step=recommendation").content.decode()
        assert "请上传推荐单位签署（盖章）的推荐意见扫描件，不能由申报单位自行填写。" in page
        refused = client.post(f"/apply/{app.pk}/", {"step": "check"})
        assert refused.status_code == 400
        assert "须上传由推荐单位签署的推荐意见（经有关部门签署推荐意见后提交申报材料）（第十六条）。" in refused.content.decode()
        assert 'href="?step=recommendation"' in refused.content.decode()
        missing = client.post(f"/apply/{app.pk}/", {"step": "recommendation", "go": "next", "issuer": " ",
                                                    "file": SimpleUploadedFile("推荐意见.pdf", PDF, "application/pdf")})
        assert missing.status_code == 400 and "请填写出具推荐意见的单位。" in missing.content.decode()
        r = client.post(f"/apply/{app.pk}/", {"step": "recommendation", "go": "next", "issuer": "瀍河回族区工业和信息化局",
                                              "file": SimpleUploadedFile("推荐意见.pdf", PDF, "application/pdf")})
        assert r.status_code == 302
        material = app.materials.get()
        assert (material.kind, material.issuer, material.title) == ("recommendation", "瀍河回族区工业和信息化局", "推荐意见（瀍河回族区工业和信息化局）")
        assert client.post(f"/apply/{app.pk}/", {"step": "check"}).status_code == 302
    assert Application.objects.get(pk=app.pk).status == Status.PENDING


def test_the_recommendation_step_is_asked_only_where_the_applicant_must_bring_one(client):
    """塔城 第十二条 asks it of a branch (its parent's opinion after its internal publicity), not of a legal person;
    兴安盟 第十七条's 推荐意见 is the county body's, issued at its pre-check."""
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("tc-legal", "654201")
    client.force_login(user)
    with at("2025-09-01"):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        assert "?step=recommendation" not in client.get(f"/apply/{app.pk}/").content.decode()
        applicant.legal_form = "branch"
        applicant.save(update_fields=["legal_form"])
        assert "?step=recommendation" in client.get(f"/apply/{app.pk}/").content.decode()
