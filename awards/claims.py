"""Claiming a record that no account holds (in practice one the award office imported from paper history:
a past winner, a ban). Registering its public credit code (or an ID number) only files a ClaimRequest
(awards.services._claim_request); the award office approves it on the 营业执照 (or identity document) the
registrant uploads, or on a check by the county body, or refuses it with a reason. Only an approval makes
the registrant a member of the record, gives access to its applications and certificates, and applies what
the registrant entered (a rename is audited with the old and the new name); the grants keep the name they
were made to (Grant.applicant_name). Issue #16 item 2.

Writes: one function per complete action, keyword-only, in one transaction ending with its audit entry."""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction

from core import clock
from core.audit import log_action
from core.crypto import encrypt_bytes
from core.errors import DomainError, NotPermitted
from jurisdictions.models import Jurisdiction

from . import permissions, selectors
from .models import Applicant, ApplicantMember, ClaimRequest
from .services import _applicant_rename, _discard_stored_file, _validate_upload

PENDING = ClaimRequest.State.PENDING
SUPERSEDED = "该记录已由另一经核实的账户认领。"


def _locked(claim: ClaimRequest) -> ClaimRequest:
    return ClaimRequest.objects.select_for_update(of=("self",)).select_related("applicant__county").get(pk=claim.pk)


def _require_pending(claim: ClaimRequest) -> None:
    if claim.state != PENDING:
        raise DomainError(f"该认领申请已办结（{claim.get_state_display()}），不能再办理。", code="claim_closed")


def _require_office(actor, claim: ClaimRequest) -> None:
    if not selectors.claims_for_office(actor).filter(pk=claim.pk).exists():
        raise NotPermitted("只有该记录所属奖项的办公室可以审核认领申请。")


def claim_evidence_add(*, claim: ClaimRequest, actor, uploaded_file) -> ClaimRequest:
    """The registrant uploads its 营业执照 (a person: an identity document) while the claim is pending. The file
    is checked like every upload, encrypted at rest and stored under a random name; a later upload replaces it."""
    claim = ClaimRequest.objects.get(pk=claim.pk)
    if claim.user_id != getattr(actor, "pk", None):
        raise NotPermitted("只能为本人提交的认领申请上传证明。")
    _require_pending(claim)
    content_type = _validate_upload(uploaded_file)
    uploaded_file.seek(0)
    suffix = PurePath(str(uploaded_file.name).replace("\\", "/")).suffix.lower()
    stored = ContentFile(encrypt_bytes(uploaded_file.read()), name=f"{secrets.token_hex(16)}{suffix}.enc")
    old = claim.evidence.name if claim.evidence else ""
    with transaction.atomic():
        claim = _locked(claim)
        _require_pending(claim)
        claim.evidence = stored
        claim.evidence_name = PurePath(str(uploaded_file.name).replace("\\", "/")).name[:200]
        claim.evidence_type = content_type
        claim.evidence_size = uploaded_file.size
        try:
            claim.save(update_fields=["evidence", "evidence_name", "evidence_type", "evidence_size"])  # file, then row
            log_action("applicant.claim_evidence", actor=actor, obj=claim.applicant, role="applicant",
                       jurisdiction_code=claim.applicant.county.code,
                       data={"claim": claim.pk, "size": uploaded_file.size, "type": content_type})
        except BaseException:
            _discard_stored_file(claim.evidence)
            raise
        if old:
            storage = claim.evidence.storage
            transaction.on_commit(lambda: storage.delete(old))
    return claim


def claim_approve(*, claim: ClaimRequest, actor, basis: str, note: str = "") -> ClaimRequest:
    """The office has verified who the registrant is: on the uploaded licence (basis "license") or on the
    county body's check (basis "county", the note says who checked and how). The registrant becomes the
    record's member with access to its applications; what it entered replaces the imported facts (the name
    through the audited rename); any other pending claim of the record is refused."""
    if basis not in ClaimRequest.Basis.values:
        raise DomainError("请选择核实依据。", field="basis")
    note = (note or "").strip()
    with transaction.atomic():
        claim = _locked(claim)
        _require_office(actor, claim)
        _require_pending(claim)
        if basis == ClaimRequest.Basis.LICENSE and not claim.evidence:
            raise DomainError("申请人尚未上传营业执照（身份证明），不能据此核实；可改由县级主管部门核实。", field="basis",
                              code="claim_no_evidence")
        if basis == ClaimRequest.Basis.COUNTY and not note:
            raise DomainError("请写明核实的部门、人员和方式。", field="note")
        applicant = Applicant.objects.select_for_update().get(pk=claim.applicant_id)
        if ApplicantMember.objects.filter(applicant=applicant).exists():
            raise DomainError("该记录已有账户持有，不能再认领；如需加入，请由该单位已有账户添加同事。", code="claim_held")
        before = _apply_facts(applicant, claim, actor=actor)
        ApplicantMember.objects.create(applicant=applicant, user=claim.user)
        for application in applicant.applications.all():
            permissions.grant_applicant_access(application, [claim.user])
        now = clock.now()
        claim.state, claim.basis, claim.reason, claim.decided_by, claim.decided_at = (
            ClaimRequest.State.APPROVED, basis, note, actor, now)
        claim.save(update_fields=["state", "basis", "reason", "decided_by", "decided_at"])
        others = list(ClaimRequest.objects.select_for_update().filter(applicant=applicant, state=PENDING).exclude(pk=claim.pk))
        for other in others:
            other.state, other.reason, other.decided_by, other.decided_at = ClaimRequest.State.REFUSED, SUPERSEDED, actor, now
            other.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        log_action("applicant.claim_approve", actor=actor, obj=applicant, role="office", jurisdiction_code=applicant.county.code,
                   data={"claim": claim.pk, "user": claim.user.get_username(), "basis": basis, "note": note,
                         "before": before, "refused_others": [o.pk for o in others]})
    return claim


def claim_refuse(*, claim: ClaimRequest, actor, reason: str) -> ClaimRequest:
    """The office could not verify the registrant (or knows it is not the organisation): refused with the
    reason the registrant reads. The record and its history stay as they were."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写不予通过的理由（申请人可见）。", field="reason")
    with transaction.atomic():
        claim = _locked(claim)
        _require_office(actor, claim)
        _require_pending(claim)
        claim.state, claim.reason, claim.decided_by, claim.decided_at = ClaimRequest.State.REFUSED, reason, actor, clock.now()
        claim.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        log_action("applicant.claim_refuse", actor=actor, obj=claim.applicant, role="office",
                   jurisdiction_code=claim.applicant.county.code,
                   data={"claim": claim.pk, "user": claim.user.get_username(), "reason": reason})
    return claim


FACT_FIELDS = ("county", "legal_form", "registration_date", "address", "industry", "phone", "parent", "employer",
               "quality_work_years")


def _apply_facts(applicant: Applicant, claim: ClaimRequest, *, actor) -> dict:
    """What the registrant entered replaces the imported facts; returns what they were."""
    facts = claim.facts or {}
    before = {"name": applicant.name}
    changed = []
    for key in FACT_FIELDS:
        if key not in facts:
            continue
        value = facts[key]
        if key == "county":
            value = Jurisdiction.objects.get(pk=value)
        elif key == "parent":
            value = Applicant.objects.get(pk=value)
        elif key == "registration_date":
            value = dt.date.fromisoformat(value)
        before[key] = str(getattr(applicant, key) or "")
        setattr(applicant, key, value)
        changed.append(key)
    if changed:
        applicant.save(update_fields=changed)
    _applicant_rename(applicant, name=facts.get("name", ""), actor=actor, role="office", why=f"认领申请 {claim.pk} 经核实通过")
    return before
