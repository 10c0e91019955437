"""Writes for encouraged applicants (鼓励申报): the kinds an award's ruleset lists (its `encouraged`, each with
its own article), chosen on an application and backed by evidence. A filter for the office, never a score."""
from __future__ import annotations

from django.db import transaction

from core.audit import log_action
from core.errors import DomainError, NotPermitted
from jurisdictions.rules import Rules

from .models import Application, EncouragedEvidence, Status
from .permissions import is_applicant_member
from .services import _discard_stored_file, _validate_upload, application_update


def _encouraged_rules(application: Application) -> dict[str, dict]:
    return {e["code"]: e for e in Rules(application.cycle.ruleset.data).encouraged}


@transaction.atomic
def encouraged_choose(*, application: Application, actor, codes: list[str]) -> Application:
    """The applicant ticks the encouraged kinds the ruleset lists; stored on Application.encouraged."""
    allowed = _encouraged_rules(application)
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise DomainError(f"本奖项的管理办法未列出这些鼓励申报类型：{'、'.join(unknown)}。", field="encouraged")
    return application_update(application=application, actor=actor, encouraged=list(dict.fromkeys(codes)))


@transaction.atomic
def encouraged_evidence_add(*, application: Application, actor, code: str, note: str, uploaded_file=None) -> EncouragedEvidence:
    """Evidence for one encouraged kind (e.g. a 专精特新 certificate); the kind is ticked with it. The stored file
    is deleted again when any write fails (as awards.services.material_add does)."""
    if not is_applicant_member(actor, application.applicant):
        raise NotPermitted("只能为本单位/本人的申报上传证明。")
    allowed = _encouraged_rules(application)
    if code not in allowed:
        raise DomainError("本奖项的管理办法未列出该鼓励申报类型。", field="code")
    if application.status not in (Status.DRAFT, Status.RETURNED):
        raise DomainError("申报提交后材料即冻结，不能再添加证明。", code="frozen")
    if not note.strip():
        raise DomainError("请说明属于该类型的依据（如认定文件文号）。", field="note")
    if uploaded_file is not None:
        _validate_upload(uploaded_file)
    evidence = EncouragedEvidence(application=application, code=code, note=note.strip(), file=uploaded_file or "",
                                  original_name=getattr(uploaded_file, "name", "") or "", added_by=actor)
    try:
        evidence.save(force_insert=True)  # writes the file to storage, then the row
        if code not in application.encouraged:
            application.encouraged = [*application.encouraged, code]
            application.save(update_fields=["encouraged"])
        log_action("application.encouraged_evidence", actor=actor, obj=application, role="applicant",
                   jurisdiction_code=application.cycle.award.jurisdiction.code, data={"code": code, "article": allowed[code].get("article")})
    except BaseException:
        _discard_stored_file(evidence.file)
        raise
    return evidence
