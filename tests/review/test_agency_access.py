"""Review agencies (二连浩特 第十七条、第十八条; 瀍河 第九条): staff of a contracted agency draw panels, assign
reviewers, record consensus and read the ranking of the contracted cycle only, only while the contract is
live, and never open office pages."""
import datetime as dt

import pytest

from core.clock import frozen_at
from core.errors import NotPermitted
from jurisdictions.models import Role
from review import agencies, services
from review.models import Assignment, Panel

from . import factories as f

pytestmark = pytest.mark.django_db

DURING = dt.datetime(2026, 4, 1, 10, 0)
AFTER = dt.datetime(2026, 7, 1, 10, 0)


@pytest.fixture
def contracted():
    award = f.award("erenhot-mayor")
    office = f.office_user(award)
    cycle = f.cycle("erenhot-mayor")
    other_cycle = f.cycle("erenhot-mayor")
    agency = agencies.agency_register(jurisdiction=award.jurisdiction, actor=office, name="内蒙古卓越质量评价中心")
    agencies.agency_contract_sign(cycle=cycle, agency=agency, actor=office, procurement_document="二采〔2026〕18号",
                                   signed_on=dt.date(2026, 2, 20), starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 6, 30))
    staff = f.user("agency-staff")
    agencies.agency_staff_add(agency=agency, actor=office, user=staff)
    apps = [f.application(cycle, f.applicant(award, n)) for n in ("二连浩特市甲公司", "二连浩特市乙公司")]
    for n, u in (("赵专家", "内蒙古大学"), ("钱专家", "自治区计量院"), ("孙专家", "内蒙古工业大学")):
        f.expert(award, n, employer=u)
    assert staff.memberships.filter(role=Role.AGENCY).exists()
    return award, office, cycle, other_cycle, staff, apps


def test_agency_manages_the_contracted_cycle(contracted, client):
    award, office, cycle, other_cycle, staff, apps = contracted
    client.force_login(staff)
    with frozen_at(DURING):
        stage = f"/review/cycles/{cycle.pk}/material_review/"
        assert client.get(stage).status_code == 200
        r = client.post(stage, {"action": "draw", "size": "3", "seed": "5"})
        assert r.status_code == 302 and Panel.objects.filter(cycle=cycle).count() == 1
        r = client.post(stage, {"action": "assign", "k": "2"})
        assert r.status_code == 302 and Assignment.objects.filter(application__cycle=cycle).count() == 4
        assert client.get(f"/review/cycles/{cycle.pk}/material_review/assign/").status_code == 200
        assert client.get(f"/review/consensus/{apps[0].pk}/material_review/").status_code == 200
        html = client.get(stage).content.decode()
        assert "排名" in html and "撤销评审组" not in html  # dissolving the panels stays with the office
        # another cycle of the same award, without a contract: 404
        assert client.get(f"/review/cycles/{other_cycle.pk}/material_review/").status_code == 404
        with pytest.raises(NotPermitted):
            services.panel_draw(cycle=other_cycle, stage="material_review", size=1, actor=staff)
        with pytest.raises(NotPermitted):  # no committee votes, no approvals
            services.vote_open(cycle=cycle, applications=apps, actor=staff)
    from core.models import AuditEntry

    assert AuditEntry.objects.filter(action="panel.draw", role="agency").count() == 1


def test_access_ends_with_the_contract(contracted, client):
    award, office, cycle, other_cycle, staff, apps = contracted
    client.force_login(staff)
    with frozen_at(AFTER):
        assert client.get(f"/review/cycles/{cycle.pk}/material_review/").status_code == 404
        assert client.post(f"/review/cycles/{cycle.pk}/material_review/", {"action": "draw", "size": "3"}).status_code == 404
        assert client.get(f"/review/cycles/{cycle.pk}/material_review/assign/").status_code == 404
        assert client.get(f"/review/consensus/{apps[0].pk}/material_review/").status_code == 404
        with pytest.raises(NotPermitted) as e:
            services.panel_draw(cycle=cycle, stage="material_review", size=3, actor=staff)
        assert "委托期内" in e.value.message
    assert not Panel.objects.exists()


def test_agency_never_opens_office_pages(contracted, client):
    award, office, cycle, other_cycle, staff, apps = contracted
    client.force_login(staff)
    with frozen_at(DURING):
        for url in ("/office/", f"/office/cycles/{cycle.pk}/", f"/office/cycles/{cycle.pk}/approval/",
                    f"/office/applications/{apps[0].pk}/", "/review/experts/", f"/review/feedback/cycles/{cycle.pk}/"):
            assert client.get(url).status_code == 404, url
