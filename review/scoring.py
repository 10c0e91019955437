"""Scoring arithmetic (pure): percentages in steps of 5, bands, item points, consensus suggestions,
divergence, z-score normalisation, composite scores and committee tallies. All numbers are Decimal."""
from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from core.errors import DomainError

STEP = Decimal("5")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
# GB/Z 19579 评分指南: six bands of percentages, scored in steps of 5%.
BANDS = ((0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100))
# A spread (max − min of the reviewers' percentages on one item) above this is flagged for the consensus.
DIVERGENCE_THRESHOLD = Decimal("20")


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_percent(value) -> Decimal:
    """A percentage a reviewer may give: 0–100 in steps of 5."""
    try:
        p = Decimal(str(value).strip())
    except Exception:
        raise DomainError("得分率必须是数字。", code="invalid_percent") from None
    if not p.is_finite() or p < 0 or p > HUNDRED or p % STEP != 0:
        raise DomainError(f"得分率 {value} 无效：须在 0–100 之间，且以 5% 为步长。", code="invalid_percent")
    return p.quantize(CENT)


def band_index(percent: Decimal) -> int:
    p = Decimal(percent)
    for i, (low, high) in enumerate(BANDS):
        if p <= high:
            return i if p >= low else max(i - 1, 0)
    return len(BANDS) - 1


def band_label(percent: Decimal) -> str:
    low, high = BANDS[band_index(percent)]
    return f"{low}%–{high}%"


def band_descriptor(percent: Decimal, bands: Sequence[Mapping]) -> str:
    i = band_index(percent)
    return bands[i]["descriptor"] if i < len(bands) else ""


def item_points(percent: Decimal, points: Decimal) -> Decimal:
    """Item score = percentage × the item's points (e.g. 55% of 50 = 27.50)."""
    return q2(Decimal(percent) * Decimal(points) / HUNDRED)


def total_points(percent_by_item: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ item points over (percent, points) pairs; each item rounded to 0.01 first, as the sheet shows."""
    return q2(sum((item_points(p, pts) for p, pts in percent_by_item), Decimal("0")))


def mean(values: Sequence[Decimal]) -> Decimal:
    return q2(sum(values, Decimal("0")) / len(values)) if values else Decimal("0.00")


def spread(values: Sequence[Decimal]) -> Decimal:
    return q2(max(values) - min(values)) if values else Decimal("0.00")


def suggested_consensus(values: Sequence[Decimal]) -> Decimal:
    """The reviewers' mean rounded to the nearest step of 5 (half up): the leader may record it without
    a reason; any other consensus percentage needs a written reason."""
    if not values:
        return Decimal("0.00")
    m = sum(values, Decimal("0")) / len(values)
    return ((m / STEP).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * STEP).quantize(CENT)


def is_divergent(values: Sequence[Decimal], threshold: Decimal = DIVERGENCE_THRESHOLD) -> bool:
    return len(values) > 1 and max(values) - min(values) > threshold


def zscore_normalise(totals_by_reviewer: Mapping[object, Mapping[object, Decimal]]) -> dict[object, Decimal]:
    """Removes each reviewer's leniency: a reviewer's totals become z-scores over their own applications,
    mapped back onto the grand mean and standard deviation; an application's normalised score is the mean
    over its reviewers. A reviewer with one application or no spread keeps their raw totals."""
    all_values = [Decimal(v) for per in totals_by_reviewer.values() for v in per.values()]
    if not all_values:
        return {}
    grand_mean = statistics.fmean(float(v) for v in all_values)
    grand_sd = statistics.pstdev([float(v) for v in all_values]) if len(all_values) > 1 else 0.0
    collected: dict[object, list[float]] = {}
    for per in totals_by_reviewer.values():
        values = [float(v) for v in per.values()]
        r_mean = statistics.fmean(values)
        r_sd = statistics.pstdev(values) if len(values) > 1 else 0.0
        for app, v in per.items():
            norm = grand_mean + (float(v) - r_mean) / r_sd * grand_sd if r_sd > 0 else float(v)
            collected.setdefault(app, []).append(norm)
    return {app: q2(Decimal(str(statistics.fmean(vs)))) for app, vs in collected.items()}


def stage_percent(total: Decimal, max_points: Decimal) -> Decimal:
    """A stage total on a 100-point scale, so stages with different sheets (1000 / 100) can be weighted."""
    return q2(Decimal(total) * HUNDRED / Decimal(max_points)) if max_points else Decimal("0.00")


def composite(stage_percents: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Σ weight × stage percentage over the weighted stages; None when a weighted stage has no result."""
    if any(stage not in stage_percents for stage in weights):
        return None
    return q2(sum((Decimal(w) * Decimal(stage_percents[s]) for s, w in weights.items()), Decimal("0")))


def parse_fraction(text: str) -> Fraction:
    try:
        f = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise DomainError(f"比例“{text}”无效，应写作如 2/3。", code="invalid_fraction") from None
    if not 0 < f <= 1:
        raise DomainError(f"比例“{text}”须在 0 与 1 之间。", code="invalid_fraction")
    return f


@dataclasses.dataclass(frozen=True)
class Tally:
    votes_for: int
    votes_against: int
    votes_abstain: int
    recused: int
    eligible: int  # members minus recused
    present: int  # members who voted (for/against/abstain)
    quorum_met: bool
    passed: bool


def tally(*, member_count: int, choices: Iterable[str], recused: int, quorum: str, majority: str,
          majority_base: str = "present") -> Tally:
    """Quorum: voters ≥ quorum × eligible members. Majority "1/2" means more than half (过半数); a larger
    fraction such as "2/3" means that share or more (“以上”包括本数). The base is those present, or every
    eligible member when the ruleset's committee says majority_base = "members"."""
    choices = list(choices)
    f, a, ab = choices.count("for"), choices.count("against"), choices.count("abstain")
    eligible = max(member_count - recused, 0)
    present = f + a + ab
    q, m = parse_fraction(quorum), parse_fraction(majority)
    quorum_met = eligible > 0 and Fraction(present) >= q * eligible
    base = eligible if majority_base == "members" else present
    needed = m * base
    passed = quorum_met and (Fraction(f) > needed if m == Fraction(1, 2) else Fraction(f) >= needed) and f > 0
    return Tally(f, a, ab, recused, eligible, present, quorum_met, passed)
