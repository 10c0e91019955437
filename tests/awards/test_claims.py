"""Issue #16 item 2: nobody takes over a past winner by registering its public credit code. Registering the
code of a record no account holds (imported history) files a claim: no access, no rename; the award office
approves it on the uploaded 营业执照 or a county check, or refuses it with a reason the registrant reads; the
certificate, the winners' registry and the verification page keep the name at the time of the award."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from awards import claims
from awards import history_import as hi
from awards import services
from awards.models import Applicant, ApplicantMember, ClaimRequest, Grant
from core.errors import DomainError, NotPermitted
from core.models import AuditEntry
from jurisdictions.models import Award, Jurisdiction
from tests.programme.helpers import at, credit, upload, workbook

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OLD_NAME = "塔城市历史乳业有限公司"
NEW_NAME = "塔城市冒名乳业有限公司"


@pytest.fixture
def office(make_user):
    return make_user("tc-claim-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office)


@pytest.fixture
def past_winner(office):
    """A 2023 winner imported from paper: an applicant with a grant and no account."""
    code = credit("654201", 41)
    row = {"award": "tacheng-prefecture", "year": "2023", "number": "1", "category": "组织", "name": OLD_NAME, "code": code,
           "county": "654201", "decision": "塔行发〔2023〕12号", "awarded_on": "2023-12-20"}
    with at(dt.date(2025, 8, 1)):
        batch = hi.history_import_upload(actor=office, uploaded_file=upload(workbook([[row.get(k, "") for k, _l, _h in hi.COLUMNS]])))
        hi.history_import_commit(batch=batch, actor=office)
    applicant = Applicant.objects.get(credit_code=code)
    assert not applicant.members.exists()
    return applicant


def register(client, code, *, username="claimer", name=NEW_NAME):
    return client.post("/apply/register/", {
        "kind": "organization", "account-username": username, "account-password1": "Zlj-claim-2026x",
        "account-password2": "Zlj-claim-2026x", "organization-name": name, "organization-credit_code": code,
        "organization-county": Jurisdiction.objects.get(code="654201").pk, "organization-legal_form": "legal_person",
        "organization-address": "塔城市新建路1号", "organization-industry": "食品制造"})


def licence():
    return SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")


def test_registering_an_imported_code_gives_no_access_no_rename_and_files_a_pending_claim(client, past_winner):
    grant = Grant.objects.get(applicant=past_winner)
    response = register(client, past_winner.credit_code)
    claim = ClaimRequest.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/apply/claims/{claim.pk}/")
    user = get_user_model().objects.get(username="claimer")
    past_winner.refresh_from_db()
    assert (claim.state, claim.user, claim.applicant, claim.facts["name"]) == ("pending", user, past_winner, NEW_NAME)
    assert (past_winner.name, past_winner.address) == (OLD_NAME, "")
    assert not ApplicantMember.objects.filter(applicant=past_winner).exists()
    # no access: not on the dashboard, no certificate, no application of the record
    home = client.get("/apply/").content.decode()
    assert "待办公室审核" in home and OLD_NAME not in home
    assert client.get(f"/certificates/{grant.serial}.pdf").status_code == 404
    assert client.get(f"/apply/{grant.application_id}/").status_code == 404
    page = client.get(f"/apply/claims/{claim.pk}/").content.decode()
    assert "须经办公室核实您的身份后才能认领" in page
    # the public pages still show the winner
    assert OLD_NAME in client.get(f"/verify/{grant.serial}/").content.decode()
    winners = client.get("/winners/").content.decode()
    assert OLD_NAME in winners and NEW_NAME not in winners
    assert AuditEntry.objects.filter(action="applicant.claim_request", object_id=str(past_winner.pk)).count() == 1
    assert not AuditEntry.objects.filter(action__in=["applicant.claim", "applicant.rename"]).exists()


def test_a_second_claim_by_the_same_account_is_refused_and_a_held_record_cannot_be_claimed(past_winner, make_user, office):
    user = make_user("claimer-a")
    kwargs = dict(name=NEW_NAME, credit_code=past_winner.credit_code, county=past_winner.county, legal_form="legal_person",
                  registration_date=None)
    first = services.applicant_register_organization(user=user, **kwargs)
    assert isinstance(first, ClaimRequest)
    with pytest.raises(DomainError, match="您已提交认领该记录的申请"):
        services.applicant_register_organization(user=user, **kwargs)
    claims.claim_approve(claim=first, actor=office, basis="county", note="经塔城市市场监督管理局电话核实")
    with pytest.raises(DomainError, match="已注册"):
        services.applicant_register_organization(user=make_user("claimer-b"), **kwargs)


def test_the_office_approves_on_the_licence_the_registrant_uploaded(client, past_winner, office, settings):
    grant = Grant.objects.get(applicant=past_winner)
    register(client, past_winner.credit_code, name="塔城市历史乳业股份有限公司")
    claim = ClaimRequest.objects.get()
    # the licence: checked like every upload, encrypted at rest under a random name
    refused = client.post(f"/apply/claims/{claim.pk}/", {"file": SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf")})
    assert refused.status_code == 400 and "不是 PDF" in refused.content.decode()
    assert client.post(f"/apply/claims/{claim.pk}/", {"file": licence()}).status_code == 302
    claim.refresh_from_db()
    stored = (settings.MEDIA_ROOT + "/" + claim.evidence.name)
    assert claim.evidence_name == "营业执照.pdf" and "营业执照" not in claim.evidence.name
    assert open(stored, "rb").read() != PDF and not open(stored, "rb").read().startswith(b"%PDF")

    client.force_login(office)
    listing = client.get("/office/claims/").content.decode()
    assert "塔城市历史乳业股份有限公司" in listing and "已上传" in listing
    evidence = client.get(f"/office/claims/{claim.pk}/evidence/")
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == PDF
    assert evidence["Content-Disposition"].startswith("attachment")
    decided = client.post(f"/office/claims/{claim.pk}/", {"decision": "approve", "basis": "license", "text": ""})
    assert (decided.status_code, decided["Location"]) == (302, "/office/claims/")

    claim.refresh_from_db()
    past_winner.refresh_from_db()
    claimer = get_user_model().objects.get(username="claimer")
    assert (claim.state, claim.basis, claim.decided_by) == ("approved", "license", office)
    assert ApplicantMember.objects.filter(applicant=past_winner, user=claimer).exists()
    assert (past_winner.name, past_winner.address) == ("塔城市历史乳业股份有限公司", "塔城市新建路1号")
    rename = AuditEntry.objects.get(action="applicant.rename")
    assert (rename.data["old"], rename.data["new"], rename.object_id) == (OLD_NAME, "塔城市历史乳业股份有限公司", str(past_winner.pk))
    assert AuditEntry.objects.get(action="applicant.claim_approve").data["basis"] == "license"

    client.force_login(claimer)
    assert "已核实通过" in client.get(f"/apply/claims/{claim.pk}/").content.decode()
    assert client.get(f"/apply/{grant.application_id}/").status_code == 200
    assert "塔城市历史乳业股份有限公司" in client.get("/apply/").content.decode()


def test_the_registry_the_verification_page_and_the_certificate_show_the_name_at_the_time_of_the_award(client, past_winner, office, make_user):
    grant = Grant.objects.get(applicant=past_winner)
    assert grant.applicant_name == OLD_NAME
    claim = services.applicant_register_organization(user=make_user("heir"), name="塔城市更名乳业集团有限公司",
                                                     credit_code=past_winner.credit_code, county=past_winner.county,
                                                     legal_form="legal_person", registration_date=None)
    claims.claim_approve(claim=claim, actor=office, basis="county", note="经塔城市市场监督管理局核实营业执照原件")
    past_winner.refresh_from_db()
    assert past_winner.name == "塔城市更名乳业集团有限公司"
    verify = client.get(f"/verify/{grant.serial}/").content.decode()
    assert f"<td>{OLD_NAME}</td>" in verify and "更名" not in verify
    winners = client.get("/winners/").content.decode()
    assert f"<td>{OLD_NAME}</td>" in winners and "塔城市更名乳业集团有限公司" not in winners
    grant.refresh_from_db()
    certificate = render_to_string("publicity/pdf/certificate.html", {"g": grant, "qr": "", "verify_url": ""})
    assert OLD_NAME in certificate and "更名" not in certificate


def test_a_refused_claim_shows_its_reason_and_leaves_the_record_alone(client, past_winner, office):
    register(client, past_winner.credit_code)
    claim = ClaimRequest.objects.get()
    with pytest.raises(DomainError, match="尚未上传营业执照"):
        claims.claim_approve(claim=claim, actor=office, basis="license")
    with pytest.raises(DomainError, match="写明核实的部门"):
        claims.claim_approve(claim=claim, actor=office, basis="county", note=" ")
    with pytest.raises(DomainError, match="请填写不予通过的理由"):
        claims.claim_refuse(claim=claim, actor=office, reason="")
    claims.claim_refuse(claim=claim, actor=office, reason="经县市场监管局核实，申请人与该单位无关。")
    page = client.get(f"/apply/claims/{claim.pk}/").content.decode()
    assert "未通过" in page and "申请人与该单位无关" in page
    assert client.post(f"/apply/claims/{claim.pk}/", {"file": licence()}).status_code == 404  # closed: no more uploads
    with pytest.raises(DomainError, match="已办结"):
        claims.claim_approve(claim=claim, actor=office, basis="county", note="再次核实")
    past_winner.refresh_from_db()
    assert past_winner.name == OLD_NAME and not past_winner.members.exists()


def test_approving_one_claim_refuses_the_other_pending_ones(past_winner, office, make_user):
    kwargs = dict(credit_code=past_winner.credit_code, county=past_winner.county, legal_form="legal_person", registration_date=None)
    genuine = services.applicant_register_organization(user=make_user("genuine"), name=OLD_NAME, **kwargs)
    impostor = services.applicant_register_organization(user=make_user("impostor"), name=NEW_NAME, **kwargs)
    claims.claim_approve(claim=genuine, actor=office, basis="county", note="县局核实")
    impostor.refresh_from_db()
    assert (impostor.state, impostor.reason) == ("refused", claims.SUPERSEDED)
    assert list(past_winner.members.values_list("user__username", flat=True)) == ["genuine"]
    assert not AuditEntry.objects.filter(action="applicant.rename").exists()  # same name: no rename


def test_only_the_records_award_office_decides_and_sees_a_claim(client, past_winner, make_user):
    claim = services.applicant_register_organization(user=make_user("claimer-x"), name=NEW_NAME, credit_code=past_winner.credit_code,
                                                     county=past_winner.county, legal_form="legal_person", registration_date=None)
    other = make_user("chanhe-claim-office", role="office", body=Award.objects.get(slug="chanhe-head").office)
    with pytest.raises(NotPermitted):
        claims.claim_approve(claim=claim, actor=other, basis="county", note="越权")
    with pytest.raises(NotPermitted):
        claims.claim_refuse(claim=claim, actor=claim.user, reason="自己驳回")
    client.force_login(other)
    assert client.get(f"/office/claims/{claim.pk}/").status_code == 404
    assert NEW_NAME not in client.get("/office/claims/").content.decode()
    client.force_login(claim.user)
    assert client.get(f"/office/claims/{claim.pk}/").status_code == 404
    assert client.get("/office/claims/").status_code == 404


def test_the_api_registration_of_an_imported_code_answers_202_with_the_pending_claim(client, past_winner, make_user):
    client.force_login(make_user("api-claimer"))
    response = client.post("/api/v1/applicants/organization/", {
        "name": NEW_NAME, "credit_code": past_winner.credit_code, "county": "654201", "legal_form": "legal_person",
        "address": "", "industry": "", "phone": ""}, content_type="application/json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["state"], body["code"]) == ("pending", "claim_pending")
    assert ClaimRequest.objects.get(pk=body["claim"]).applicant == past_winner
    assert client.get("/api/v1/applicants/").json() == []


def test_the_migration_fills_the_award_time_name_and_undoes_an_earlier_take_over(past_winner, office):
    """Grants made before this change get the current name, except where the old automatic take-over renamed
    the record afterwards: the name it had before, as the audit log kept it."""
    from django.apps import apps
    from importlib import import_module

    from core.audit import log_action

    fill = import_module("awards.migrations.0009_claims_and_award_time_names").names_at_award_time
    grant = Grant.objects.get(applicant=past_winner)
    with at(dt.date(2025, 9, 1)):
        log_action("applicant.claim", obj=past_winner, data={"before": {"name": OLD_NAME}, "imported_history": True})
    Applicant.objects.filter(pk=past_winner.pk).update(name=NEW_NAME)
    Grant.objects.filter(pk=grant.pk).update(applicant_name="")
    fill(apps, None)
    grant.refresh_from_db()
    assert grant.applicant_name == OLD_NAME
