"""Prize money (二连浩特 第二十三、二十四、二十八条; 瀍河 第二十、二十二、二十八条): payments, spending reports limited
to the ruleset's uses, and recovery after revocation until repaid."""
import datetime as dt
from decimal import Decimal

import pytest

from awards import prizes, selectors, services
from awards.models import Grant
from awards.simulation import simulate_cycle
from core.errors import DomainError, NotPermitted
from core.models import AuditEntry

from .helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def chanhe_grant():
    simulate_cycle("chanhe-head", applicants=6, seed=4)
    grant = Grant.objects.filter(award__slug="chanhe-head").order_by("serial").first()
    office = grant.award.office.memberships.filter(role="office").first().user
    member = grant.applicant.members.first().user
    return grant, office, member


def test_payments_add_up_to_the_prize_and_no_more(chanhe_grant):
    grant, office, member = chanhe_grant
    assert grant.prize_amount == Decimal("100000.00")  # 瀍河 第二十条: 每家奖励10万元
    prizes.prize_payment_record(grant=grant, actor=office, amount="60000", paid_on=grant.awarded_on, document="瀍财〔2025〕8号")
    prizes.prize_payment_record(grant=grant, actor=office, amount="40000.00", paid_on=grant.awarded_on, document="瀍财〔2025〕9号")
    assert selectors.prize_paid(grant) == Decimal("100000.00")
    with pytest.raises(DomainError, match="累计拨付 100000.01 元将超过奖金 100000.00 元"):
        prizes.prize_payment_record(grant=grant, actor=office, amount="0.01", paid_on=grant.awarded_on, document="x")
    with pytest.raises(NotPermitted):
        prizes.prize_payment_record(grant=grant, actor=member, amount="1", paid_on=grant.awarded_on, document="x")


def test_spending_report_only_on_the_rulesets_uses(chanhe_grant):
    grant, office, member = chanhe_grant
    with pytest.raises(DomainError) as exc:
        prizes.spending_report_submit(grant=grant, actor=member, year=grant.year, text="说明",
                                         items=[{"use": "人员培训", "amount": "20000"}, {"use": "购买办公用车", "amount": "80000"}])
    assert exc.value.message == ("“购买办公用车”不属于奖金的规定用途（第二十二条：奖金主要用于质量持续改进、质量攻关、人员培训、"
                                 "质量检验机构和实验室建设，不得挪作他用）。")
    report = prizes.spending_report_submit(grant=grant, actor=member, year=grant.year, text="年度使用情况",
                                              items=[{"use": "人员培训", "amount": "20000"}, {"use": "质量攻关", "amount": "30000.5"}])
    assert report.items == [{"use": "人员培训", "amount": "20000.00"}, {"use": "质量攻关", "amount": "30000.50"}]
    with pytest.raises(NotPermitted):
        prizes.spending_report_review(report=report, actor=member, result="accepted")
    prizes.spending_report_review(report=report, actor=office, result="accepted", note="")
    report.refresh_from_db()
    assert (report.review_result, report.reviewed_by) == ("accepted", office)
    with pytest.raises(DomainError, match="年度奖金使用报告已提交"):
        prizes.spending_report_submit(grant=grant, actor=member, year=grant.year, text="x", items=[{"use": "人员培训", "amount": "1"}])


def test_recovery_after_revocation_until_repaid(chanhe_grant):
    grant, office, member = chanhe_grant
    assert selectors.recovery_outstanding(grant) == Decimal("0.00")
    with at(grant.awarded_on + dt.timedelta(days=30)):
        services.revoke(grant=grant, actor=office, reason="fraud", text="经查提供虚假材料", occurred_on=grant.awarded_on,
                        evidence_ref="瀍河区市场监管局调查报告")
    grant.refresh_from_db()
    assert selectors.recovery_outstanding(grant) == Decimal("100000.00")  # 瀍河 第二十八条: 收回奖金
    prizes.recovery_payment_record(grant=grant, actor=office, amount="30000", paid_on=grant.awarded_on + dt.timedelta(days=40))
    assert selectors.recovery_outstanding(grant) == Decimal("70000.00")
    with pytest.raises(DomainError, match="缴回金额 70000.01 元超过尚欠 70000.00 元"):
        prizes.recovery_payment_record(grant=grant, actor=office, amount="70000.01", paid_on=grant.awarded_on + dt.timedelta(days=41))
    prizes.recovery_payment_record(grant=grant, actor=office, amount="70000", paid_on=grant.awarded_on + dt.timedelta(days=50))
    grant.refresh_from_db()
    assert (selectors.recovery_outstanding(grant), grant.prize_recovered_on) == (Decimal("0.00"), grant.awarded_on + dt.timedelta(days=50))
    with pytest.raises(DomainError, match="没有待追缴的奖金"):
        prizes.recovery_payment_record(grant=grant, actor=office, amount="1", paid_on=grant.awarded_on + dt.timedelta(days=51))
    assert AuditEntry.objects.filter(action="prize.recovery").count() == 2
