"""Score sheets, the blind rule, consensus, stage ranking and the composite on a worked example."""
from decimal import Decimal

import pytest

from core.errors import DomainError, NotPermitted
from review import scoring, selectors, services
from review.models import Assignment, ConsensusScore, Criterion

from . import factories as f

pytestmark = pytest.mark.django_db


def sheet(assignment, percent, overrides=None, **extra):
    overrides = overrides or {}
    return [{"criterion": c.number, "percent": overrides.get(c.number, percent), **extra}
            for c in assignment.criteria_set.criteria.all()]


def score_and_submit(assignment, percent, overrides=None):
    user = assignment.expert.user
    services.scores_save(assignment=assignment, entries=sheet(assignment, percent, overrides,
                                                              strengths="领导作用突出", opportunities="对比数据不足"), actor=user)
    services.assignment_submit(assignment=assignment, actor=user)


@pytest.fixture
def world():
    award = f.award("erenhot-mayor")  # weights: material 0.3, on-site 0.5, defense 0.2
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    a = f.application(cycle, f.applicant(award, "二连浩特市甲公司"))
    b = f.application(cycle, f.applicant(award, "二连浩特市乙公司"))
    experts = [f.expert(award, n, employer=e) for n, e in (("甲专家", "内蒙古大学"), ("乙专家", "自治区标准化院"),
                                                          ("丙专家", "锡林郭勒职业学院"))]
    return award, cycle, office, a, b, experts


def assignments_of(app, stage):
    return {x.expert.name: x for x in Assignment.objects.filter(application=app, stage=stage).select_related("expert__user", "criteria_set")}


def test_percent_rules():
    assert scoring.parse_percent("55") == Decimal("55.00")
    for bad in ("52", "-5", "105", "abc"):
        with pytest.raises(DomainError):
            scoring.parse_percent(bad)
    assert scoring.item_points(Decimal("55"), Decimal("50")) == Decimal("27.50")
    assert scoring.band_label(Decimal("55")) == "50%–65%"
    assert scoring.suggested_consensus([Decimal(60), Decimal(65), Decimal(65)]) == Decimal("65.00")  # 63.33 → 65
    assert scoring.suggested_consensus([Decimal(50), Decimal(55)]) == Decimal("55.00")  # 52.5 rounds half up


def test_reviewer_cannot_read_others_before_submitting(world, client):
    award, cycle, office, a, b, experts = world
    services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)
    sheets = assignments_of(a, "material_review")
    first, second = sheets["甲专家"], sheets["乙专家"]
    score_and_submit(second, 85)
    services.scores_save(assignment=first, entries=sheet(first, 40)[:2], actor=first.expert.user)

    visible = selectors.visible_scores(first.expert.user, a, "material_review")
    assert {s.assignment_id for s in visible} == {first.pk}
    client.force_login(first.expert.user)
    page = client.get(f"/review/assignments/{first.pk}/").content.decode()
    assert "乙专家" not in page and "其他专家（已提交）" not in page
    api = client.get("/api/v1/review/assignments/").json()
    assert {row["id"] for row in api} == {x.pk for x in Assignment.objects.filter(expert=experts[0])}
    assert [s["percent"] for row in api if row["id"] == first.pk for s in row["scores"]] == ["40.00", "40.00"]

    with pytest.raises(DomainError) as e:
        services.assignment_submit(assignment=first, actor=first.expert.user)
    assert e.value.code == "incomplete" and "4.1.4" in e.value.message
    # finish through the API, then the other submitted sheet becomes visible
    r = client.post(f"/api/v1/review/assignments/{first.pk}/scores/",
                    {"scores": sheet(first, 40), "submit": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["submitted_at"]
    visible = selectors.visible_scores(first.expert.user, a, "material_review")
    assert {s.assignment_id for s in visible} == {first.pk, second.pk}
    page = client.get(f"/review/assignments/{first.pk}/").content.decode()
    assert "乙专家 85%" in page
    # a submitted sheet is frozen
    r = client.post(f"/api/v1/review/assignments/{first.pk}/scores/", {"scores": sheet(first, 90)}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "already_submitted"


def test_invalid_percent_through_api_is_400(world, client):
    award, cycle, office, a, b, experts = world
    x = services.assignment_create(application=a, expert=experts[0], stage="material_review", actor=office)
    client.force_login(experts[0].user)
    r = client.post(f"/api/v1/review/assignments/{x.pk}/scores/", {"scores": [{"criterion": "4.1.2", "percent": "33"}]},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_percent"


def test_reviewer_clears_an_item_on_the_sheet_and_it_counts_as_unscored(world, client):
    award, cycle, office, a, b, experts = world
    x = services.assignment_create(application=a, expert=experts[0], stage="material_review", actor=office)
    user = experts[0].user
    services.scores_save(assignment=x, entries=sheet(x, 60), actor=user)
    item = x.criteria_set.criteria.order_by("position")[0]
    client.force_login(user)
    # the web sheet posts every item; "—" (blank) on one item clears it
    data = {f"p_{c.pk}": "60" for c in x.criteria_set.criteria.all()}
    data[f"p_{item.pk}"] = ""
    r = client.post(f"/review/assignments/{x.pk}/", data)
    assert r.status_code in (200, 302)
    assert not x.scores.filter(criterion=item).exists()
    assert x.scores.count() == x.criteria_set.criteria.count() - 1
    with pytest.raises(DomainError) as e:
        services.assignment_submit(assignment=x, actor=user)
    assert e.value.code == "incomplete" and item.number in e.value.message


def run_stage(cycle, office, stage, percents, overrides=None):
    """percents: application → list of three reviewer percentages (every item); overrides per reviewer index."""
    services.assign_reviewers(cycle=cycle, stage=stage, k=3, actor=office)
    for app, values in percents.items():
        sheets = sorted(assignments_of(app, stage).values(), key=lambda x: x.expert.name)
        for i, (x, p) in enumerate(zip(sheets, values)):
            score_and_submit(x, p, (overrides or {}).get((app.pk, i)))


def test_worked_example_consensus_ranking_and_composite(world, client):
    award, cycle, office, a, b, experts = world
    # material review (GB/T 19580, 1000 points): A's reviewers give 60/50/70 on every item, except 4.1.2
    # (50 points) where they give 80/50/50 → mean 60, spread 30 → flagged; the leader records 55 with a reason.
    run_stage(cycle, office, "material_review", {a: [60, 50, 70], b: [50, 50, 50]},
              overrides={(a.pk, 0): {"4.1.2": 80}, (a.pk, 1): {"4.1.2": 50}, (a.pk, 2): {"4.1.2": 50}})
    lines = {l.criterion.number: l for l in selectors.consensus_sheet(a, "material_review")}
    assert lines["4.1.2"].divergent and lines["4.1.2"].spread == Decimal("30.00") and lines["4.1.2"].mean == Decimal("60.00")
    assert not lines["4.1.3"].divergent and lines["4.1.3"].suggested == Decimal("60.00")

    items = {n: {"percent": "60"} for n in lines}
    items["4.1.2"] = {"percent": "55"}
    with pytest.raises(DomainError) as e:
        services.consensus_record(application=a, stage="material_review", items=items, actor=office)
    assert e.value.code == "reason_required"
    reviewer = experts[0].user
    with pytest.raises(NotPermitted):
        services.consensus_record(application=a, stage="material_review", items=items, actor=reviewer)
    items["4.1.2"]["reason"] = "高层领导作用的证据主要来自访谈，组内讨论取 55%。"
    result = services.consensus_record(application=a, stage="material_review", items=items, actor=office)
    # 0.60 × (1000 − 50) + 0.55 × 50 = 570 + 27.5
    assert result.total == Decimal("597.50")
    assert ConsensusScore.objects.get(application=a, criterion__number="4.1.2").reason.startswith("高层领导")
    services.consensus_record(application=b, stage="material_review",
                              items={l.criterion.number: {"percent": "50"} for l in selectors.consensus_sheet(b, "material_review")},
                              actor=office)
    ranking = selectors.stage_ranking(cycle, "material_review")
    assert [(r.application.pk, r.total, r.rank) for r in ranking] == [(a.pk, Decimal("597.50"), 1), (b.pk, Decimal("500.00"), 2)]

    # on-site review (1000 points): A 70% → 700, B 80% → 800; defense (100 points): A 90% → 90, B 60% → 60
    for app in (a, b):
        type(app).objects.filter(pk=app.pk).update(stage="on_site_review")
    run_stage(cycle, office, "on_site_review", {a: [70, 70, 70], b: [80, 80, 80]})
    for app in (a, b):
        services.consensus_record(application=app, stage="on_site_review",
                                  items={l.criterion.number: {"percent": l.suggested} for l in selectors.consensus_sheet(app, "on_site_review")},
                                  actor=office)
        type(app).objects.filter(pk=app.pk).update(stage="defense")
    run_stage(cycle, office, "defense", {a: [90, 90, 90], b: [60, 60, 60]})
    assert assignments_of(a, "defense")["甲专家"].criteria_set.code == "defense-sheet"
    for app in (a, b):
        services.consensus_record(application=app, stage="defense",
                                  items={l.criterion.number: {"percent": l.suggested} for l in selectors.consensus_sheet(app, "defense")},
                                  actor=office)
    assert [(r.application.pk, r.total) for r in selectors.stage_ranking(cycle, "on_site_review")] == \
        [(b.pk, Decimal("800.00")), (a.pk, Decimal("700.00"))]
    assert [(r.application.pk, r.total) for r in selectors.stage_ranking(cycle, "defense")] == \
        [(a.pk, Decimal("90.00")), (b.pk, Decimal("60.00"))]
    # composite (百分制): A = 0.3×59.75 + 0.5×70 + 0.2×90 = 70.925 → 70.93; B = 0.3×50 + 0.5×80 + 0.2×60 = 67.00
    comp = selectors.composite_ranking(cycle)
    assert [(c.application.pk, c.composite, c.rank) for c in comp] == [(a.pk, Decimal("70.93"), 1), (b.pk, Decimal("67.00"), 2)]

    # the office's ranking page shows the table, the SVG and the cut-off line (quota 1 organisation + 1 individual)
    client.force_login(office)
    html = client.get(f"/review/cycles/{cycle.pk}/material_review/?cut=1").content.decode()
    assert "<svg" in html and 'class="cutline"' in html and "597.50" in html and "70.93" in html
    assert client.get(f"/review/cycles/{cycle.pk}/material_review/?z=1").status_code == 200
    html = client.get(f"/review/consensus/{a.pk}/material_review/").content.decode()
    assert "divergent" in html and "分歧" in html


def test_leader_records_consensus_and_individual_sheet(world):
    award, cycle, office, a, b, experts = world
    person = f.application(cycle, f.applicant(award, "巴特尔", kind="individual", employer="二连浩特市甲公司"))
    # the expert working at 甲公司 is conflicted with the individual employed there
    insider = f.expert(award, "丁专家", employer="二连浩特市甲公司")
    panel = services.panel_draw(cycle=cycle, stage="material_review", size=3, seed=7, actor=office)
    assert insider not in panel.members.all()
    services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)
    sheets = assignments_of(person, "material_review")
    assert {x.criteria_set.code for x in sheets.values()} == {"erenhot-individual-2021"}
    for x in sheets.values():
        score_and_submit(x, 80)
    leader = panel.leader.user
    result = services.consensus_record(application=person, stage="material_review",
                                       items={"11.1": 80, "11.2": 80, "11.3": 80, "11.4": 80}, actor=leader)
    assert result.total == Decimal("80.00") and result.max_points == Decimal("100.00")


def test_zscore_normalisation_removes_leniency():
    # X is 10 points more lenient than Y on the same two applications. Each reviewer's z-scores are +1/−1;
    # mapped onto the grand mean 75 and standard deviation √125 = 11.18: a = 86.18, b = 63.82 for both.
    out = scoring.zscore_normalise({"x": {"a": Decimal(90), "b": Decimal(70)}, "y": {"a": Decimal(80), "b": Decimal(60)}})
    assert out == {"a": Decimal("86.18"), "b": Decimal("63.82")}
    # a reviewer who scores everything alike keeps the raw totals
    assert scoring.zscore_normalise({"z": {"a": Decimal(50), "b": Decimal(50)}}) == {"a": Decimal("50.00"), "b": Decimal("50.00")}


def test_criteria_point_data_unchanged_by_scores(world):
    assert Criterion.objects.filter(criteria_set__code="gbt19580-2012").count() == 23
