"""Writes for the cultivation pool (培育库) and its trainings: organisations the award office guides and helps
before they apply (兴安盟 第十一、十二条; 内蒙古 第十二、十三条 describe it). Each write checks that the actor works
in the award's office and ends in its audit entry, in one transaction."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from core import clock
from core.audit import log_action
from core.errors import DomainError
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction

from .models import Applicant, PoolMember, PoolRoute, Training
from .permissions import require_office
from .validators import validate_credit_code


@transaction.atomic
def pool_member_add(*, award: Award, actor, name: str, credit_code: str, county: Jurisdiction, joined_on: dt.date,
                    route: str, recommended_by_body: Body | None = None, recommended_by_person: str = "",
                    notes: str = "") -> PoolMember:
    """The office takes a unit into the pool; it joins by itself or on the recommendation of a county (its
    government or market regulation) or of an industry department within the award's jurisdiction."""
    require_office(actor, award, "管理培育库")
    code = validate_credit_code(credit_code)
    if not name.strip():
        raise DomainError("请填写单位名称。", field="name")
    if route not in PoolRoute.values:
        raise DomainError("请选择入库方式。", field="route")
    if route != PoolRoute.SELF and recommended_by_body is None:
        raise DomainError("推荐入库的，请填写推荐单位。", field="recommended_by_body")
    if recommended_by_body is not None and not recommended_by_body.jurisdiction.is_within(award.jurisdiction):
        raise DomainError(f"推荐单位应在{award.jurisdiction.name}行政区域内。", field="recommended_by_body")
    if route == PoolRoute.COUNTY and recommended_by_body and recommended_by_body.kind not in (
            BodyKind.MARKET_REGULATION, BodyKind.GOVERNMENT):
        raise DomainError("旗县（市、区）推荐的，推荐单位应为旗县（市、区）人民政府或其市场监管部门。", field="recommended_by_body")
    if route == PoolRoute.DEPARTMENT and recommended_by_body and recommended_by_body.kind != BodyKind.INDUSTRY_DEPARTMENT:
        raise DomainError("部门推荐的，推荐单位应为行业主管部门。", field="recommended_by_body")
    if not county.is_within(award.jurisdiction):
        raise DomainError(f"{county.name}不在{award.jurisdiction.name}行政区域内。", field="county")
    if joined_on > clock.today():
        raise DomainError("入库日期不能晚于今天。", field="joined_on")
    if PoolMember.objects.filter(award=award, credit_code=code).exists():
        raise DomainError("该单位已在本奖项培育库中。", field="credit_code")
    member = PoolMember.objects.create(
        award=award, applicant=Applicant.objects.filter(credit_code=code).first(), name=name.strip(), credit_code=code,
        county=county, joined_on=joined_on, route=route, recommended_by_body=recommended_by_body,
        recommended_by_person=recommended_by_person.strip(), notes=notes, created_by=actor)
    log_action("pool.add", actor=actor, obj=member, role="office", jurisdiction_code=award.jurisdiction.code,
               data={"route": route, "county": county.code})
    return member


@transaction.atomic
def pool_member_update(*, member: PoolMember, actor, notes: str | None = None, left_on: dt.date | None = None) -> PoolMember:
    require_office(actor, member.award, "管理培育库")
    fields = []
    if notes is not None:
        member.notes = notes
        fields.append("notes")
    if left_on is not None:
        if left_on < member.joined_on:
            raise DomainError("出库日期不能早于入库日期。", field="left_on")
        member.left_on = left_on
        fields.append("left_on")
    if fields:
        member.save(update_fields=fields)
        log_action("pool.update", actor=actor, obj=member, role="office", jurisdiction_code=member.award.jurisdiction.code,
                   data={"fields": fields})
    return member


@transaction.atomic
def training_record(*, award: Award, actor, date: dt.date, topic: str, trainer: str, attendees) -> Training:
    """A training for pool members of this award; it is recorded free of charge (内蒙古 第十三条: 免费接受卓越绩效管理培训)."""
    require_office(actor, award, "组织培育培训")
    if not topic.strip():
        raise DomainError("请填写培训主题。", field="topic")
    if not trainer.strip():
        raise DomainError("请填写授课人或授课单位。", field="trainer")
    attendees = list(attendees)
    strangers = [m.name for m in attendees if m.award_id != award.pk]
    if strangers:
        raise DomainError(f"以下单位不在本奖项培育库中：{'、'.join(strangers)}。", field="attendees")
    training = Training.objects.create(award=award, date=date, topic=topic.strip(), trainer=trainer.strip(), free=True,
                                       created_by=actor)
    training.attendees.set(attendees)
    log_action("pool.training", actor=actor, obj=training, role="office", jurisdiction_code=award.jurisdiction.code,
               data={"attendees": [m.pk for m in attendees], "date": date.isoformat()})
    return training
