"""The min-cost max-flow and the assignment plan, without the database."""
import random

import pytest

from review.assignment import MinCostFlow, plan_assignment

pytestmark = pytest.mark.unit


def test_min_cost_flow_small_network_by_hand():
    # 0→1 (2, cost 1), 0→2 (1, 2), 1→2 (1, 1), 1→3 (1, 3), 2→3 (2, 1): max flow 3 at cost
    # 0-1-3 (4) + 0-1-2-3 (3) + 0-2-3 (3) = 10.
    m = MinCostFlow(4)
    m.add_edge(0, 1, 2, 1)
    m.add_edge(0, 2, 1, 2)
    m.add_edge(1, 2, 1, 1)
    m.add_edge(1, 3, 1, 3)
    m.add_edge(2, 3, 2, 1)
    assert m.solve(0, 3) == (3, 10)


def test_min_cost_flow_prefers_cheap_path_with_limit():
    m = MinCostFlow(4)
    cheap = m.add_edge(0, 1, 5, 0)
    m.add_edge(1, 3, 5, 1)
    dear = m.add_edge(0, 2, 5, 0)
    m.add_edge(2, 3, 5, 7)
    assert m.solve(0, 3, limit=6) == (6, 5 * 1 + 1 * 7)
    assert (m.flow_on(cheap), m.flow_on(dear)) == (5, 1)


def test_negative_cost_refused():
    with pytest.raises(ValueError):
        MinCostFlow(2).add_edge(0, 1, 1, -1)


def test_plan_is_conflict_free_balanced_and_matches_expertise():
    rng = random.Random(7)
    apps = list(range(60))
    experts = list(range(100, 112))
    conflicts = {(a, rng.choice(experts)) for a in apps for _ in range(2)}
    industry = {a: rng.choice("ABC") for a in apps}
    covers = {e: set(rng.sample("ABC", 2)) for e in experts}
    matches = {(a, e) for a in apps for e in experts if industry[a] in covers[e]}
    plan = plan_assignment(applications=apps, experts=experts, need={a: 3 for a in apps}, conflicts=conflicts, matches=matches)
    assert plan.unfilled == {}
    assert all(len(set(es)) == 3 for es in plan.pairs.values())
    assert not any((a, e) in conflicts for a, es in plan.pairs.items() for e in es)
    assert sorted(set(plan.loads.values())) == [15]  # 180 reviews over 12 experts
    assert plan.mismatches == 0


def test_balance_wins_over_expertise():
    # Both applications' industry is covered only by expert 1; balance forces one to expert 2.
    plan = plan_assignment(applications=["a", "b"], experts=[1, 2], need={"a": 1, "b": 1},
                           matches={("a", 1), ("b", 1)})
    assert sorted(plan.loads.values()) == [1, 1]
    assert plan.mismatches == 1


def test_existing_loads_count_and_unfillable_reported():
    plan = plan_assignment(applications=["a", "b", "c"], experts=[1, 2], need={"a": 1, "b": 1, "c": 2},
                           existing_loads={1: 2}, conflicts={("c", 1)})
    assert plan.pairs["c"] == [2]
    assert plan.unfilled == {"c": 1}
    assert sorted(plan.loads.values()) == [2, 3]  # 2 existing + 3 new over two experts
