"""API scope and query counts of the list pages at two sizes."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import pool
from awards.models import PoolRoute
from jurisdictions.models import Award, Jurisdiction
from review import agencies
from tests.awards.factories import open_cycle

from .helpers import at, credit

pytestmark = pytest.mark.django_db


def _members(award, office, n, start=0):
    with at(dt.date(2025, 6, 2)):
        for i in range(start, start + n):
            pool.pool_member_add(award=award, actor=office, name=f"查询测试{i}公司", credit_code=credit("152201", 100 + i),
                                      county=Jurisdiction.objects.get(code="152201"), joined_on=dt.date(2025, 3, 1), route=PoolRoute.SELF)


def test_pool_api_is_scoped(client, make_user):
    award = Award.objects.get(slug="xam-leader")
    office = make_user("api-office", role="office", body=award.office)
    _members(award, office, 2)
    client.force_login(office)
    data = client.get("/api/v1/programme/pool/").json()
    assert sorted(m["name"] for m in data) == ["查询测试0公司", "查询测试1公司"] and data[0]["county"] == "152201"
    client.force_login(make_user("api-stranger"))
    assert client.get("/api/v1/programme/pool/").json() == []
    assert client.get("/api/v1/programme/agency-cycles/").json() == []


def test_agency_cycles_api(client, make_user):
    cycle, office = open_cycle("erenhot-mayor")
    with at(dt.date(2025, 9, 2)):
        agency = agencies.agency_register(jurisdiction=cycle.award.jurisdiction, actor=office, name="API评审中心")
        agencies.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="二采〔2025〕1号",
                                       signed_on=dt.date(2025, 9, 2), starts_on=dt.date(2025, 9, 2), ends_on=dt.date(2099, 12, 31))
        staff = make_user("api-agency")
        agencies.agency_staff_add(agency=agency, actor=office, user=staff)
    client.force_login(staff)
    assert client.get("/api/v1/programme/agency-cycles/").json() == [
        {"id": cycle.pk, "award": "erenhot-mayor", "year": 2025, "number": cycle.number}]


@pytest.mark.parametrize("url", ["/programme/pool/", "/api/v1/programme/pool/"])
def test_pool_list_query_count_does_not_grow(client, make_user, url):
    award = Award.objects.get(slug="xam-leader")
    office = make_user("qc-office", role="office", body=award.office)
    client.force_login(office)
    _members(award, office, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _members(award, office, 2, start=1)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one)
