"""Stage-page charts on a worked example: per-item distribution (min/mean/max of the applications' reviewer
means) and the per-panel divergence heat map (max − min of reviewer percentages), with the numbers in tables."""
import re

import pytest

from review import charts, services

from . import factories as f

pytestmark = pytest.mark.django_db


def _cells(html: str, table_class: str) -> list[list[str]]:
    body = html.split(f'class="table {table_class}"', 1)[1].split("</table>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)]


@pytest.fixture
def worked():
    """Two applications, one panel of three; item 4.1.2 (the sheet's first): A = 50/60/70, B = 30/30/60; every other item 50."""
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    apps = [f.application(cycle, f.applicant(award, "二连浩特市甲公司")), f.application(cycle, f.applicant(award, "二连浩特市乙公司"))]
    experts = [f.expert(award, n, employer=u) for n, u in (("赵专家", "内蒙古大学"), ("钱专家", "自治区计量院"), ("孙专家", "内蒙古工业大学"))]
    panel = services.panel_draw(cycle=cycle, stage="material_review", size=3, seed=11, actor=office)
    services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)
    item = {apps[0].pk: ["50", "60", "70"], apps[1].pk: ["30", "30", "60"]}
    for app in apps:
        for e, first in zip(experts, item[app.pk]):
            a = app.review_assignments.get(expert=e)
            entries = [{"criterion": c.number, "percent": first if c.number == "4.1.2" else "50"} for c in a.criteria_set.criteria.all()]
            services.scores_save(assignment=a, entries=entries, actor=e.user)
            services.assignment_submit(assignment=a, actor=e.user)
    return cycle, office, apps, panel


def test_numbers(worked):
    cycle, office, apps, panel = worked
    data = charts.stage_charts(cycle, "material_review")
    first = data["distribution"][0]
    assert (first.criterion.number, first.n, str(first.low), str(first.mean), str(first.high)) == ("4.1.2", 2, "40.00", "50.00", "60.00")
    assert all((str(d.low), str(d.high)) == ("50.00", "50.00") for d in data["distribution"][1:])
    [heat] = data["heatmaps"]
    assert heat.title == panel.name
    assert [(r.reference, str(r.cells[0].spread), r.cells[0].css, str(r.cells[1].spread)) for r in heat.rows] == [
        (apps[0].reference, "20.00", "heat-2", "0.00"), (apps[1].reference, "30.00", "heat-3", "0.00")]


def test_stage_page_shows_svg_and_tables(worked, client):
    cycle, office, apps, panel = worked
    client.force_login(office)
    html = client.get(f"/review/cycles/{cycle.pk}/material_review/").content.decode()
    assert "各评分项得分分布" in html and f"专家评分分歧热力图：{panel.name}" in html
    assert 'aria-label="材料评审各评分项得分率分布图"' in html and "<circle" in html and 'class="heat heat-3"' in html
    dist = _cells(html, "dist-table")
    assert dist[0][0].startswith("4.1.2") and dist[0][2:] == ["2", "40.00%", "50.00%", "60.00%"]
    assert dist[1][2:] == ["2", "50.00%", "50.00%", "50.00%"]
    heat = _cells(html, "heat-table")
    assert heat[0][:4] == [apps[0].reference, "二连浩特市甲公司", "20", "0"]
    assert heat[1][:4] == [apps[1].reference, "二连浩特市乙公司", "30", "0"]
    assert "图例" in html and "25–30（分歧）" in html


def test_no_charts_before_any_submission_and_other_tenant_404(client):
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    client.force_login(f.office_user(award))
    html = client.get(f"/review/cycles/{cycle.pk}/material_review/").content.decode()
    assert "各评分项得分分布" not in html and "热力图" not in html
    client.force_login(f.office_user(f.award("chanhe-head")))
    assert client.get(f"/review/cycles/{cycle.pk}/material_review/").status_code == 404
