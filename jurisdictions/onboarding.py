"""Onboarding a new award: a platform superuser makes someone the administrator of a jurisdiction; that
administrator sets up an award for the jurisdiction (or a county under it) from a copy of another award's
ruleset, and becomes its first office staff so they can edit the rules and open the first cycle (the cycle
itself is opened by awards). No code is written for a new award: it is data."""
from __future__ import annotations

import copy
import datetime as dt

from django.db import transaction
from django.utils.text import slugify

from core.audit import log_action
from core.errors import DomainError, NotPermitted

from .models import Award, Body, BodyKind, Jurisdiction, Level, Membership, Role
from .selectors import admin_jurisdictions, ruleset_current, ruleset_in_force
from .services import jurisdiction_add, ruleset_save_new_version


@transaction.atomic
def jurisdiction_admin_grant(*, actor, user, body: Body) -> Membership:
    if not (actor and actor.is_authenticated and actor.is_superuser):
        raise NotPermitted("只有平台超级管理员可以指定辖区管理员。")
    membership, _ = Membership.objects.update_or_create(user=user, body=body, role=Role.ADMIN, defaults={"active": True})
    log_action("jurisdiction.admin_grant", actor=actor, obj=body, role="superuser", jurisdiction_code=body.jurisdiction.code,
               data={"user": user.get_username()})
    return membership


@transaction.atomic
def award_onboard(*, actor, parent: Jurisdiction, code: str, jurisdiction_name: str, award_name: str, slug: str,
                  template: Award, document_number: str, issued: dt.date | None, effective_from: dt.date,
                  office_name: str, committee_name: str) -> Award:
    """The award's ruleset is version 1, a copy of the template's version in force (or its latest) with the new
    award's name, jurisdiction, bodies and founding document; it records which template and version it came from."""
    if parent not in admin_jurisdictions(actor):
        raise NotPermitted("您不是该辖区的管理员。")
    code = (code or "").strip()
    if code == parent.code:
        target = parent
    else:
        target = Jurisdiction.objects.filter(code=code).first()
        if target is not None and target.parent_id != parent.pk:
            raise DomainError(f"{target}不在{parent.name}之下。", field="code")
    if not award_name.strip():
        raise DomainError("请填写奖项名称。", field="award_name")
    slug = slugify(slug or "")
    if not slug:
        raise DomainError("请填写奖项代码（小写字母、数字和连字符）。", field="slug")
    if Award.objects.filter(slug=slug).exists():
        raise DomainError(f"奖项代码 {slug} 已被使用。", field="slug")
    if not document_number.strip():
        raise DomainError("请填写设立本奖项的文件文号。", field="document_number")
    source = ruleset_in_force(template) or ruleset_current(template)
    if source is None:
        raise DomainError("所选模板奖项没有规则。", field="template")
    if code != parent.code and target is None:
        if not jurisdiction_name.strip():
            raise DomainError("新增行政区划须填写名称。", field="jurisdiction_name")
        target = jurisdiction_add(code=code, name=jurisdiction_name.strip(), parent=parent, actor=actor)
    if target.awards.filter(name=award_name.strip()).exists():
        raise DomainError(f"{target.name}已设立{award_name}。", field="award_name")
    office_name = office_name.strip() or f"{target.name}质量奖办公室"
    committee_name = committee_name.strip() or f"{target.name}质量奖评审委员会"
    office, _ = Body.objects.get_or_create(jurisdiction=target, kind=BodyKind.AWARD_OFFICE, name=office_name)
    committee, _ = Body.objects.get_or_create(jurisdiction=target, kind=BodyKind.COMMITTEE, name=committee_name)
    award = Award.objects.create(jurisdiction=target, slug=slug, name=award_name.strip(), office=office, committee=committee)
    data = copy.deepcopy(source.data)
    data["award"] = {"slug": slug, "name": award.name, "jurisdiction": target.code, "office": office_name,
                     "committee": committee_name, "article": data.get("award", {}).get("article", "")}
    data["document"] = {"number": document_number.strip(), "title": f"{award.name}管理办法",
                        "issuer": f"{target.name}人民政府", "issued": issued.isoformat() if issued else None,
                        "effective_from": effective_from.isoformat(), "effective_until": None, "replaces": None,
                        "article": (data.get("document") or {}).get("article")}
    data["template"] = {"award": template.slug, "version": source.version}
    data.pop("source_file", None)
    # The note names the template only: no article of another award's regulation is cited for this one.
    ruleset_save_new_version(award=award, data=data, actor=actor, note=f"以{template.name}第{source.version}版为模板设立")
    Membership.objects.get_or_create(user=actor, body=office, role=Role.OFFICE)
    log_action("award.onboard", actor=actor, obj=award, role="admin", jurisdiction_code=target.code,
               data={"template": template.slug, "template_version": source.version, "jurisdiction": target.code,
                     "new_jurisdiction": target.level == Level.COUNTY and target.parent_id == parent.pk})
    return award
