"""Cultivation pool (兴安盟 第十一、十二条; 内蒙古 第十二、十三条): the office manages it, a county sees its own
members, an organisation sees its own record, and the office sees the pool history beside an application."""
import datetime as dt

import pytest
from django.http import Http404
from django.template.loader import render_to_string

from awards import pool, selectors
from awards.models import PoolMember, PoolRoute
from core.errors import DomainError, NotPermitted
from core.models import AuditEntry
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from tests.awards.factories import START, filed, open_cycle, org

from .helpers import at, credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def xam(make_user):
    award = Award.objects.get(slug="xam-leader")
    office = make_user("xam-office", role="office", body=award.office)
    return award, office


def _add(award, office, name, county_code, seed, **kw):
    county = Jurisdiction.objects.get(code=county_code)
    defaults = dict(route=PoolRoute.SELF, joined_on=dt.date(2025, 3, 1))
    defaults.update(kw)
    with at(dt.date(2025, 6, 2)):
        return pool.pool_member_add(award=award, actor=office, name=name, credit_code=credit(county_code, seed),
                                         county=county, **defaults)


def test_office_adds_members_by_each_route_and_the_action_is_logged(xam):
    award, office = xam
    county_body = Body.objects.get(jurisdiction__code="152201", kind=BodyKind.MARKET_REGULATION)
    dept = Body.objects.get(name="兴安盟工业和信息化局")
    a = _add(award, office, "乌兰浩特甲公司", "152201", 1)
    b = _add(award, office, "乌兰浩特乙公司", "152201", 2, route=PoolRoute.COUNTY, recommended_by_body=county_body,
             recommended_by_person="张科长")
    c = _add(award, office, "阿尔山丙公司", "152202", 3, route=PoolRoute.DEPARTMENT, recommended_by_body=dept)
    assert [m.get_route_display() for m in (a, b, c)] == ["自行申报", "旗县（市、区）推荐", "部门推荐"]
    assert AuditEntry.objects.filter(action="pool.add").count() == 3
    with pytest.raises(DomainError, match="推荐单位"):
        _add(award, office, "丁公司", "152201", 4, route=PoolRoute.COUNTY)
    with pytest.raises(DomainError, match="已在本奖项培育库"):
        _add(award, office, "甲公司又一次", "152201", 1)
    with pytest.raises(DomainError, match="不在兴安盟行政区域内"):
        _add(award, office, "塔城公司", "654201", 5)


def test_only_the_office_manages_and_scopes_differ_by_role(xam, make_user):
    award, office = xam
    a = _add(award, office, "乌兰浩特甲公司", "152201", 1)
    b = _add(award, office, "阿尔山丙公司", "152202", 3)
    county_user = make_user("wlht-precheck", role="precheck",
                            body=Body.objects.get(jurisdiction__code="152201", kind=BodyKind.MARKET_REGULATION))
    other_office = make_user("tc-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office)
    with pytest.raises(NotPermitted):
        _add(award, county_user, "越权公司", "152201", 9)
    with pytest.raises(NotPermitted):
        _add(award, other_office, "越权公司", "152201", 9)
    assert list(selectors.pool_members_visible(office)) == [a, b] or set(selectors.pool_members_visible(office)) == {a, b}
    assert list(selectors.pool_members_visible(county_user)) == [a]
    assert list(selectors.pool_members_visible(other_office)) == []
    with pytest.raises(Http404):
        selectors.pool_member_for(other_office, a.pk)


def test_an_organisation_sees_only_its_own_record_and_training_is_free(xam):
    award, office = xam
    applicant, user = org("pool-org", "152201")
    mine = _add(award, office, applicant.name, "152201", 0)
    PoolMember.objects.filter(pk=mine.pk).update(credit_code=applicant.credit_code)
    _add(award, office, "别家公司", "152201", 7)
    assert [m.name for m in selectors.pool_members_visible(user)] == [applicant.name]
    with at(dt.date(2025, 6, 2)):
        training = pool.training_record(award=award, actor=office, date=dt.date(2025, 6, 20), topic="卓越绩效管理模式导入",
                                             trainer="盟质量协会", attendees=[mine])
    assert training.free is True  # 内蒙古 第十三条: 免费接受卓越绩效管理培训
    assert [t.topic for t in selectors.trainings_visible(user)] == ["卓越绩效管理模式导入"]
    nm = Award.objects.get(slug="nm-chairman")
    with pytest.raises(NotPermitted):
        pool.training_record(award=nm, actor=office, date=dt.date(2025, 6, 20), topic="x", trainer="y", attendees=[])


def test_pool_history_beside_the_application(make_user):
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, user = org("pool-app", "654201")
    with at(START.date()):
        member = pool.pool_member_add(award=cycle.award, actor=office, name=applicant.name, credit_code=applicant.credit_code,
                                           county=applicant.county, joined_on=dt.date(2024, 3, 1), route=PoolRoute.SELF)
        pool.training_record(award=cycle.award, actor=office, date=dt.date(2024, 5, 8), topic="质量管理体系培训",
                                  trainer="地区市场监管局", attendees=[member])
    app = filed(cycle, applicant, user)
    history = selectors.pool_history_for(app)
    assert history["member"] == member and [t.topic for t in history["trainings"]] == ["质量管理体系培训"]
    html = render_to_string("awards/_pool_history.html", {"pool_history": history})
    assert "2024-03-01" in html and "自行申报" in html and "质量管理体系培训" in html
    other, other_user = org("pool-none", "654202")
    assert selectors.pool_history_for(filed(cycle, other, other_user)) is None
