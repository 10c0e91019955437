"""Writes for prize money: payments of the prize a grant carries (its ruleset's `prize`), the winner's yearly
spending reports limited to the ruleset's permitted uses (`prize.spending`, read through Rules.prize_spending),
the office's review of them, and repayment after a revocation that recovers the prize. Each write checks who
may make it and ends in its audit entry, in one transaction; amounts are Decimal yuan with two places."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from core import clock
from core.audit import log_action
from core.errors import DomainError, NotPermitted

from .models import Grant, PrizePayment, RecoveryPayment, SpendingReport
from .permissions import is_applicant_member, require_office
from .selectors import prize_paid, recovery_outstanding, spending_uses


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise DomainError("金额应为数字（元）。", field=field) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError("金额应大于0，最多两位小数。", field=field)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def prize_payment_record(*, grant: Grant, actor, amount, paid_on: dt.date, document: str) -> PrizePayment:
    """The prize the grant carries (e.g. 二连浩特 第二十三条 20万元, 瀍河 第二十条 10万元), paid in one or more parts,
    never more than the prize."""
    require_office(actor, grant.award, "登记奖金拨付")
    amount = _money(amount, "amount")
    if not grant.prize_amount:
        raise DomainError("该获奖记录没有奖金。", field="amount")
    if grant.revoked_on:
        raise DomainError("奖励已撤销，不能再拨付奖金。")
    if not document.strip():
        raise DomainError("请填写拨付文件。", field="document")
    if paid_on > clock.today():
        raise DomainError("拨付日期不能晚于今天。", field="paid_on")
    Grant.objects.select_for_update().get(pk=grant.pk)  # serialise payments of one grant
    already = prize_paid(grant)
    if already + amount > grant.prize_amount:
        raise DomainError(f"累计拨付 {already + amount} 元将超过奖金 {grant.prize_amount} 元。", field="amount")
    payment = PrizePayment.objects.create(grant=grant, amount=amount, paid_on=paid_on, document=document.strip(), recorded_by=actor)
    log_action("prize.pay", actor=actor, obj=grant, role="office", jurisdiction_code=grant.award.jurisdiction.code,
               data={"amount": str(amount), "paid_on": paid_on.isoformat(), "document": document})
    return payment


@transaction.atomic
def spending_report_submit(*, grant: Grant, actor, year: int, items: list[dict], text: str) -> SpendingReport:
    """The winner reports a year's spending; every item must be one of the uses the award's ruleset permits
    (e.g. 二连浩特 第二十四条, 瀍河 第二十二条: 不得挪作他用), cited with that ruleset's own article."""
    if not is_applicant_member(actor, grant.applicant):
        raise NotPermitted("只能为本单位提交奖金使用报告。")
    uses, article = spending_uses(grant)
    if not uses:
        raise DomainError("本奖项的管理办法未规定奖金用途，无需提交奖金使用报告。")
    if year < grant.year or year > clock.today().year:
        raise DomainError(f"报告年度应在 {grant.year}–{clock.today().year} 年之间。", field="year")
    clean = []
    basis = f"{article}：" if article else ""
    for item in items:
        use = (item.get("use") or "").strip()
        if not use and not str(item.get("amount") or "").strip():
            continue
        if use not in uses:
            raise DomainError(f"“{use}”不属于奖金的规定用途（{basis}奖金主要用于{'、'.join(uses)}，不得挪作他用）。",
                              field="items", article=article)
        clean.append({"use": use, "amount": str(_money(item.get("amount"), "items"))})
    if not clean:
        raise DomainError("请至少填写一项支出。", field="items")
    total = sum(Decimal(i["amount"]) for i in clean)
    if grant.prize_amount and total > grant.prize_amount:
        raise DomainError(f"支出合计 {total} 元超过奖金 {grant.prize_amount} 元。", field="items")
    if not text.strip():
        raise DomainError("请填写使用情况说明。", field="text")
    if SpendingReport.objects.filter(grant=grant, year=year).exists():
        raise DomainError(f"{year} 年度奖金使用报告已提交。", field="year")
    report = SpendingReport.objects.create(grant=grant, year=year, items=clean, text=text.strip(), submitted_by=actor,
                                           submitted_at=clock.now())
    log_action("prize.spending_report", actor=actor, obj=grant, role="applicant", jurisdiction_code=grant.award.jurisdiction.code,
               data={"year": year, "total": str(total)})
    return report


@transaction.atomic
def spending_report_review(*, report: SpendingReport, actor, result: str, note: str = "") -> SpendingReport:
    """The office evaluates how the money was used; a report found not compliant says why."""
    require_office(actor, report.grant.award, "审核奖金使用报告")
    if result not in (SpendingReport.Result.ACCEPTED, SpendingReport.Result.REJECTED):
        raise DomainError("请选择审核结论。", field="result")
    if result == SpendingReport.Result.REJECTED and not note.strip():
        raise DomainError("不合规的，请写明审核意见。", field="note")
    report.review_result, report.review_note, report.reviewed_by, report.reviewed_at = result, note.strip(), actor, clock.now()
    report.save(update_fields=["review_result", "review_note", "reviewed_by", "reviewed_at"])
    log_action("prize.spending_review", actor=actor, obj=report.grant, role="office",
               jurisdiction_code=report.grant.award.jurisdiction.code, data={"year": report.year, "result": result})
    return report


@transaction.atomic
def recovery_payment_record(*, grant: Grant, actor, amount, paid_on: dt.date, note: str = "") -> RecoveryPayment:
    """Repayment of a prize the revocation recovers (e.g. 二连浩特 第二十八条 追缴奖金, 瀍河 第二十八条 收回奖金),
    tracked until the whole prize is back; the last payment marks the grant recovered."""
    require_office(actor, grant.award, "登记追缴奖金")
    amount = _money(amount, "amount")
    if paid_on > clock.today():
        raise DomainError("缴回日期不能晚于今天。", field="paid_on")
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
