"""Pages: scope, 404 for other tenants, the encouraged filter and export, money pages."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from awards import encouraged, pool, services
from awards.models import Grant
from awards.models import PoolRoute
from awards.simulation import simulate_cycle
from jurisdictions.models import Award, Jurisdiction
from tests.awards.factories import START, open_cycle, org

from .helpers import at, credit

pytestmark = pytest.mark.django_db


def test_pool_pages_are_scoped_and_other_tenants_get_404(client, make_user):
    award = Award.objects.get(slug="xam-leader")
    office = make_user("xam-p-office", role="office", body=award.office)
    other = make_user("ch-p-office", role="office", body=Award.objects.get(slug="chanhe-head").office)
    with at(dt.date(2025, 6, 2)):
        member = pool.pool_member_add(award=award, actor=office, name="页面测试公司", credit_code=credit("152201", 51),
                                           county=Jurisdiction.objects.get(code="152201"), joined_on=dt.date(2025, 3, 1), route=PoolRoute.SELF)
    client.force_login(office)
    assert "页面测试公司" in client.get("/programme/pool/").content.decode()
    assert client.get(f"/programme/pool/{member.pk}/").status_code == 200
    client.force_login(other)
    assert client.get(f"/programme/pool/{member.pk}/").status_code == 404
    assert client.post(f"/programme/pool/{member.pk}/", {"notes": "x"}).status_code == 404
    assert "页面测试公司" not in client.get("/programme/pool/").content.decode()
    assert client.get("/programme/history/template.xlsx").status_code == 200
    client.force_login(make_user("plain-user"))
    assert client.get("/programme/history/").status_code == 404
    assert client.get("/programme/onboard/").status_code == 404
    assert client.get("/programme/agencies/").status_code == 404


def test_encouraged_filter_and_export(client, make_user):
    cycle, office = open_cycle("chanhe-head")
    a, a_user = org("pg-enc-a", "410304")
    b, b_user = org("pg-enc-b", "410304")
    with at(START.date()):
        app_a = services.application_create(cycle=cycle, applicant=a, category="organization", actor=a_user)
        services.application_create(cycle=cycle, applicant=b, category="organization", actor=b_user)
        encouraged.encouraged_choose(application=app_a, actor=a_user, codes=["specialized_sme"])
    client.force_login(office)
    page = client.get(f"/programme/cycles/{cycle.pk}/applications/?encouraged=specialized_sme").content.decode()
    assert a.name in page and b.name not in page and "专精特新企业" in page
    wb = load_workbook(io.BytesIO(client.get(f"/programme/cycles/{cycle.pk}/applications/?encouraged=specialized_sme&format=xlsx").content))
    assert [[c.value for c in r] for r in wb.active.iter_rows(min_row=2)] == [[app_a.reference, a.name, "瀍河回族区", "草稿", "专精特新企业"]]
    client.force_login(make_user("tc-pg-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office))
    assert client.get(f"/programme/cycles/{cycle.pk}/applications/").status_code == 404


def test_money_pages_for_office_and_winner(client):
    simulate_cycle("chanhe-head", applicants=6, seed=4)
    grant = Grant.objects.filter(award__slug="chanhe-head").order_by("serial").first()
    office = grant.award.office.memberships.filter(role="office").first().user
    member = grant.applicant.members.first().user
    client.force_login(member)
    r = client.post(f"/programme/money/{grant.pk}/", {"action": "report", "year": str(grant.year), "use": ["购买办公用车", ""],
                                                      "item_amount": ["1000", ""], "text": "说明"})
    assert "“购买办公用车”不属于奖金的规定用途（第二十二条" in r.content.decode()
    r = client.post(f"/programme/money/{grant.pk}/", {"action": "report", "year": str(grant.year), "use": ["人员培训", ""],
                                                      "item_amount": ["1000", ""], "text": "说明"})
    assert r.status_code == 302
    assert client.post(f"/programme/money/{grant.pk}/", {"action": "pay", "amount": "1", "paid_on": "2025-01-01", "document": "x"}
                       ).content.decode().count("只有瀍河回族区区长质量奖办公室可以登记奖金拨付") == 1
    client.force_login(office)
    r = client.post(f"/programme/money/{grant.pk}/", {"action": "pay", "amount": "100000", "paid_on": grant.awarded_on.isoformat(),
                                                      "document": "瀍财〔2025〕8号"})
    assert r.status_code == 302 and "100000.00" in client.get("/programme/money/").content.decode()
    other = Grant.objects.exclude(award__slug="chanhe-head").first()
    if other is not None:
        assert client.get(f"/programme/money/{other.pk}/").status_code == 404
