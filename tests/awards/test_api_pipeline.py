"""The pipeline API: register → create → update draft → upload → eligibility → submit; mass assignment
refused; domain errors as 400 {detail, code, field}; transitions with roles; tenancy 404; query counts."""
import datetime as dt
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from awards.models import Application, Status
from awards.simulation import _credit_code
from core import clock
from jurisdictions.models import Body, BodyKind, Jurisdiction

from .factories import GOOD_DECLARATION, filed, open_cycle, org, staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def at(day: str, hour=10):
    return clock.frozen_at(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=clock.SHANGHAI))


@pytest.fixture
def api():
    return APIClient()


def test_register_file_and_submit_through_the_api(api, make_user):
    cycle, _ = open_cycle("tacheng-prefecture")
    user = make_user("api-applicant")
    api.force_authenticate(user)
    county = Jurisdiction.objects.get(code="654201")
    code = _credit_code(random.Random(77), county)
    with at("2025-09-01"):
        r = api.post("/api/v1/applicants/organization/", {"name": "塔城市接口测试有限公司", "credit_code": code, "county": "654201",
                                                          "legal_form": "legal_person", "registration_date": "2012-05-01"}, format="json")
        assert r.status_code == 201, r.json()
        applicant_id = r.json()["id"]
        assert r.json()["county"] == "654201"
        assert any(c["id"] == cycle.pk for c in api.get("/api/v1/cycles/").json()["results"])
        r = api.post("/api/v1/applications/", {"cycle": cycle.pk, "applicant": applicant_id}, format="json")
        assert r.status_code == 201
        app_id = r.json()["id"]
        assert (r.json()["stage"], r.json()["status"]) == ("internal_publicity", "draft")
        r = api.patch(f"/api/v1/applications/{app_id}/", {"declaration": GOOD_DECLARATION, "self_evaluation": "自评报告",
                                                          "internal_publicity_from": "2025-09-01", "internal_publicity_to": "2025-09-05"}, format="json")
        assert r.status_code == 200 and r.json()["self_evaluation"] == "自评报告"
        r = api.post(f"/api/v1/applications/{app_id}/materials/", {"file": SimpleUploadedFile("申报书.pdf", PDF), "title": "申报书"}, format="multipart")
        assert r.status_code == 201 and r.json()["content_type"] == "application/pdf"
        r = api.post(f"/api/v1/applications/{app_id}/materials/", {"file": SimpleUploadedFile("x.pdf", b"<script>")}, format="multipart")
        assert r.status_code == 400
        assert r.json() == {"detail": "文件内容不是 PDF（可能是改了扩展名的网页或其他文件），已拒收。", "code": "upload_mismatch", "field": "file"}
    with at("2025-09-08"):
        elig = {e["code"]: e for e in api.get(f"/api/v1/applications/{app_id}/eligibility/").json()}
        assert elig["years_of_operation"]["outcome"] == "pass" and elig["years_of_operation"]["article"] == "第九条（二）"
        assert elig["party_line"]["outcome"] == "judgement"
        r = api.post(f"/api/v1/applications/{app_id}/submit/")
    assert r.status_code == 200
    assert (r.json()["stage"], r.json()["status"], r.json()["route_body"]) == ("pre_check", "pending", "塔城市市场监督管理局")


def test_mass_assignment_refused(api):
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("mass-co", "654201")
    api.force_authenticate(user)
    with at("2025-09-01"):
        app_id = api.post("/api/v1/applications/", {"cycle": cycle.pk, "applicant": applicant.pk}, format="json").json()["id"]
        r = api.patch(f"/api/v1/applications/{app_id}/", {"status": "awarded", "stage": "commendation", "self_evaluation": "x"}, format="json")
    assert r.status_code == 400
    assert r.json()["code"] == "mass_assignment" and r.json()["field"] == "stage"
    app = Application.objects.get(pk=app_id)
    assert (app.stage, app.status, app.self_evaluation) == ("internal_publicity", Status.DRAFT, "")


def test_domain_error_shape_and_frozen_after_submit(api):
    cycle, _ = open_cycle("tacheng-prefecture")
    applicant, user = org("frozen-co", "654201")
    app = filed(cycle, applicant, user)
    api.force_authenticate(user)
    r = api.patch(f"/api/v1/applications/{app.pk}/", {"self_evaluation": "改"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "frozen"
    r = api.post("/api/v1/applicants/organization/", {"name": "x", "credit_code": "123", "county": "654201", "legal_form": "legal_person"}, format="json")
    assert r.status_code == 400
    assert r.json() == {"detail": "统一社会信用代码应为18位，您输入了3位。", "code": "invalid", "field": "credit_code"}


def test_transition_endpoint_roles_and_tenancy(api):
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, user = org("tr-co", "654201")
    app = filed(cycle, applicant, user)
    checker = staff("tr-checker", "precheck", Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))
    other = staff("tr-other", "precheck", Body.objects.get(jurisdiction__code="654202", kind=BodyKind.MARKET_REGULATION))
    api.force_authenticate(other)
    assert api.get(f"/api/v1/applications/{app.pk}/").status_code == 404
    assert api.post(f"/api/v1/applications/{app.pk}/transition/", {"action": "approve"}, format="json").status_code == 404
    assert api.get("/api/v1/applications/").json()["count"] == 0
    api.force_authenticate(user)
    r = api.post(f"/api/v1/applications/{app.pk}/transition/", {"action": "approve"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    api.force_authenticate(checker)
    r = api.post(f"/api/v1/applications/{app.pk}/transition/", {"action": "reject"}, format="json")
    assert r.status_code == 400 and r.json() == {"detail": "“不予通过”须填写书面理由。", "code": "reason_required", "field": "reason"}
    with at("2025-09-09"):
        r = api.post(f"/api/v1/applications/{app.pk}/transition/", {"action": "approve"}, format="json")
        assert r.status_code == 200 and r.json()["status"] == "approved"
        body = checker.memberships.get().body_id
        r = api.post(f"/api/v1/cycles/{cycle.pk}/publish-list/", {"stage": "pre_check", "body": body}, format="json")
    assert r.status_code == 201 and (r.json()["first_day"], r.json()["last_day"]) == ("2025-09-09", "2025-09-15")
    app.refresh_from_db()
    assert app.status == Status.IN_PUBLICITY


def test_supplement_and_withdraw_via_api(api):
    cycle, office = open_cycle("erenhot-mayor")
    applicant, user = org("sup-co", "152501")
    app = filed(cycle, applicant, user)
    api.force_authenticate(office)
    r = api.post(f"/api/v1/applications/{app.pk}/supplement-request/", {"items": ["补充财务报表", "补充证书"]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "returned"
    api.force_authenticate(user)
    r = api.post(f"/api/v1/applications/{app.pk}/supplement-answer/", {"answer": "已补充"}, format="json")
    assert r.status_code == 200 and (r.json()["status"], r.json()["materials_version"]) == ("pending", 2)
    r = api.post(f"/api/v1/applications/{app.pk}/withdraw/", {"reason": "暂不参评"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_office_of_another_jurisdiction_gets_404_on_cycle_writes(api):
    cycle, office = open_cycle("tacheng-prefecture")
    other = staff("api-er-office", "office", __import__("jurisdictions.models", fromlist=["Award"]).Award.objects.get(slug="erenhot-mayor").office)
    api.force_authenticate(other)
    assert api.post(f"/api/v1/cycles/{cycle.pk}/select/", {"stage": "material_review", "advancing": []}, format="json").status_code == 404
    assert api.post(f"/api/v1/cycles/{cycle.pk}/commend/", {"decision_document": "x", "date": "2025-12-01"}, format="json").status_code == 404
    r = api.post("/api/v1/cycles/", {"award": "tacheng-prefecture", "year": 2026, "filing_deadline": "2026-05-01"}, format="json")
    assert r.status_code == 404


def test_cycle_open_via_api_error_with_field(api):
    from jurisdictions.models import Award

    award = Award.objects.get(slug="xam-leader")
    office = staff("api-xam-office", "office", award.office)
    api.force_authenticate(office)
    with at("2026-03-02"):
        r = api.post("/api/v1/cycles/", {"award": "xam-leader", "year": 2026, "filing_deadline": "2026-05-29"}, format="json")
        assert r.status_code == 400 and r.json()["field"] == "plan_approval_document" and r.json()["article"] == "第十四条"
        r = api.post("/api/v1/cycles/", {"award": "xam-leader", "year": 2026, "filing_deadline": "2026-05-29", "plan_approval_document": "批〔2026〕1号",
                                         "plan_approval_date": "2026-02-20"}, format="json")
    assert r.status_code == 201 and r.json()["number"] == 1


@pytest.mark.parametrize("n", [3, 10])
def test_application_list_query_count(api, django_assert_max_num_queries, n):
    cycle, office = open_cycle("erenhot-mayor")
    for i in range(n):
        a, u = org(f"apiq-{n}-{i}", "152501", seed=n * 1000 + i)
        filed(cycle, a, u)
    api.force_authenticate(office)
    with django_assert_max_num_queries(8):
        r = api.get("/api/v1/applications/")
    assert r.json()["count"] == n


def test_schema_documents_the_pipeline_endpoints(api, make_user):
    api.force_authenticate(make_user("schema-reader"))
    r = api.get("/api/schema/?format=json")
    paths = r.json()["paths"]
    assert "/api/v1/applications/{id}/transition/" in paths
    assert "/api/v1/applications/{id}/materials/" in paths and "/api/v1/cycles/{id}/select/" in paths
