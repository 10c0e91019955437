"""The review steps simulate_cycle uses, and the pages/API lists (with query counts at two sizes)."""
import random

import pytest

from review import selectors
from review.models import Assignment, Expert, Panel, StageResult
from review.simulation import run_committee_vote, run_review_stage

from . import factories as f

pytestmark = pytest.mark.django_db


def test_run_review_stage_and_committee_vote_through_services():
    award = f.award("tacheng-prefecture")
    cycle = f.cycle("tacheng-prefecture")
    office = f.office_user(award)
    apps = [f.application(cycle, f.applicant(award, f"塔城地区企业{i}")) for i in range(4)]
    rng = random.Random(5)
    rows = run_review_stage(cycle, "material_review", rng=rng, actor_office=office)
    assert Expert.objects.filter(jurisdiction=award.jurisdiction).count() == 8
    assert Panel.objects.filter(cycle=cycle, stage="material_review").count() == 1
    assert Assignment.objects.filter(application__cycle=cycle, submitted_at__isnull=False).count() == 12
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)
    assert {r.application.pk for r in rows} == {a.pk for a in apps}
    assert all(r.total == StageResult.objects.get(application=r.application, stage="material_review").total for r in rows)
    assert rows[0].total >= rows[-1].total
    # a second stage reuses the pool and draws its own panel
    for a in apps:
        type(a).objects.filter(pk=a.pk).update(stage="defense")
    rows = run_review_stage(cycle, "defense", rng=rng, actor_office=office)
    assert Expert.objects.filter(jurisdiction=award.jurisdiction).count() == 8
    assert all(r.max_points == 100 for r in rows)

    outcome = run_committee_vote(cycle, apps, rng=random.Random(1))
    assert set(outcome) == {a.pk for a in apps}
    for o in outcome.values():
        assert bool(o) == o.passed and o.votes_for + o.votes_against + o.votes_abstain <= 7


def test_criteria_pages_are_public(client):
    html = client.get("/criteria/").content.decode()
    assert "卓越绩效评价准则（GB/T 19580-2012）" in html and "陈述答辩评分表" in html
    html = client.get("/criteria/gbt19580-2012/").content.decode()
    assert "4.1.2" in html and "高层领导的作用" in html and "4.1.1 总则（不计分）" in html and "1000" in html
    assert "水平-趋势-对比-整合" in html and "90%–100%" in html
    assert client.get("/criteria/unknown/").status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_assignment_lists_query_count(client, django_assert_max_num_queries, n):
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    e = f.expert(award, "周专家", employer="内蒙古大学")
    from review import services

    for i in range(n):
        app = f.application(cycle, f.applicant(award, f"企业{i}"))
        services.assignment_create(application=app, expert=e, stage="material_review", actor=office)
    client.force_login(e.user)
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/review/assignments/")
    assert len(r.json()) == n
    with django_assert_max_num_queries(10):
        html = client.get("/review/").content.decode()
    assert html.count("评分</a>") == n
    assert len(list(selectors.my_assignments(e.user))) == n


def test_score_sheet_page_shows_bands_and_saves(client):
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    e = f.expert(award, "吴专家", employer="内蒙古大学")
    app = f.application(cycle, f.applicant(award, "二连浩特市丙公司"))
    from review import services

    a = services.assignment_create(application=app, expert=e, stage="material_review", actor=office)
    client.force_login(e.user)
    html = client.get(f"/review/assignments/{a.pk}/").content.decode()
    assert "<strong>4.7.7 领导方面的结果</strong>（50分" in html and "评分档次描述" in html and "90%–100%" in html
    crit = a.criteria_set.criteria.get(number="4.1.2")
    r = client.post(f"/review/assignments/{a.pk}/", {f"p_{crit.pk}": "55", f"s_{crit.pk}": "有战略解码", "action": "save"})
    assert r.status_code == 302
    assert a.scores.get().percent == 55
    r = client.post(f"/review/assignments/{a.pk}/", {f"p_{crit.pk}": "55", "action": "submit"})
    assert r.status_code == 200 and "尚未评分" in r.content.decode()
    r = client.post(f"/review/assignments/{a.pk}/feedback/", {"rating": "5", "comment": "配合良好"})
    assert r.status_code == 302 and a.feedback.get().rating == 5
