"""Reviewer pages cost the same, small number of queries however many sheets, items, materials and
reviewers there are (bench target: at most 12 per page, equal at both sizes)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import Material
from review import services
from review.models import FeedbackDirection

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("computed_pages")]


def _sheet(assignment, percent, limit=None):
    items = list(assignment.criteria_set.criteria.order_by("position"))[:limit]
    return [{"criterion": c.number, "percent": percent, "strengths": "领导作用突出"} for c in items]


def _world(n):
    """n applications assigned to one reviewer (the first one scored in full and submitted, the others two
    items saved); on the first application n materials and n other reviewers' submitted sheets."""
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    me = f.expert(award, "周专家", employer="内蒙古大学")  # an employer: the conflict check reads parent organisations
    apps = [f.application(cycle, f.applicant(award, f"二连浩特市查询{i}公司")) for i in range(n)]
    mine = [services.assignment_create(application=a, expert=me, stage="material_review", actor=office) for a in apps]
    first = mine[0]
    for i in range(n):
        Material.objects.create(application=apps[0], title=f"材料{i}", file=SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4"),
                                original_name=f"{i}.pdf", trade_secret=i == 0)
        other = f.expert(award, f"他专家{i}", employer=f"外单位{i}")
        a = services.assignment_create(application=apps[0], expert=other, stage="material_review", actor=office)
        services.scores_save(assignment=a, entries=_sheet(a, 70), actor=other.user)
        services.assignment_submit(assignment=a, actor=other.user)
    services.scores_save(assignment=first, entries=_sheet(first, 60), actor=me.user)
    services.assignment_submit(assignment=first, actor=me.user)
    services.feedback_record(assignment=first, direction=FeedbackDirection.ON_APPLICANT, rating=4, comment="配合良好", actor=me.user)
    for a in mine[1:]:
        services.scores_save(assignment=a, entries=_sheet(a, 50, limit=2), actor=me.user)
    return me, first, apps


@pytest.mark.parametrize("n", [3, 10])
def test_score_sheet_page_queries(client, django_assert_max_num_queries, n):
    me, first, apps = _world(n)
    client.force_login(me.user)
    client.get(f"/review/assignments/{first.pk}/")  # warm session and content types
    with django_assert_max_num_queries(12):
        r = client.get(f"/review/assignments/{first.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "当前合计 <strong id=\"sheet-total\">600.00</strong>" in html
    assert html.count("他专家0 70%") == 23 and f"他专家{n - 1} 70%" in html
    assert html.count("/materials/") == n and "商业秘密" in html  # the assigned reviewer reads trade-secret materials
    assert "更新评价" in html and "配合良好" in html


@pytest.mark.parametrize("n", [3, 10])
def test_assignment_list_counts_scores_without_loading_them(client, django_assert_max_num_queries, n):
    me, first, apps = _world(n)
    client.force_login(me.user)
    client.get("/review/")
    with django_assert_max_num_queries(6):
        html = client.get("/review/").content.decode()
    assert html.count("已评 2 项") == n - 1 and html.count("已提交") == 1
