"""Review agencies (二连浩特 第十七、十八条; 瀍河 第九条): contracted per cycle; staff access ends with the contract."""
import datetime as dt

import pytest

from awards import programme, programme_selectors as sel
from awards.programme_models import ReviewAgency
from core.errors import DomainError, NotPermitted
from core.models import AuditEntry
from tests.awards.factories import open_cycle

from .helpers import at

pytestmark = pytest.mark.django_db


def test_agency_staff_see_only_cycles_under_a_live_contract_and_lose_them_after_ends_on(make_user):
    cycle, office = open_cycle("erenhot-mayor")
    with at(dt.date(2025, 9, 2)):
        agency = programme.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="内蒙古卓越质量评价中心")
        with pytest.raises(DomainError, match="政府采购方式选定（第十七条、第十八条）"):
            programme.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="", signed_on=dt.date(2025, 9, 2),
                                           starts_on=dt.date(2025, 10, 8), ends_on=dt.date(2025, 12, 31))
        contract = programme.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="二采〔2025〕17号",
                                                  signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 10, 8), ends_on=dt.date(2025, 12, 31))
        staff = make_user("agency-staff")
        programme.agency_staff_add(agency=agency, actor=office, user=staff)
    assert list(ReviewAgency.objects.all()) == [agency]
    assert list(sel.agency_cycles(staff, on=dt.date(2025, 10, 7))) == []
    assert list(sel.agency_cycles(staff, on=dt.date(2025, 10, 8))) == [cycle]
    assert list(sel.agency_cycles(staff, on=dt.date(2025, 12, 31))) == [cycle]
    assert list(sel.agency_cycles(staff, on=dt.date(2026, 1, 1))) == []  # access ends with the contract
    assert sel.agency_may_manage(staff, cycle, on=dt.date(2025, 11, 1)) is True
    assert sel.agency_may_manage(staff, cycle, on=dt.date(2026, 1, 1)) is False
    with at(dt.date(2025, 11, 1)):
        programme.agency_contract_terminate(contract=contract, actor=office, on=dt.date(2025, 11, 15))
    assert sel.agency_may_manage(staff, cycle, on=dt.date(2025, 11, 16)) is False
    assert list(AuditEntry.objects.filter(action__startswith="agency.").values_list("action", flat=True).order_by("id")) == [
        "agency.register", "agency.contract", "agency.staff_add", "agency.terminate"]
    assert (contract.award, contract.cycle) == (cycle.award, cycle)


def test_staff_of_another_agency_or_a_plain_user_see_nothing(make_user):
    cycle, office = open_cycle("chanhe-head")
    with at(dt.date(2025, 9, 2)):
        agency = programme.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="河南质量评价所")
        programme.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="", signed_on=dt.date(2025, 9, 2),
                                       starts_on=dt.date(2025, 9, 2), ends_on=dt.date(2025, 12, 31))  # 瀍河 第九条: no procurement rule
        other = programme.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="另一评审机构")
        other_staff = make_user("other-agency")
        programme.agency_staff_add(agency=other, actor=office, user=other_staff)
    assert list(sel.agency_cycles(other_staff, on=dt.date(2025, 10, 1))) == []
    assert list(sel.agency_cycles(make_user("plain"), on=dt.date(2025, 10, 1))) == []


def test_only_the_office_contracts_and_only_awards_whose_rules_provide_agencies(make_user):
    cycle, office = open_cycle("erenhot-mayor")
    stranger = make_user("stranger-office", role="office", body=open_cycle("chanhe-head")[0].award.office)
    with at(dt.date(2025, 9, 2)):
        agency = programme.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="评审中心")
        with pytest.raises(NotPermitted):
            programme.agency_contract_sign(cycle=cycle, agency=agency, actor=stranger, procurement_document="x",
                                           signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 9, 3), ends_on=dt.date(2025, 9, 30))
        tacheng, tc_office = open_cycle("tacheng-prefecture")
        tc_agency = programme.agency_register(jurisdiction=tacheng.award.jurisdiction, actor=tc_office, name="塔城评审中心")
        with pytest.raises(DomainError, match="未规定委托第三方评审机构"):
            programme.agency_contract_sign(cycle=tacheng, agency=tc_agency, actor=tc_office, procurement_document="x",
                                           signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 9, 3), ends_on=dt.date(2025, 9, 30))
