"""Review agencies (二连浩特 第十七、十八条; 瀍河 第九条): contracted per cycle; staff access ends with the contract."""
import datetime as dt

import pytest

from jurisdictions.models import Award
from review import agencies, permissions
from review.models import AgencyContract, ReviewAgency
from core.errors import DomainError, NotPermitted
from core.models import AuditEntry
from tests.awards.factories import open_cycle

from .helpers import at

pytestmark = pytest.mark.django_db


def test_agency_staff_see_only_cycles_under_a_live_contract_and_lose_them_after_ends_on(make_user):
    cycle, office = open_cycle("erenhot-mayor")
    with at(dt.date(2025, 9, 2)):
        agency = agencies.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="内蒙古卓越质量评价中心")
        with pytest.raises(DomainError, match="政府采购方式选定（第十七条、第十八条）"):
            agencies.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="", signed_on=dt.date(2025, 9, 2),
                                           starts_on=dt.date(2025, 10, 8), ends_on=dt.date(2025, 12, 31))
        contract = agencies.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="二采〔2025〕17号",
                                                  signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 10, 8), ends_on=dt.date(2025, 12, 31))
        staff = make_user("agency-staff")
        agencies.agency_staff_add(agency=agency, actor=office, user=staff)
    assert list(ReviewAgency.objects.all()) == [agency]
    assert list(permissions.agency_cycles(staff, on=dt.date(2025, 10, 7))) == []
    assert list(permissions.agency_cycles(staff, on=dt.date(2025, 10, 8))) == [cycle]
    assert list(permissions.agency_cycles(staff, on=dt.date(2025, 12, 31))) == [cycle]
    assert list(permissions.agency_cycles(staff, on=dt.date(2026, 1, 1))) == []  # access ends with the contract
    assert permissions.agency_may_manage(staff, cycle, on=dt.date(2025, 11, 1)) is True
    assert permissions.agency_may_manage(staff, cycle, on=dt.date(2026, 1, 1)) is False
    with at(dt.date(2025, 11, 1)):
        agencies.agency_contract_terminate(contract=contract, actor=office, on=dt.date(2025, 11, 15))
    assert permissions.agency_may_manage(staff, cycle, on=dt.date(2025, 11, 16)) is False
    assert list(AuditEntry.objects.filter(action__startswith="agency.").values_list("action", flat=True).order_by("id")) == [
        "agency.register", "agency.contract", "agency.staff_add", "agency.terminate"]
    assert (contract.award, contract.cycle) == (cycle.award, cycle)


def test_staff_of_another_agency_or_a_plain_user_see_nothing(make_user):
    cycle, office = open_cycle("chanhe-head")
    with at(dt.date(2025, 9, 2)):
        agency = agencies.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="河南质量评价所")
        agencies.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="", signed_on=dt.date(2025, 9, 2),
                                       starts_on=dt.date(2025, 9, 2), ends_on=dt.date(2025, 12, 31))  # 瀍河 第九条: no procurement rule
        other = agencies.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="另一评审机构")
        other_staff = make_user("other-agency")
        agencies.agency_staff_add(agency=other, actor=office, user=other_staff)
    assert list(permissions.agency_cycles(other_staff, on=dt.date(2025, 10, 1))) == []
    assert list(permissions.agency_cycles(make_user("plain"), on=dt.date(2025, 10, 1))) == []


def test_only_the_office_contracts_and_only_awards_whose_rules_provide_agencies(make_user):
    cycle, office = open_cycle("erenhot-mayor")
    stranger = make_user("stranger-office", role="office", body=open_cycle("chanhe-head")[0].award.office)
    with at(dt.date(2025, 9, 2)):
        agency = agencies.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="评审中心")
        with pytest.raises(NotPermitted):
            agencies.agency_contract_sign(cycle=cycle, agency=agency, actor=stranger, procurement_document="x",
                                           signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 9, 3), ends_on=dt.date(2025, 9, 30))
        tacheng, tc_office = open_cycle("tacheng-prefecture")
        tc_agency = agencies.agency_register(jurisdiction=tacheng.award.jurisdiction, actor=tc_office, name="塔城评审中心")
        with pytest.raises(DomainError, match="未规定委托第三方评审机构"):
            agencies.agency_contract_sign(cycle=tacheng, agency=tc_agency, actor=tc_office, procurement_document="x",
                                           signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 9, 3), ends_on=dt.date(2025, 9, 30))


# ---- the page: forms, each choice scoped to the office's own tenant --------------------------------------------
@pytest.fixture
def two_tenants(make_user):
    """二连浩特 (its award provides procured agencies) with an agency and a contract; 瀍河 likewise, as the other tenant."""
    cycle, office = open_cycle("erenhot-mayor")
    other_cycle, other_office = open_cycle("chanhe-head")
    with at(dt.date(2025, 9, 2)):
        agency = agencies.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="内蒙古卓越质量评价中心")
        contract = agencies.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="二采〔2025〕17号",
                                                 signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 9, 2), ends_on=dt.date(2025, 12, 31))
        other_agency = agencies.agency_register(jurisdiction=other_cycle.award.jurisdiction, actor=other_office, name="河南质量评价所")
        other_contract = agencies.agency_contract_sign(cycle=other_cycle, agency=other_agency, actor=other_office, procurement_document="",
                                                       signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 9, 2),
                                                       ends_on=dt.date(2025, 12, 31))
    return {"cycle": cycle, "office": office, "agency": agency, "contract": contract, "other_cycle": other_cycle,
            "other_agency": other_agency, "other_contract": other_contract}


def _post(client, data):
    with at(dt.date(2025, 10, 1)):
        return client.post("/programme/agencies/", data)


def _errors(response, field_id):
    """The messages shown beside one field (jurisdictions/_field.html renders them as <ul id="…-errors">)."""
    import re

    html = response.content.decode()
    block = re.search(rf'<ul class="errorlist" id="{field_id}-errors">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


CONTRACT = {"action": "contract", "procurement_document": "二采〔2025〕18号", "signed_on": "2025-10-01", "starts_on": "2025-10-08",
            "ends_on": "2025-12-31"}


def test_a_contract_for_another_tenants_cycle_or_agency_is_a_form_error(client, two_tenants):
    t = two_tenants
    client.force_login(t["office"])
    r = _post(client, {**CONTRACT, "cycle": t["other_cycle"].pk, "agency": t["agency"].pk})
    assert r.status_code == 400
    assert _errors(r, "id_contract_cycle") == ["请从列表中选择届次（只能选择本办公室奖项的届次）。"]
    r = _post(client, {**CONTRACT, "cycle": t["cycle"].pk, "agency": t["other_agency"].pk})
    assert _errors(r, "id_contract_agency") == ["请从列表中选择评审机构（只能选择本辖区已登记的评审机构）。"]
    assert AgencyContract.objects.filter(procurement_document="二采〔2025〕18号").count() == 0
    # the service's rule beside its field, citing the award's own article
    r = _post(client, {**CONTRACT, "cycle": t["cycle"].pk, "agency": t["agency"].pk, "procurement_document": ""})
    assert _errors(r, "id_contract_procurement_document") == ["评审机构采用政府采购方式选定（第十七条、第十八条），请填写政府采购文件编号。"]
    r = _post(client, {**CONTRACT, "cycle": t["cycle"].pk, "agency": t["agency"].pk})
    assert r.status_code == 302 and AgencyContract.objects.filter(procurement_document="二采〔2025〕18号", cycle=t["cycle"]).exists()


def test_staff_for_another_tenants_agency_is_a_form_error(client, make_user, two_tenants):
    t = two_tenants
    person = make_user("would-be-agency-staff")
    client.force_login(t["office"])
    r = _post(client, {"action": "staff", "agency": t["other_agency"].pk, "username": person.username})
    assert r.status_code == 400
    assert _errors(r, "id_staff_agency") == ["请从列表中选择评审机构（只能选择本辖区已登记的评审机构）。"]
    r = _post(client, {"action": "staff", "agency": t["agency"].pk, "username": "no-such-user"})
    assert _errors(r, "id_staff_username") == ["没有该用户名的账户。"]
    assert not person.memberships.exists()
    assert _post(client, {"action": "staff", "agency": t["agency"].pk, "username": person.username}).status_code == 302
    assert list(person.memberships.values_list("body__name", "role")) == [("内蒙古卓越质量评价中心", "agency")]


def test_terminating_another_tenants_contract_is_refused_and_changes_nothing(client, two_tenants):
    t = two_tenants
    client.force_login(t["office"])
    r = _post(client, {"action": "terminate", "contract": t["other_contract"].pk, "on": "2025-10-01"})
    assert r.status_code == 400 and "请从列表中选择委托合同（只能选择本办公室奖项的委托合同）。" in r.content.decode()
    t["other_contract"].refresh_from_db()
    assert t["other_contract"].terminated_on is None
    r = _post(client, {"action": "terminate", "contract": t["contract"].pk, "on": "2025-09-01"})
    assert "终止日期不能早于服务开始日期。" in r.content.decode()  # beside the contract's row
    assert _post(client, {"action": "terminate", "contract": t["contract"].pk, "on": "2025-10-01"}).status_code == 302
    t["contract"].refresh_from_db()
    assert t["contract"].terminated_on == dt.date(2025, 10, 1)


def test_registering_an_agency_in_another_tenants_jurisdiction_is_a_form_error(client, two_tenants):
    t = two_tenants
    client.force_login(t["office"])
    r = _post(client, {"action": "register", "jurisdiction": t["other_cycle"].award.jurisdiction.pk, "name": "越界评审机构"})
    assert r.status_code == 400 and _errors(r, "id_register_jurisdiction") == ["只能在本办公室所在辖区登记评审机构。"]
    assert _post(client, {"action": "register", "name": ""}).status_code == 400
    assert _post(client, {"action": "register", "name": "二连浩特第二评审中心"}).status_code == 302
    assert list(ReviewAgency.objects.filter(name__in=["越界评审机构", "二连浩特第二评审中心"]).values_list("name", "jurisdiction__code")) == [
        ("二连浩特第二评审中心", t["cycle"].award.jurisdiction.code)]


def test_the_page_cites_each_awards_own_rule_and_an_agency_sees_its_cycles(client, make_user, two_tenants):
    t = two_tenants
    client.force_login(t["office"])
    with at(dt.date(2025, 10, 1)):
        page = client.get("/programme/agencies/").content.decode()
    assert "二连浩特市市长质量奖：可委托第三方评审机构，采用政府采购方式选定（第十七条、第十八条）。" in page
    assert "瀍河" not in page and "河南质量评价所" not in page
    tacheng_office = make_user("tc-agency-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office)
    client.force_login(tacheng_office)
    page = client.get("/programme/agencies/").content.decode()
    assert "塔城地区政府质量奖：管理办法未规定委托第三方评审机构。" in page and "第十七条" not in page
    staff = make_user("agency-page-staff")
    with at(dt.date(2025, 9, 2)):
        agencies.agency_staff_add(agency=t["agency"], actor=t["office"], user=staff)
    client.force_login(staff)
    with at(dt.date(2025, 10, 1)):
        assert str(t["cycle"]) in client.get("/programme/agencies/").content.decode()
        assert "当前委托中的届次 1 个" in client.get("/programme/").content.decode()
        assert _post(client, {**CONTRACT, "cycle": t["cycle"].pk, "agency": t["agency"].pk}).status_code == 404  # staff sign nothing
    with at(dt.date(2026, 1, 1)):
        assert "当前委托中的届次" not in client.get("/programme/").content.decode()
