"""The pages' forms: every pool, training, prize-money and first-cycle form offers only what the user may see,
so another tenant's pk is an error beside the field (or a 404), never accepted; the services' own errors show
beside the field they name."""
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import pool, prizes
from awards.models import Grant, PoolMember, PoolRoute, SpendingReport, Training
from awards.simulation import simulate_cycle
from core.errors import DomainError
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction

from .helpers import at, credit

pytestmark = pytest.mark.django_db
JUNE = dt.date(2025, 6, 2)


def errors(response, field_id: str) -> list[str]:
    """The messages shown beside one field (jurisdictions/_field.html: <ul class="errorlist" id="…-errors">)."""
    block = re.search(rf'<ul class="errorlist" id="{field_id}-errors">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


@pytest.fixture
def xam(make_user):
    award = Award.objects.get(slug="xam-leader")
    return award, make_user("xam-form-office", role="office", body=award.office)


def _pool_post(client, own_award, **over):
    data = {"award": own_award.pk, "name": "乌兰浩特表单公司", "credit_code": credit("152201", 61),
            "county": Jurisdiction.objects.get(code="152201").pk, "route": PoolRoute.SELF, "joined_on": "2025-03-01"}
    data.update(over)
    with at(JUNE):
        return client.post("/programme/pool/", data)


def test_pool_add_refuses_another_tenants_award_county_and_recommender(client, xam):
    award, office = xam
    client.force_login(office)
    tacheng = Award.objects.get(slug="tacheng-prefecture")
    r = _pool_post(client, award, award=tacheng.pk)
    assert r.status_code == 400 and errors(r, "id_award") == ["只能纳入本办公室奖项的培育库。"]
    r = _pool_post(client, award, county=Jurisdiction.objects.get(code="654201").pk)
    assert errors(r, "id_county") == ["请从列表中选择所在县（只能选择本奖项行政区域内的县）。"]
    tacheng_body = Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION)
    r = _pool_post(client, award, route=PoolRoute.COUNTY, recommended_by_body=tacheng_body.pk)
    assert errors(r, "id_recommended_by_body") == ["请从列表中选择推荐单位（只能选择本奖项行政区域内的单位）。"]
    assert not PoolMember.objects.exists()
    # the service's own rules, beside their fields
    r = _pool_post(client, award, route=PoolRoute.COUNTY)
    assert errors(r, "id_recommended_by_body") == ["推荐入库的，请填写推荐单位。"]
    r = _pool_post(client, award, credit_code="91152201MA0000000X")
    assert errors(r, "id_credit_code") and not PoolMember.objects.exists()
    county_body = Body.objects.get(jurisdiction__code="152201", kind=BodyKind.MARKET_REGULATION)
    r = _pool_post(client, award, route=PoolRoute.COUNTY, recommended_by_body=county_body.pk, recommended_by_person="李科长")
    member = PoolMember.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/programme/pool/{member.pk}/"
    assert (member.recommended_by_body, member.recommended_by_person, member.joined_on) == (county_body, "李科长", dt.date(2025, 3, 1))
    r = _pool_post(client, award)
    assert errors(r, "id_credit_code") == ["该单位已在本奖项培育库中。"]


def test_the_pool_service_refuses_a_recommender_outside_the_awards_jurisdiction(xam):
    award, office = xam
    with at(JUNE), pytest.raises(DomainError, match="推荐单位应在兴安盟行政区域内。"):
        pool.pool_member_add(award=award, actor=office, name="越界推荐公司", credit_code=credit("152201", 62),
                             county=Jurisdiction.objects.get(code="152201"), joined_on=dt.date(2025, 3, 1), route=PoolRoute.COUNTY,
                             recommended_by_body=Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))


def test_pool_notes_form_shows_the_services_error_beside_the_date(client, xam):
    award, office = xam
    with at(JUNE):
        member = pool.pool_member_add(award=award, actor=office, name="出库测试公司", credit_code=credit("152201", 63),
                                      county=Jurisdiction.objects.get(code="152201"), joined_on=dt.date(2025, 3, 1), route=PoolRoute.SELF)
    client.force_login(office)
    r = client.post(f"/programme/pool/{member.pk}/", {"notes": "已走访", "left_on": "2025-02-01"})
    assert r.status_code == 400 and errors(r, "id_left_on") == ["出库日期不能早于入库日期。"]
    assert client.post(f"/programme/pool/{member.pk}/", {"notes": "已走访", "left_on": "2025-05-01"}).status_code == 302
    member.refresh_from_db()
    assert (member.notes, member.left_on) == ("已走访", dt.date(2025, 5, 1))


def test_a_training_refuses_another_tenants_award_and_pool_members(client, make_user, xam):
    award, office = xam
    chanhe = Award.objects.get(slug="chanhe-head")
    chanhe_office = make_user("ch-form-office", role="office", body=chanhe.office)
    with at(JUNE):
        mine = pool.pool_member_add(award=award, actor=office, name="本盟培育公司", credit_code=credit("152201", 64),
                                    county=Jurisdiction.objects.get(code="152201"), joined_on=dt.date(2025, 3, 1), route=PoolRoute.SELF)
        theirs = pool.pool_member_add(award=chanhe, actor=chanhe_office, name="瀍河培育公司", credit_code=credit("410304", 65),
                                      county=Jurisdiction.objects.get(code="410304"), joined_on=dt.date(2025, 3, 1), route=PoolRoute.SELF)
    client.force_login(office)
    data = {"award": award.pk, "date": "2025-06-20", "topic": "卓越绩效管理模式导入", "trainer": "盟质量协会"}
    r = client.post("/programme/pool/trainings/", {**data, "attendees": [mine.pk, theirs.pk]})
    assert r.status_code == 400
    assert errors(r, "id_attendees") == ["请从列表中选择参训单位（只能选择本办公室奖项培育库的成员）。"]
    r = client.post("/programme/pool/trainings/", {**data, "award": chanhe.pk, "attendees": [mine.pk]})
    assert errors(r, "id_award") == ["只能为本办公室的奖项登记培训。"]
    assert not Training.objects.exists()
    r = client.post("/programme/pool/trainings/", {**data, "attendees": [mine.pk]})
    assert r.status_code == 302
    assert [list(t.attendees.all()) for t in Training.objects.all()] == [[mine]]
    assert "瀍河培育公司" not in client.get("/programme/pool/trainings/").content.decode()


def test_a_history_upload_without_a_file_or_of_the_wrong_kind_is_told_beside_the_field(client, make_user):
    office = make_user("tc-form-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office)
    client.force_login(office)
    r = client.post("/programme/history/", {})
    assert r.status_code == 400 and errors(r, "id_file") == ["请选择要上传的 Excel 文件。"]
    r = client.post("/programme/history/", {"file": SimpleUploadedFile("history.csv", b"a,b\n", "text/csv")})
    assert errors(r, "id_file") == ["请上传 .xlsx 格式的 Excel 文件（使用下载的模板）。"]


@pytest.fixture
def chanhe_grants():
    simulate_cycle("chanhe-head", applicants=6, seed=4)
    grants = list(Grant.objects.filter(award__slug="chanhe-head").order_by("serial")[:2])
    assert len(grants) == 2, "the rehearsed cycle gives two winners"
    office = grants[0].award.office.memberships.filter(role="office").first().user
    return grants, office


def test_reviewing_a_report_of_another_grant_is_refused(client, chanhe_grants):
    (a, b), office = chanhe_grants
    member_b = b.applicant.members.first().user
    report_b = prizes.spending_report_submit(grant=b, actor=member_b, year=b.year, text="说明", items=[{"use": "人员培训", "amount": "1000"}])
    client.force_login(office)
    r = client.post(f"/programme/money/{a.pk}/", {"action": "review", "report": report_b.pk, "result": "accepted"})
    assert r.status_code == 400 and errors(r, "id_review_report") == ["请从列表中选择待审核的报告。"]
    assert SpendingReport.objects.get(pk=report_b.pk).review_result == ""
    r = client.post(f"/programme/money/{b.pk}/", {"action": "review", "report": report_b.pk, "result": "rejected", "note": ""})
    assert errors(r, "id_review_note") == ["不合规的，请写明审核意见。"]
    assert client.post(f"/programme/money/{b.pk}/", {"action": "review", "report": report_b.pk, "result": "accepted"}).status_code == 302
    assert SpendingReport.objects.get(pk=report_b.pk).review_result == "accepted"


def test_money_forms_show_errors_beside_their_fields(client, chanhe_grants):
    (grant, _b), office = chanhe_grants
    client.force_login(office)
    r = client.post(f"/programme/money/{grant.pk}/", {"action": "pay", "amount": "十万", "paid_on": grant.awarded_on.isoformat(),
                                                      "document": "瀍财〔2025〕8号"})
    assert r.status_code == 400 and errors(r, "id_pay_amount") == ["金额应为数字（元）。"]
    r = client.post(f"/programme/money/{grant.pk}/", {"action": "pay", "amount": "100000.01", "paid_on": grant.awarded_on.isoformat(),
                                                      "document": "瀍财〔2025〕8号"})
    assert errors(r, "id_pay_amount") == ["累计拨付 100000.01 元将超过奖金 100000.00 元。"]
    r = client.post(f"/programme/money/{grant.pk}/", {"action": "pay", "amount": "1", "paid_on": "2025-02-30", "document": ""})
    assert errors(r, "id_pay_paid_on") == ["拨付日期不是有效日期（YYYY-MM-DD）。"] and errors(r, "id_pay_document") == ["请填写拨付文件。"]
    member = grant.applicant.members.first().user
    client.force_login(member)
    r = client.post(f"/programme/money/{grant.pk}/", {"action": "report", "year": str(grant.year), "use": ["购买办公用车", ""],
                                                      "item_amount": ["1000", ""], "text": "说明"})
    assert errors(r, "id_report_items") == ["“购买办公用车”不属于奖金的规定用途（第二十二条：奖金主要用于质量持续改进、质量攻关、人员培训、"
                                            "质量检验机构和实验室建设，不得挪作他用）。"]
    assert 'value="1000"' in r.content.decode()  # what was typed stays in the form
    assert client.post(f"/programme/money/{grant.pk}/", {"action": "bogus"}).status_code == 404


def test_a_new_awards_first_cycle_is_opened_only_by_its_office_with_errors_beside_the_fields(client, make_user):
    tacheng_office = make_user("tc-first-cycle", role="office", body=Award.objects.get(slug="tacheng-prefecture").office)
    client.force_login(tacheng_office)
    assert client.get("/programme/onboard/erenhot-mayor/").status_code == 404
    assert client.post("/programme/onboard/erenhot-mayor/", {"year": "2025", "filing_deadline": "2025-10-01"}).status_code == 404
    r = client.post("/programme/onboard/tacheng-prefecture/", {"year": "2025"})
    assert r.status_code == 400 and errors(r, "id_filing_deadline") == ["该字段是必填项。"]
