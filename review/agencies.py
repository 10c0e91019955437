"""Writes for third-party review agencies (二连浩特 第十七条、第十八条; 瀍河 第九条): the office registers an
agency, signs the contract under which it runs one cycle's review, adds its staff and may end the contract
early. Whether an award uses agencies at all, and whether they are procured, is its ruleset's
`review_agency` (read through Rules). Whom an agency's staff may serve is asked in review.permissions."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from awards.models import Cycle
from awards.permissions import office_of
from core.audit import log_action
from core.errors import DomainError, NotPermitted
from jurisdictions.models import Body, BodyKind, Jurisdiction, Membership, Role
from jurisdictions.rules import Rules
from jurisdictions.selectors import memberships

from .models import AgencyContract


def _require_office(actor, award, what: str) -> None:
    if not office_of(actor, award):
        raise NotPermitted(f"只有{award.name}办公室可以{what}。")


@transaction.atomic
def agency_register(*, jurisdiction: Jurisdiction, actor, name: str) -> Body:
    if not memberships(actor, Role.OFFICE).filter(body__jurisdiction=jurisdiction).exists():
        raise NotPermitted("只有本辖区的质量奖办公室可以登记评审机构。")
    if not name.strip():
        raise DomainError("请填写评审机构名称。", field="name")
    body, created = Body.objects.get_or_create(jurisdiction=jurisdiction, kind=BodyKind.REVIEW_AGENCY, name=name.strip())
    if not created:
        raise DomainError("该评审机构已登记。", field="name")
    log_action("agency.register", actor=actor, obj=body, role="office", jurisdiction_code=jurisdiction.code)
    return body


@transaction.atomic
def agency_contract_sign(*, cycle: Cycle, agency: Body, actor, procurement_document: str, signed_on: dt.date,
                         starts_on: dt.date, ends_on: dt.date) -> AgencyContract:
    """The ruleset says whether the award uses agencies and whether they are chosen by government procurement
    (二连浩特 第十七条); 瀍河 第九条 lets the office entrust a third party without it."""
    award = cycle.award
    _require_office(actor, award, "委托评审机构")
    rule = Rules(cycle.ruleset.data).review_agency
    if not rule:
        raise DomainError(f"{award.name}的管理办法未规定委托第三方评审机构。", code="no_review_agency")
    if agency.kind != BodyKind.REVIEW_AGENCY or agency.jurisdiction_id != award.jurisdiction_id:
        raise DomainError("请选择本辖区已登记的第三方评审机构。", field="agency")
    if rule.get("procurement") and not procurement_document.strip():
        basis = f"（{rule['article']}）" if rule.get("article") else ""
        raise DomainError(f"评审机构采用政府采购方式选定{basis}，请填写政府采购文件编号。", field="procurement_document",
                          article=rule.get("article"))
    if ends_on < starts_on:
        raise DomainError("服务结束日期不能早于开始日期。", field="ends_on")
    if signed_on > starts_on:
        raise DomainError("签订日期不能晚于服务开始日期。", field="signed_on")
    contract = AgencyContract.objects.create(award=award, cycle=cycle, agency=agency, procurement_document=procurement_document.strip(),
                                             signed_on=signed_on, starts_on=starts_on, ends_on=ends_on, created_by=actor)
    log_action("agency.contract", actor=actor, obj=contract, role="office", jurisdiction_code=award.jurisdiction.code,
               data={"cycle": cycle.pk, "agency": agency.pk, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    return contract


@transaction.atomic
def agency_contract_terminate(*, contract: AgencyContract, actor, on: dt.date) -> AgencyContract:
    _require_office(actor, contract.award, "终止委托")
    if on < contract.starts_on:
        raise DomainError("终止日期不能早于服务开始日期。", field="on")
    contract.terminated_on = on
    contract.save(update_fields=["terminated_on"])
    log_action("agency.terminate", actor=actor, obj=contract, role="office", jurisdiction_code=contract.award.jurisdiction.code,
               data={"on": on.isoformat()})
    return contract


@transaction.atomic
def agency_staff_add(*, agency: Body, actor, user) -> Membership:
    if agency.kind != BodyKind.REVIEW_AGENCY:
        raise DomainError("只能为第三方评审机构添加工作人员。", field="agency")
    if not memberships(actor, Role.OFFICE).filter(body__jurisdiction_id=agency.jurisdiction_id).exists():
        raise NotPermitted("只有本辖区的质量奖办公室可以添加评审机构工作人员。")
    membership, _ = Membership.objects.update_or_create(user=user, body=agency, role=Role.AGENCY, defaults={"active": True})
    log_action("agency.staff_add", actor=actor, obj=agency, role="office", jurisdiction_code=agency.jurisdiction.code,
               data={"user": user.get_username()})
    return membership
