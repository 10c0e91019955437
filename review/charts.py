"""Numbers and inline-SVG geometry for the stage page's charts (server-rendered; every chart also has a
table of its numbers).

1. Score distribution per item: for each item, each application's value is the mean of its submitted
   reviewers' percentages; the chart shows the minimum, mean and maximum of those values across the
   applications at the stage.
2. Divergence heat map per panel: rows = the panel's applications, columns = items, cell = max − min of the
   submitted reviewers' percentages (the spread the consensus page flags above scoring.DIVERGENCE_THRESHOLD).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal

from . import scoring
from .models import Criterion, Panel, Score

# Heat-map shades: spread (percentage points) → class; the legend lists the same bands.
HEAT_BANDS = ((Decimal("0"), Decimal("0"), "heat-0", "0"),
              (Decimal("0.01"), Decimal("10"), "heat-1", "5–10"),
              (Decimal("10.01"), Decimal("20"), "heat-2", "15–20"),
              (Decimal("20.01"), Decimal("30"), "heat-3", "25–30（分歧）"),
              (Decimal("30.01"), Decimal("100"), "heat-4", "35 以上（分歧）"))


def heat_class(spread: Decimal | None) -> str:
    if spread is None:
        return "heat-none"
    for low, high, css, _label in HEAT_BANDS:
        if low <= spread <= high:
            return css
    return "heat-4"


@dataclasses.dataclass
class ItemDistribution:
    criterion: Criterion
    n: int  # applications with submitted scores on the item
    low: Decimal
    mean: Decimal
    high: Decimal
    # SVG geometry (x in px)
    x_low: int = 0
    x_mean: int = 0
    x_high: int = 0
    y: int = 0


@dataclasses.dataclass
class HeatCell:
    spread: Decimal | None
    css: str
    percents: list[Decimal]
    x: int = 0
    y: int = 0


@dataclasses.dataclass
class HeatRow:
    reference: str
    name: str
    cells: list[HeatCell]
    y: int = 0


@dataclasses.dataclass
class HeatMap:
    title: str
    criteria: list[Criterion]
    rows: list[HeatRow]
    columns: list[tuple[str, int]] = dataclasses.field(default_factory=list)  # (item number, x of its label)
    width: int = 0
    height: int = 0


CHART_LEFT, CHART_WIDTH, ROW_H = 150, 420, 22
CELL_W, CELL_H, HEAT_LEFT, HEAT_TOP = 34, 22, 110, 70


def _submitted_scores(cycle, stage: str):
    return (Score.objects.filter(assignment__application__cycle=cycle, assignment__stage=stage,
                                 assignment__revoked_at__isnull=True, assignment__submitted_at__isnull=False)
            .select_related("criterion", "assignment__application__applicant")
            .only("percent", "criterion__number", "criterion__name", "criterion__points", "criterion__position",
                  "criterion__criteria_set_id", "assignment__panel_id", "assignment__application__reference",
                  "assignment__application__applicant__name"))


def stage_charts(cycle, stage: str) -> dict:
    """Both charts for one stage of one cycle, in two queries."""
    scores = list(_submitted_scores(cycle, stage))
    criteria: dict[int, Criterion] = {}
    per_item_app: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    per_panel: dict[int | None, dict[int, dict[int, list[Decimal]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    apps = {}
    for s in scores:
        criteria.setdefault(s.criterion_id, s.criterion)
        app = s.assignment.application
        apps[app.pk] = app
        per_item_app[s.criterion_id][app.pk].append(s.percent)
        per_panel[s.assignment.panel_id][app.pk][s.criterion_id].append(s.percent)
    ordered = sorted(criteria.values(), key=lambda c: (c.criteria_set_id, c.position))

    distribution = []
    for i, c in enumerate(ordered):
        values = [scoring.mean(v) for v in per_item_app[c.pk].values()]
        d = ItemDistribution(c, len(values), min(values), scoring.mean(values), max(values))
        scale = lambda p: CHART_LEFT + int(CHART_WIDTH * p / 100)  # noqa: E731
        d.x_low, d.x_mean, d.x_high, d.y = scale(d.low), scale(d.mean), scale(d.high), i * ROW_H
        distribution.append(d)

    names = {p.pk: p.name for p in Panel.objects.filter(pk__in=[k for k in per_panel if k])}
    heatmaps = []
    for panel_id in sorted(per_panel, key=lambda k: (k is None, k or 0)):
        by_app = per_panel[panel_id]
        cols = [c for c in ordered if any(c.pk in items for items in by_app.values())]
        rows = []
        for i, app_id in enumerate(sorted(by_app, key=lambda a: apps[a].reference)):
            cells = []
            for j, c in enumerate(cols):
                values = by_app[app_id].get(c.pk, [])
                spread = scoring.spread(values) if values else None
                cells.append(HeatCell(spread, heat_class(spread), sorted(values), x=HEAT_LEFT + j * CELL_W,
                                      y=HEAT_TOP + i * CELL_H))
            rows.append(HeatRow(apps[app_id].reference, apps[app_id].applicant.name, cells, y=HEAT_TOP + i * CELL_H + 15))
        heatmaps.append(HeatMap(names.get(panel_id, "未分组（从专家库直接分配）"), cols, rows,
                                [(c.number, HEAT_LEFT + j * CELL_W + CELL_W // 2) for j, c in enumerate(cols)],
                                width=HEAT_LEFT + CELL_W * len(cols) + 10, height=HEAT_TOP + CELL_H * len(rows) + 4))
    return {"distribution": distribution, "dist_height": ROW_H * len(distribution) + 24,
            "dist_width": CHART_LEFT + CHART_WIDTH + 60, "left": CHART_LEFT, "right": CHART_LEFT + CHART_WIDTH,
            "mid": CHART_LEFT + CHART_WIDTH // 2, "axis_y": ROW_H * len(distribution) + 14,
            "heatmaps": heatmaps, "cell_w": CELL_W, "cell_h": CELL_H, "heat_left": HEAT_LEFT, "heat_top": HEAT_TOP,
            "legend": [(css, label) for _l, _h, css, label in HEAT_BANDS], "threshold": scoring.DIVERGENCE_THRESHOLD}
