"""The feedback report (评审反馈报告) for one application: per stage, scores per category and item, the
band, and the panel's strengths and opportunities for improvement, rendered to PDF with WeasyPrint.

The url_fetcher refuses every URL except data: URIs, so a report can never read local files (file://)
or reach the network whatever text an applicant or reviewer typed into it.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal

from django.template.loader import render_to_string

from core import clock
from jurisdictions.rules import STAGE_LABELS

from . import scoring
from .models import ConsensusScore, StageResult

PDF_FONT = "Noto Sans CJK SC"


class RefusedURL(ValueError):
    pass


def _fetcher():
    from weasyprint.urls import URLFetcher

    class DataOnlyURLFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if not str(url).lower().startswith("data:"):
                raise RefusedURL(f"refused to fetch {str(url)[:80]}")
            return super().fetch(url, headers)

    return DataOnlyURLFetcher()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf()


@dataclasses.dataclass
class ItemLine:
    number: str
    name: str
    points: Decimal
    percent: Decimal
    score: Decimal
    band: str
    strengths: str
    opportunities: str


@dataclasses.dataclass
class CategoryLine:
    number: str
    name: str
    points: Decimal
    score: Decimal
    items: list[ItemLine]

    @property
    def percent(self) -> Decimal:
        return scoring.stage_percent(self.score, self.points)

    @property
    def band(self) -> str:
        return scoring.band_label(self.percent)


@dataclasses.dataclass
class StageReport:
    stage: str
    label: str
    criteria_name: str
    total: Decimal
    max_points: Decimal
    categories: list[CategoryLine]


def feedback_report_data(application) -> list[StageReport]:
    results = {r.stage: r for r in StageResult.objects.filter(application=application).select_related("criteria_set")}
    by_stage = defaultdict(dict)
    for c in ConsensusScore.objects.filter(application=application).select_related("criterion__category"):
        by_stage[c.stage][c.criterion_id] = c
    reports = []
    for stage, result in results.items():
        cs = result.criteria_set
        cats = []
        for cat in cs.categories.prefetch_related("items").order_by("position"):
            items = []
            for crit in cat.items.all():
                c = by_stage[stage].get(crit.pk)
                if c is None:
                    continue
                items.append(ItemLine(crit.number, crit.name, crit.points, c.percent, scoring.item_points(c.percent, crit.points),
                                      scoring.band_label(c.percent), c.strengths, c.opportunities))
            cats.append(CategoryLine(cat.number, cat.name, cat.points, sum((i.score for i in items), Decimal("0.00")), items))
        reports.append(StageReport(stage, STAGE_LABELS.get(stage, stage), cs.name, result.total, result.max_points, cats))
    order = list(STAGE_LABELS)
    return sorted(reports, key=lambda r: order.index(r.stage) if r.stage in order else 99)


def feedback_report_pdf(application) -> bytes:
    html = render_to_string("review/pdf/feedback.html", {
        "application": application, "applicant": application.applicant, "cycle": application.cycle,
        "stages": feedback_report_data(application), "today": clock.today(), "PDF_FONT": PDF_FONT,
    })
    return html_to_pdf(html)
