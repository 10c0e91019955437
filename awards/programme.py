"""Writes for what the regulations ask beyond a cycle: the cultivation pool, encouraged applicants, prize money and its recovery. Each write checks permission, then
logs the action (core.audit.log_action); errors are DomainError with a Chinese message and the article."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from core import clock
from core.audit import log_action
from core.errors import DomainError, NotPermitted
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from jurisdictions.rules import Rules
from jurisdictions.selectors import ruleset_current

from . import permissions
from .models import (Application, EncouragedEvidence, Grant, PoolMember, PoolRoute, PrizePayment, RecoveryPayment,
                     SpendingReport, Status, Training)
from .validators import validate_credit_code


def _require_office(actor, award: Award, what: str) -> None:
    if not permissions.office_of(actor, award):
        raise NotPermitted(f"只有{award.name}办公室可以{what}。")


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise DomainError("金额应为数字（元）。", field=field) from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError("金额应大于0，最多两位小数。", field=field)
    return amount.quantize(Decimal("0.01"))


# ---- 培育库 ------------------------------------------------------------------------------------------------------
def pool_member_add(*, award: Award, actor, name: str, credit_code: str, county: Jurisdiction, joined_on: dt.date,
                    route: str, recommended_by_body: Body | None = None, recommended_by_person: str = "",
                    notes: str = "") -> PoolMember:
    """兴安盟 第十一、十二条 / 内蒙古 第十二、十三条: the office takes a unit into the pool; it joins by itself or on
    a county's or a department's recommendation."""
    from .models import Applicant

    _require_office(actor, award, "管理培育库")
    code = validate_credit_code(credit_code)
    if not name.strip():
        raise DomainError("请填写单位名称。", field="name")
    if route not in PoolRoute.values:
        raise DomainError("请选择入库方式。", field="route")
    if route != PoolRoute.SELF and recommended_by_body is None:
        raise DomainError("推荐入库的，请填写推荐单位。", field="recommended_by_body")
    if route == PoolRoute.COUNTY and recommended_by_body and recommended_by_body.kind not in (
            BodyKind.MARKET_REGULATION, BodyKind.GOVERNMENT):
        raise DomainError("旗县（市、区）推荐的，推荐单位应为旗县（市、区）人民政府或其市场监管部门。", field="recommended_by_body")
    if route == PoolRoute.DEPARTMENT and recommended_by_body and recommended_by_body.kind != BodyKind.INDUSTRY_DEPARTMENT:
        raise DomainError("部门推荐的，推荐单位应为行业主管部门。", field="recommended_by_body")
    if not county.is_within(award.jurisdiction):
        raise DomainError(f"{county.name}不在{award.jurisdiction.name}行政区域内。", field="county")
    if joined_on > clock.today():
        raise DomainError("入库日期不能晚于今天。", field="joined_on")
    with transaction.atomic():
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
    _require_office(actor, member.award, "管理培育库")
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


def training_record(*, award: Award, actor, date: dt.date, topic: str, trainer: str, attendees) -> Training:
    """内蒙古 第十三条: pool members receive the training free of charge; a training is never charged."""
    _require_office(actor, award, "组织培育培训")
    if not topic.strip():
        raise DomainError("请填写培训主题。", field="topic")
    if not trainer.strip():
        raise DomainError("请填写授课人或授课单位。", field="trainer")
    attendees = list(attendees)
    strangers = [m.name for m in attendees if m.award_id != award.pk]
    if strangers:
        raise DomainError(f"以下单位不在本奖项培育库中：{'、'.join(strangers)}。", field="attendees")
    with transaction.atomic():
        training = Training.objects.create(award=award, date=date, topic=topic.strip(), trainer=trainer.strip(), free=True,
                                           created_by=actor)
        training.attendees.set(attendees)
        log_action("pool.training", actor=actor, obj=training, role="office", jurisdiction_code=award.jurisdiction.code,
                   data={"attendees": [m.pk for m in attendees], "date": date.isoformat()})
    return training


# ---- 鼓励申报 ----------------------------------------------------------------------------------------------------
def _encouraged_rules(application: Application) -> dict[str, dict]:
    return {e["code"]: e for e in Rules(application.cycle.ruleset.data).encouraged}


def encouraged_choose(*, application: Application, actor, codes: list[str]) -> Application:
    """The applicant ticks the encouraged kinds the ruleset lists; stored on Application.encouraged."""
    from .services import application_update

    allowed = _encouraged_rules(application)
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise DomainError(f"本奖项的管理办法未列出这些鼓励申报类型：{'、'.join(unknown)}。", field="encouraged")
    return application_update(application=application, actor=actor, encouraged=list(dict.fromkeys(codes)))


def encouraged_evidence_add(*, application: Application, actor, code: str, note: str, uploaded_file=None) -> EncouragedEvidence:
    from .services import _discard_stored_file, _validate_upload

    if not permissions.is_applicant_member(actor, application.applicant):
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
        with transaction.atomic():
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


# ---- 奖金 --------------------------------------------------------------------------------------------------------
def grant_rules(grant: Grant) -> Rules | None:
    """The rules a grant lives under: its cycle's version, or for imported history the award's current one."""
    if grant.cycle_id:
        return Rules(grant.cycle.ruleset.data)
    ruleset = ruleset_current(grant.award)
    return Rules(ruleset.data) if ruleset else None


def prize_paid(grant: Grant) -> Decimal:
    return grant.prize_payments.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def prize_payment_record(*, grant: Grant, actor, amount, paid_on: dt.date, document: str) -> PrizePayment:
    """二连浩特 第二十三条 (20万元), 瀍河 第二十条 (10万元): the prize the ruleset gives, paid in one or more parts."""
    _require_office(actor, grant.award, "登记奖金拨付")
    amount = _money(amount, "amount")
    if not grant.prize_amount:
        raise DomainError("该获奖记录没有奖金。", field="amount")
    if grant.revoked_on:
        raise DomainError("奖励已撤销，不能再拨付奖金。")
    if not document.strip():
        raise DomainError("请填写拨付文件。", field="document")
    if paid_on > clock.today():
        raise DomainError("拨付日期不能晚于今天。", field="paid_on")
    with transaction.atomic():
        Grant.objects.select_for_update().get(pk=grant.pk)
        already = prize_paid(grant)
        if already + amount > grant.prize_amount:
            raise DomainError(f"累计拨付 {already + amount} 元将超过奖金 {grant.prize_amount} 元。", field="amount")
        payment = PrizePayment.objects.create(grant=grant, amount=amount, paid_on=paid_on, document=document.strip(), recorded_by=actor)
        log_action("prize.pay", actor=actor, obj=grant, role="office", jurisdiction_code=grant.award.jurisdiction.code,
                   data={"amount": str(amount), "paid_on": paid_on.isoformat(), "document": document})
    return payment


def spending_uses(grant: Grant) -> tuple[list[str], str | None]:
    rules = grant_rules(grant)
    spending = rules.prize_spending if rules else {}
    return list(spending.get("uses") or []), spending.get("article")


def spending_report_submit(*, grant: Grant, actor, year: int, items: list[dict], text: str) -> SpendingReport:
    """二连浩特 第二十四条 / 瀍河 第二十二条: the prize is spent on the listed uses only, 不得挪作他用."""
    if not permissions.is_applicant_member(actor, grant.applicant):
        raise NotPermitted("只能为本单位提交奖金使用报告。")
    uses, article = spending_uses(grant)
    if not uses:
        raise DomainError("本奖项的管理办法未规定奖金用途，无需提交奖金使用报告。")
    if year < grant.year or year > clock.today().year:
        raise DomainError(f"报告年度应在 {grant.year}–{clock.today().year} 年之间。", field="year")
    clean = []
    for item in items:
        use = (item.get("use") or "").strip()
        if not use and not str(item.get("amount") or "").strip():
            continue
        if use not in uses:
            raise DomainError(f"“{use}”不属于奖金的规定用途（{article}：奖金主要用于{'、'.join(uses)}，不得挪作他用）。",
                              field="items", article=article)
        clean.append({"use": use, "amount": str(_money(item.get("amount"), "items"))})
    if not clean:
        raise DomainError("请至少填写一项支出。", field="items")
    total = sum(Decimal(i["amount"]) for i in clean)
    if grant.prize_amount and total > grant.prize_amount:
        raise DomainError(f"支出合计 {total} 元超过奖金 {grant.prize_amount} 元。", field="items")
    if not text.strip():
        raise DomainError("请填写使用情况说明。", field="text")
    with transaction.atomic():
        if SpendingReport.objects.filter(grant=grant, year=year).exists():
            raise DomainError(f"{year} 年度奖金使用报告已提交。", field="year")
        report = SpendingReport.objects.create(grant=grant, year=year, items=clean, text=text.strip(), submitted_by=actor,
                                               submitted_at=clock.now())
        log_action("prize.spending_report", actor=actor, obj=grant, role="applicant", jurisdiction_code=grant.award.jurisdiction.code,
                   data={"year": year, "total": str(total)})
    return report


@transaction.atomic
def spending_report_review(*, report: SpendingReport, actor, result: str, note: str = "") -> SpendingReport:
    """二连浩特 第二十四条: the office evaluates how the money was used."""
    _require_office(actor, report.grant.award, "审核奖金使用报告")
    if result not in (SpendingReport.Result.ACCEPTED, SpendingReport.Result.REJECTED):
        raise DomainError("请选择审核结论。", field="result")
    if result == SpendingReport.Result.REJECTED and not note.strip():
        raise DomainError("不合规的，请写明审核意见。", field="note")
    report.review_result, report.review_note, report.reviewed_by, report.reviewed_at = result, note.strip(), actor, clock.now()
    report.save(update_fields=["review_result", "review_note", "reviewed_by", "reviewed_at"])
    log_action("prize.spending_review", actor=actor, obj=report.grant, role="office",
               jurisdiction_code=report.grant.award.jurisdiction.code, data={"year": report.year, "result": result})
    return report


def recovery_outstanding(grant: Grant) -> Decimal:
    """What is still owed after a revocation that recovers the prize; zero once repaid (or nothing to recover)."""
    if not grant.prize_to_recover:
        return Decimal("0.00")
    paid = grant.recovery_payments.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    return max(grant.prize_to_recover - paid, Decimal("0.00"))


def recovery_payment_record(*, grant: Grant, actor, amount, paid_on: dt.date, note: str = "") -> RecoveryPayment:
    """二连浩特 第二十八条 追缴奖金 / 瀍河 第二十八条 收回奖金: track repayment until the whole prize is back."""
    _require_office(actor, grant.award, "登记追缴奖金")
    amount = _money(amount, "amount")
    if paid_on > clock.today():
        raise DomainError("缴回日期不能晚于今天。", field="paid_on")
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        owed = recovery_outstanding(grant)
        if owed <= 0:
            raise DomainError("该获奖记录没有待追缴的奖金。", field="amount")
        if amount > owed:
            raise DomainError(f"缴回金额 {amount} 元超过尚欠 {owed} 元。", field="amount")
        payment = RecoveryPayment.objects.create(grant=grant, amount=amount, paid_on=paid_on, note=note.strip(), recorded_by=actor)
        if amount == owed:
            grant.prize_recovered_on = paid_on
            grant.save(update_fields=["prize_recovered_on"])
        log_action("prize.recovery", actor=actor, obj=grant, role="office", jurisdiction_code=grant.award.jurisdiction.code,
                   data={"amount": str(amount), "outstanding": str(owed - amount)})
    return payment
