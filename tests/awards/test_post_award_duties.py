"""Duties after the award, as each regulation names them: the annual performance reports reach the award's office
and the market-regulation body of the winner's 盟市 (内蒙古 第三十二条) or 旗县市 (兴安盟 第三十条), or the office alone
(瀍河 第二十四条), with the years still missing; the tracking body (内蒙古 第三十三条: 盟市市场监管部门, 5年内) records its
notes and the office reads them. Anyone else gets a 404."""
import datetime as dt

import pytest

from awards import services
from awards.models import Grant, TrackingNote
from awards.simulation import _user, simulate_cycle
from core import clock
from core.errors import NotPermitted
from core.models import AuditEntry
from jurisdictions.models import Body, BodyKind, Jurisdiction

pytestmark = pytest.mark.django_db


def at(day: dt.date):
    return clock.frozen_at(dt.datetime.combine(day, dt.time(10), tzinfo=clock.SHANGHAI))


def market_regulation(jurisdiction: Jurisdiction, username: str):
    body = Body.objects.get(jurisdiction=jurisdiction, kind=BodyKind.MARKET_REGULATION)
    return _user(username, username, "precheck", body)


def winner(slug: str, seed: int = 3):
    from review.services import criteria_load_builtin

    criteria_load_builtin()
    simulate_cycle(slug, applicants=4, seed=seed)
    grant = Grant.objects.filter(award__slug=slug).order_by("serial").first()
    office = grant.award.office.memberships.filter(role="office").first().user
    return grant, office, grant.applicant.members.first().user


def other_prefecture(county: Jurisdiction, province: Jurisdiction) -> Jurisdiction:
    return Jurisdiction.objects.filter(level="prefecture", parent=province).exclude(pk=county.parent_id).first()


def test_nm_reports_reach_the_office_and_the_winners_league_body_with_the_missing_years(client):
    grant, office, member = winner("nm-chairman")
    county = grant.applicant.county
    league = county.parent
    assert league.level == "prefecture"
    league_mr = market_regulation(league, "nm-league-mr")
    county_mr = market_regulation(county, "nm-county-mr")  # 第三十二条 names the 盟市 body, not the 旗县
    elsewhere = market_regulation(other_prefecture(county, grant.award.jurisdiction), "nm-other-league-mr")
    with at(dt.date(grant.year + 2, 1, 15)):
        services.performance_report_submit(grant=grant, actor=member, year=grant.year + 1, content="第一年度绩效：顾客满意度提升")
    with at(dt.date(grant.year + 3, 3, 1)):
        for user in (office, league_mr):
            client.force_login(user)
            html = client.get("/programme/reports/").content.decode()
            assert grant.applicant.name in html and "办公室及所在盟市市场监管部门（第三十二条）" in html
            assert f"{grant.year + 1} 年度：\n<a href=\"/programme/reports/{grant.pk}/{grant.year + 1}/\">已报送" in html
            assert f"{grant.year + 2} 年度：\n<strong class=\"error\">逾期未报</strong>" in html
            assert f"{grant.year + 3} 年度：\n本年度" in html
            assert "顾客满意度提升" in client.get(f"/programme/reports/{grant.pk}/{grant.year + 1}/").content.decode()
            hub = client.get("/programme/").content.decode()
            assert 'href="/programme/reports/">获奖单位年度绩效报告</a>' in hub and "逾期未报" in hub
        for user in (county_mr, elsewhere):
            client.force_login(user)
            assert grant.applicant.name not in client.get("/programme/reports/").content.decode()
            assert client.get(f"/programme/reports/{grant.pk}/{grant.year + 1}/").status_code == 404
        client.force_login(member)
        assert client.get(f"/programme/reports/{grant.pk}/{grant.year + 1}/").status_code == 404


def test_xam_reports_reach_the_winners_county_body_and_chanhe_only_its_office(client):
    grant, office, member = winner("xam-leader")
    county = grant.applicant.county
    county_mr = market_regulation(county, "xam-county-mr")
    league_mr = market_regulation(county.parent, "xam-league-mr")  # 兴安盟 第三十条: 所在旗县市市场监管部门
    with at(dt.date(grant.year + 2, 2, 1)):
        services.performance_report_submit(grant=grant, actor=member, year=grant.year + 1, content="兴安盟绩效报告")
        client.force_login(county_mr)
        assert client.get(f"/programme/reports/{grant.pk}/{grant.year + 1}/").status_code == 200
        client.force_login(league_mr)
        assert client.get(f"/programme/reports/{grant.pk}/{grant.year + 1}/").status_code == 404
    chanhe, chanhe_office, chanhe_member = winner("chanhe-head")
    chanhe_mr = market_regulation(chanhe.applicant.county, "chanhe-mr")
    with at(dt.date(chanhe.year + 2, 2, 1)):
        services.performance_report_submit(grant=chanhe, actor=chanhe_member, year=chanhe.year + 1, content="瀍河绩效报告")
        client.force_login(chanhe_office)  # 瀍河 第二十四条: 报送区长质量奖评委会秘书处
        assert client.get(f"/programme/reports/{chanhe.pk}/{chanhe.year + 1}/").status_code == 200
        client.force_login(chanhe_mr)
        assert client.get(f"/programme/reports/{chanhe.pk}/{chanhe.year + 1}/").status_code == 404
        client.force_login(office)  # another award's office
        assert client.get(f"/programme/reports/{chanhe.pk}/{chanhe.year + 1}/").status_code == 404


def test_nm_tracking_by_the_league_body_for_five_years_read_by_the_office(client):
    grant, office, member = winner("nm-chairman")
    county = grant.applicant.county
    league_mr = market_regulation(county.parent, "nm-track-mr")
    elsewhere = market_regulation(other_prefecture(county, grant.award.jurisdiction), "nm-track-other")
    url = f"/programme/tracking/{grant.pk}/"
    with at(grant.awarded_on + dt.timedelta(days=400)):
        client.force_login(league_mr)
        assert grant.applicant.name in client.get("/programme/tracking/").content.decode()
        refused = client.post(url, {"kind": "visit", "text": "  "})
        assert refused.status_code == 200 and "请填写跟踪记录的内容。" in refused.content.decode()
        assert client.post(url, {"kind": "revocation_report", "text": "发现获奖后发生较大质量事故"}).status_code == 302
        note = TrackingNote.objects.get(grant=grant)
        assert note.body.jurisdiction == county.parent and note.author == league_mr
        assert AuditEntry.objects.filter(action="grant.tracking_note").count() == 1
        client.force_login(office)  # reads it, flagged, but the tracking is the league body's
        assert "已报告应撤销情形" in client.get("/programme/tracking/").content.decode()
        page = client.get(url).content.decode()
        assert "发现获奖后发生较大质量事故" in page and "保存跟踪记录" not in page
        assert client.post(url, {"kind": "visit", "text": "办公室走访"}).status_code == 404
        with pytest.raises(NotPermitted):
            services.tracking_note_add(grant=grant, actor=office, kind="visit", text="办公室走访")
        client.force_login(elsewhere)
        assert client.get(url).status_code == 404 and client.post(url, {"kind": "visit", "text": "x"}).status_code == 404
        client.force_login(member)
        assert client.get(url).status_code == 404
    last_day = grant.awarded_on.replace(year=grant.awarded_on.year + 5)  # 第三十三条: 5年内
    client.force_login(league_mr)
    with at(last_day):
        assert client.get(url).status_code == 200
    with at(last_day + dt.timedelta(days=1)):
        assert client.get(url).status_code == 404
        assert grant.applicant.name not in client.get("/programme/tracking/").content.decode()
