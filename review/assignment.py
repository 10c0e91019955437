"""Reviewer assignment as a min-cost max-flow problem (pure: no Django, no database).

Network: source → application (capacity = reviewers still needed) → expert (capacity 1, only when the
pair is not conflicted; cost 1 when the expert's industries do not cover the applicant's, else 0) →
sink through one unit edge per extra load with convex cost BIG·(existing load + t).

Minimising Σ BIG·load(load+1)/2 over the flow makes the loads as even as the conflicts allow (a vector
with max−min ≤ 1 is the unique minimiser of Σ load² for a fixed total); BIG > every possible mismatch
total, so expertise is matched only among the most balanced plans, never at the price of balance.

The solver is successive shortest paths with Johnson potentials (Dijkstra) and, per phase, a multi-path
blocking flow (Dinic levels and current-arc pointers) along zero reduced-cost edges, which keeps 500×100 under a second.
"""
from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Hashable, Iterable, Mapping, Sequence

INF = float("inf")


class MinCostFlow:
    """A small min-cost flow on integer capacities and non-negative integer costs."""

    def __init__(self, n: int):
        self.n = n
        # each edge: [to, residual capacity, cost, index of the reverse edge in graph[to], original capacity]
        self.graph: list[list[list[int]]] = [[] for _ in range(n)]
        self._edges: list[tuple[int, int]] = []

    def add_edge(self, u: int, v: int, cap: int, cost: int) -> int:
        """Adds u→v; returns an edge id for `flow_on`."""
        if cost < 0:
            raise ValueError("costs must be non-negative")
        self.graph[u].append([v, cap, cost, len(self.graph[v]), cap])
        self.graph[v].append([u, 0, -cost, len(self.graph[u]) - 1, 0])
        self._edges.append((u, len(self.graph[u]) - 1))
        return len(self._edges) - 1

    def flow_on(self, edge_id: int) -> int:
        u, i = self._edges[edge_id]
        e = self.graph[u][i]
        return e[4] - e[1]

    def _dijkstra(self, s: int, pot: list[float]) -> list[float]:
        dist = [INF] * self.n
        dist[s] = 0
        heap = [(0, s)]
        graph = self.graph
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist[u]:
                continue
            pu = pot[u]
            for v, cap, cost, _rev, _orig in graph[u]:
                if cap > 0:
                    nd = d + cost + pu - pot[v]
                    if nd < dist[v]:
                        dist[v] = nd
                        heapq.heappush(heap, (nd, v))
        return dist

    def _levels(self, s: int, t: int, pot: list[float]) -> list[int] | None:
        """BFS levels over the admissible edges (residual capacity, zero reduced cost); None when t is cut off."""
        level = [-1] * self.n
        level[s] = 0
        queue = [s]
        graph = self.graph
        for u in queue:
            pu = pot[u]
            for v, cap, cost, _rev, _orig in graph[u]:
                if cap > 0 and level[v] < 0 and cost + pu - pot[v] == 0:
                    level[v] = level[u] + 1
                    queue.append(v)
        return level if level[t] >= 0 else None

    def _push(self, u: int, t: int, limit: int, level: list[int], it: list[int], pot: list[float]) -> int:
        """One augmenting path along the level graph; `it` is the current-arc pointer (Dinic), so an edge
        found useless is never scanned again in this phase."""
        if u == t:
            return limit
        graph = self.graph
        edges = graph[u]
        while it[u] < len(edges):
            e = edges[it[u]]
            v = e[0]
            if e[1] > 0 and level[v] == level[u] + 1 and e[2] + pot[u] - pot[v] == 0:
                got = self._push(v, t, min(limit, e[1]), level, it, pot)
                if got:
                    e[1] -= got
                    graph[v][e[3]][1] += got
                    return got
            it[u] += 1
        return 0

    def solve(self, s: int, t: int, limit: int | None = None) -> tuple[int, int]:
        """Sends as much flow as possible (up to `limit`) at minimum cost; returns (flow, cost)."""
        limit = sum(e[1] for e in self.graph[s]) if limit is None else limit
        pot: list[float] = [0] * self.n
        flow = 0
        while flow < limit:
            dist = self._dijkstra(s, pot)
            if dist[t] == INF:
                break
            dt_ = dist[t]
            for v in range(self.n):
                pot[v] += min(dist[v], dt_)
            while flow < limit:  # blocking flows on the zero reduced-cost subgraph (primal-dual with Dinic)
                level = self._levels(s, t, pot)
                if level is None:
                    break
                it = [0] * self.n
                while flow < limit:
                    got = self._push(s, t, limit - flow, level, it, pot)
                    if not got:
                        break
                    flow += got
        cost = 0
        for u, i in self._edges:
            e = self.graph[u][i]
            cost += (e[4] - e[1]) * e[2]
        return flow, cost


@dataclasses.dataclass(frozen=True)
class AssignmentPlan:
    pairs: dict[Hashable, list[Hashable]]  # application → experts newly assigned
    loads: dict[Hashable, int]  # expert → total load (existing + new)
    unfilled: dict[Hashable, int]  # application → reviewers still missing (no eligible expert left)
    mismatches: int  # new pairs whose expert does not cover the applicant's industry

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def plan_assignment(
    *,
    applications: Sequence[Hashable],
    experts: Sequence[Hashable],
    need: Mapping[Hashable, int],
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    matches: Iterable[tuple[Hashable, Hashable]] = (),
    existing: Iterable[tuple[Hashable, Hashable]] = (),
    existing_loads: Mapping[Hashable, int] | None = None,
) -> AssignmentPlan:
    """Gives every application `need[a]` more reviewers, never a conflicted one nor one already assigned
    (`existing`), matching expertise where balance allows and keeping loads within one of each other.

    `existing_loads` counts what each expert already carries (manual assignments) toward the balance."""
    conflicts = set(conflicts)
    matches = set(matches)
    existing = set(existing)
    loads0 = {e: int((existing_loads or {}).get(e, 0)) for e in experts}
    a_index = {a: 1 + i for i, a in enumerate(applications)}
    e_index = {e: 1 + len(applications) + j for j, e in enumerate(experts)}
    source, sink = 0, 1 + len(applications) + len(experts)
    demand = sum(max(0, int(need.get(a, 0))) for a in applications)
    big = demand + 1
    mcf = MinCostFlow(sink + 1)
    pair_edges: list[tuple[int, Hashable, Hashable]] = []
    candidates = {e: 0 for e in experts}
    for a in applications:
        n = max(0, int(need.get(a, 0)))
        if not n:
            continue
        mcf.add_edge(source, a_index[a], n, 0)
        for e in experts:
            if (a, e) in conflicts or (a, e) in existing:
                continue
            cost = 0 if (a, e) in matches else 1
            pair_edges.append((mcf.add_edge(a_index[a], e_index[e], 1, cost), a, e))
            candidates[e] += 1
    for e in experts:
        for t in range(1, candidates[e] + 1):
            mcf.add_edge(e_index[e], sink, 1, big * (loads0[e] + t))
    mcf.solve(source, sink, demand)
    pairs: dict[Hashable, list[Hashable]] = {a: [] for a in applications}
    loads = dict(loads0)
    mismatches = 0
    for edge_id, a, e in pair_edges:
        if mcf.flow_on(edge_id):
            pairs[a].append(e)
            loads[e] += 1
            mismatches += (a, e) not in matches
    unfilled = {a: int(need.get(a, 0)) - len(pairs[a]) for a in applications if int(need.get(a, 0)) > len(pairs[a])}
    return AssignmentPlan(pairs=pairs, loads=loads, unfilled=unfilled, mismatches=mismatches)
