"""Criteria as data: the GB/T 19580-2012 allocation, the other sheets, the public pages and API."""
from decimal import Decimal

import pytest

from review.models import CriteriaSet, Criterion
from review.services import criteria_load_builtin

pytestmark = pytest.mark.django_db

GBT = {
    "4.1.2": ("高层领导的作用", 50), "4.1.3": ("组织治理", 30), "4.1.4": ("社会责任", 30),
    "4.2.2": ("战略制定", 40), "4.2.3": ("战略部署", 50),
    "4.3.2": ("顾客和市场的了解", 40), "4.3.3": ("顾客关系与顾客满意", 50),
    "4.4.2": ("人力资源", 60), "4.4.3": ("财务资源", 15), "4.4.4": ("信息和知识资源", 20), "4.4.5": ("技术资源", 15),
    "4.4.6": ("基础设施", 10), "4.4.7": ("相关方关系", 10),
    "4.5.2": ("过程的识别与设计", 50), "4.5.3": ("过程的实施与改进", 50),
    "4.6.2": ("测量、分析和评价", 40), "4.6.3": ("改进与创新", 40),
    "4.7.2": ("产品和服务结果", 80), "4.7.3": ("顾客与市场结果", 80), "4.7.4": ("财务结果", 80),
    "4.7.5": ("资源结果", 60), "4.7.6": ("过程有效性结果", 50), "4.7.7": ("领导方面的结果", 50),
}
CATEGORIES = {"4.1": ("领导", 110), "4.2": ("战略", 90), "4.3": ("顾客与市场", 90), "4.4": ("资源", 130),
              "4.5": ("过程管理", 100), "4.6": ("测量、分析与改进", 80), "4.7": ("结果", 400)}


def test_gbt19580_allocation_totals_exactly_1000():
    cs = CriteriaSet.objects.get(code="gbt19580-2012")
    items = {c.number: (c.name, int(c.points)) for c in cs.criteria.all()}
    assert items == GBT
    assert sum(c.points for c in cs.criteria.all()) == Decimal("1000") == cs.total_points
    cats = {c.number: (c.name, int(c.points)) for c in cs.categories.all()}
    assert cats == CATEGORIES
    for cat in cs.categories.all():
        assert sum(i.points for i in cat.items.all()) == cat.points
        assert cat.preamble == f"{cat.number}.1 总则（不计分）"
    kinds = {c.number: c.kind for c in cs.criteria.all()}
    assert {k for n, k in kinds.items() if n.startswith("4.7")} == {"result"}
    assert {k for n, k in kinds.items() if not n.startswith("4.7")} == {"process"}
    assert [(b["low"], b["high"]) for b in cs.bands["process"]] == [(0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100)]
    assert set(cs.bands) == {"process", "result"}


def test_other_sheets_total_100_and_loader_is_idempotent():
    criteria_load_builtin()
    criteria_load_builtin()
    assert CriteriaSet.objects.filter(builtin=True).count() == 3
    ind = CriteriaSet.objects.get(code="erenhot-individual-2021")
    assert ind.criteria.count() == 4 and sum(c.points for c in ind.criteria.all()) == Decimal("100")
    assert "第十一条" in ind.standard
    defense = CriteriaSet.objects.get(code="defense-sheet")
    assert defense.criteria.count() == 5 and sum(c.points for c in defense.criteria.all()) == Decimal("100")
    assert Criterion.objects.filter(criteria_set__code="gbt19580-2012").count() == 23


def test_criteria_api_is_public(client):
    r = client.get("/api/v1/criteria/")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.json()}
    assert set(rows) >= {"gbt19580-2012", "erenhot-individual-2021", "defense-sheet"}
    assert rows["gbt19580-2012"]["total_points"] == "1000.00"
    assert rows["gbt19580-2012"]["items"] == 23

    r = client.get("/api/v1/criteria/gbt19580-2012/")
    assert r.status_code == 200
    data = r.json()
    assert [c["number"] for c in data["categories"]] == list(CATEGORIES)
    leadership = data["categories"][0]
    assert leadership["points"] == "110.00"
    first = leadership["items"][0]
    assert (first["number"], first["name"], first["points"], first["kind"]) == ("4.1.2", "高层领导的作用", "50.00", "process")
    assert len(first["bands"]) == 6 and first["bands"][5]["low"] == 90 and "方法" in first["bands"][5]["descriptor"]
    result_item = data["categories"][6]["items"][0]
    assert result_item["kind"] == "result" and "趋势" in result_item["bands"][0]["descriptor"]
    assert client.get("/api/v1/criteria/nope/").status_code == 404


def test_criteria_api_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/criteria/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/criteria/defense-sheet/").status_code == 200
