"""Permission-aware reads for review: criteria, conflicts, a reviewer's assignments and what they may see,
consensus sheets, stage rankings, composite scores, votes, the office's review agencies and contracts."""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from awards.models import Applicant, Application, Status
from awards.selectors import awards_for_office
from core.text import comparable
from core.errors import DomainError
from jurisdictions.models import Body, BodyKind, Role
from jurisdictions.rules import STAGE_LABELS, Rules
from jurisdictions.selectors import memberships

from . import scoring
from .models import (
    AgencyContract,
    Assignment,
    ConflictDeclaration,
    ConsensusScore,
    CriteriaCategory,
    CriteriaSet,
    Criterion,
    FeedbackDirection,
    Expert,
    Panel,
    Score,
    StageResult,
)
from .permissions import VIEW_APPLICATION, is_office, is_supervisor

# ---------------------------------------------------------------- criteria


def criteria_sets_public():
    return CriteriaSet.objects.select_related("jurisdiction").prefetch_related("categories", "criteria").order_by("-builtin", "code")


def criteria_set_detail(code: str) -> CriteriaSet:
    """Raises CriteriaSet.DoesNotExist for an unknown code."""
    return CriteriaSet.objects.prefetch_related(
        Prefetch("categories", queryset=CriteriaCategory.objects.prefetch_related(
            Prefetch("items", queryset=Criterion.objects.order_by("position"))).order_by("position"))
    ).get(code=code)


def criteria_code_for(application: Application, stage: str) -> str:
    """The ruleset names the sheet: by category, and the defense stage by its own key ("defense")."""
    rules = Rules(application.cycle.ruleset.data)
    code = (rules.criteria_code(stage) if stage == "defense" else None) or rules.criteria_code(application.category)
    if not code:
        raise DomainError("本奖项规则未指定该类别的评分标准。", code="no_criteria")
    return code


def criteria_for(application: Application, stage: str) -> CriteriaSet:
    code = criteria_code_for(application, stage)
    try:
        return CriteriaSet.objects.get(code=code)
    except CriteriaSet.DoesNotExist:
        raise DomainError(f"评分标准“{code}”尚未载入（manage.py load_criteria）。", code="no_criteria") from None


# ---------------------------------------------------------------- conflicts

def normalise_name(name: str | None) -> str:
    """Names compared for conflicts: core.text.comparable (NFKC, no invisible characters, no spaces, case-folded)."""
    return comparable(name)


def _applicant_orgs(applicant: Applicant) -> set[str]:
    names = {normalise_name(applicant.name), normalise_name(applicant.employer)}
    if applicant.parent_id:
        names.add(normalise_name(applicant.parent.name))
    return {n for n in names if n}


def conflicts_between(experts: Iterable[Expert], applications: Iterable[Application]) -> dict[tuple[int, int], str]:
    """(application id, expert id) → reason, for every conflicted pair: a declaration naming the applicant
    (or its credit code, name or parent), or the expert's employer being the applicant, its parent
    organisation, or (for a person) the applicant's employer. Former employers count whatever the years."""
    experts = list(experts)
    applications = list(applications)
    if not experts or not applications:
        return {}
    declarations = defaultdict(list)
    for d in ConflictDeclaration.objects.filter(expert__in=[e.pk for e in experts]):
        declarations[d.expert_id].append(d)
    employer_names = {normalise_name(e.employer) for e in experts if e.employer}
    # the parent organisation of an expert's employer, when the employer is itself a known applicant
    employer_parent = {}
    if employer_names:
        for a in Applicant.objects.filter(parent__isnull=False).select_related("parent"):
            n = normalise_name(a.name)
            if n in employer_names:
                employer_parent[n] = normalise_name(a.parent.name)
    out: dict[tuple[int, int], str] = {}
    for app in applications:
        applicant = app.applicant
        orgs = _applicant_orgs(applicant)
        codes = {c for c in (applicant.credit_code, applicant.parent.credit_code if applicant.parent_id else None) if c}
        for e in experts:
            emp = normalise_name(e.employer)
            if emp and (emp in orgs or employer_parent.get(emp) in orgs):
                out[(app.pk, e.pk)] = f"专家工作单位“{e.employer}”与申报主体相同或同属一个上级组织"
                continue
            for d in declarations.get(e.pk, ()):
                if (d.applicant_id and d.applicant_id in {applicant.pk, applicant.parent_id}) or \
                        (d.credit_code and d.credit_code in codes) or \
                        (d.organisation_name and normalise_name(d.organisation_name) in orgs):
                    out[(app.pk, e.pk)] = f"专家已申报利益冲突：{d.get_relation_display()}"
                    break
    return out


def is_conflicted(expert: Expert, application: Application) -> bool:
    return bool(conflicts_between([expert], [application]))


# ---------------------------------------------------------------- pools, panels, stage applications


def stage_applications(cycle, stage: str):
    """Applications waiting at a review stage (stage == code and status pending)."""
    return (Application.objects.filter(cycle=cycle, stage=stage, status=Status.PENDING)
            .select_related("applicant__parent", "cycle__ruleset").order_by("reference"))


def expert_pool(jurisdiction):
    return Expert.objects.filter(jurisdiction=jurisdiction, active=True).order_by("id")


def stage_panels(cycle, stage: str):
    return Panel.objects.filter(cycle=cycle, stage=stage, dissolved_at__isnull=True).prefetch_related("members")


def stage_reviewers(cycle, stage: str) -> list[Expert]:
    """The stage's panel members, or the jurisdiction's whole active pool when no panel was drawn."""
    panels = list(stage_panels(cycle, stage))
    if panels:
        seen: dict[int, Expert] = {}
        for p in panels:
            for e in p.members.all():
                if e.active:
                    seen.setdefault(e.pk, e)
        return sorted(seen.values(), key=lambda e: e.pk)
    return list(expert_pool(cycle.award.jurisdiction))


# ---------------------------------------------------------------- reviewer access


def active_assignments():
    return Assignment.objects.filter(revoked_at__isnull=True, access_ended_at__isnull=True)


def my_assignments(user):
    if not user or not user.is_authenticated:
        return Assignment.objects.none()
    return (active_assignments().filter(expert__user=user)
            .select_related("application__applicant", "application__cycle__award", "criteria_set", "panel", "expert")
            .order_by("application__cycle_id", "stage", "application__reference"))


def my_assignment_rows(user) -> list[dict]:
    """The reviewer's list page, read as plain rows: only the columns it shows, the number of items scored
    counted in a correlated subquery (no GROUP BY over every joined column, no model instances)."""
    if not user or not user.is_authenticated:
        return []
    scored = (Score.objects.filter(assignment=OuterRef("pk")).order_by().values("assignment")
              .annotate(n=Count("pk")).values("n"))
    rows = list(active_assignments().filter(expert__user=user)
                .annotate(n_scores=Coalesce(Subquery(scored), 0))
                .order_by("application__cycle_id", "stage", "application__reference")
                .values("pk", "stage", "submitted_at", "n_scores", "application__reference", "application__applicant__name",
                        "application__cycle__award__name", "criteria_set__name"))
    for r in rows:
        r["stage_label"] = STAGE_LABELS.get(r["stage"], r["stage"])
    return rows


def reviewer_assignment(user, pk: int, *, with_feedback: bool = False) -> Assignment:
    """The user's own active assignment, only while they hold the object permission and are not conflicted.
    Raises Assignment.DoesNotExist otherwise (the view answers 404). `with_feedback` brings the reviewer's
    rating of the applicant on the same row (`applicant_feedback`; the attribute is absent when there is none)."""
    qs = my_assignments(user).select_related("application__applicant__parent", "application__cycle__ruleset")
    if with_feedback:
        qs = qs.annotate(applicant_feedback=FilteredRelation(
            "feedback", condition=Q(feedback__direction=FeedbackDirection.ON_APPLICANT))).select_related("applicant_feedback")
    assignment = qs.get(pk=pk)
    if not user.has_perm(VIEW_APPLICATION, assignment.application) or is_conflicted(assignment.expert, assignment.application):
        raise Assignment.DoesNotExist
    return assignment


def can_review_application(user, application) -> bool:
    if not user or not user.is_authenticated or not user.has_perm(VIEW_APPLICATION, application):
        return False
    assignments = list(active_assignments().filter(expert__user=user, application=application).select_related("expert"))
    return any(not is_conflicted(a.expert, application) for a in assignments)


def can_see_trade_secrets(user, application) -> bool:
    """Trade-secret materials: the award office, and a reviewer only while assigned
    (二连浩特 第三十条: 参与评审的人员须保守商业秘密、技术秘密)."""
    return is_office(user, application.cycle) or can_review_application(user, application)


def materials_for_reviewer(user, application, *, may_see_secrets: bool | None = None):
    """`may_see_secrets`: the caller already knows (a reviewer on their own checked assignment may)."""
    qs = application.materials.all()
    if may_see_secrets is None:
        may_see_secrets = can_see_trade_secrets(user, application)
    return qs if may_see_secrets else qs.filter(trade_secret=False)


def panel_leader_user_ids(application, stage: str) -> set[int]:
    return set(Panel.objects.filter(assignments__application=application, assignments__stage=stage,
                                    dissolved_at__isnull=True, leader__user__isnull=False)
               .values_list("leader__user_id", flat=True))


def is_panel_leader(user, application, stage: str) -> bool:
    return bool(user and user.is_authenticated and user.pk in panel_leader_user_ids(application, stage))


def may_record_consensus(user, application, stage: str) -> bool:
    """The office, a review agency under a live contract for the cycle, or the panel leader."""
    from .permissions import may_manage_review

    return may_manage_review(user, application.cycle) or is_panel_leader(user, application, stage)


@dataclasses.dataclass(frozen=True)
class ScoreReader:
    """What decides which score sheets a user reads for one application at one stage."""
    office: bool = False
    supervisor: bool = False
    leader: bool = False


def score_reader(user, application, stage: str) -> ScoreReader:
    """is_office, is_supervisor and is_panel_leader for one application and stage, in one query."""
    from jurisdictions.models import Role
    from jurisdictions.selectors import memberships

    if not user or not user.is_authenticated:
        return ScoreReader()
    here = memberships(user).filter(body__jurisdiction_id=application.cycle.award.jurisdiction_id)
    row = (get_user_model().objects.filter(pk=user.pk)
           .annotate(office=Exists(here.filter(role__in=(Role.OFFICE, Role.ADMIN))),
                     supervisor=Exists(here.filter(role=Role.SUPERVISOR)),
                     leader=Exists(Panel.objects.filter(assignments__application=application, assignments__stage=stage,
                                                        dissolved_at__isnull=True, leader__user=OuterRef("pk"))))
           .values("office", "supervisor", "leader").first())
    return ScoreReader(**row) if row else ScoreReader()


_UNSET = object()


def visible_scores(user, application, stage: str, *, own=_UNSET, reader: ScoreReader | None = None, including=None):
    """Scores this user may read for an application at a stage. A reviewer reads only their own until they
    have submitted; then the other submitted sheets. The leader reads every submitted sheet (their own
    first if they are also a reviewer); the office and supervisors read all submitted sheets.
    A caller that already holds the user's own assignment (`own`) and `score_reader` passes them in;
    `including` (an assignment) adds that sheet's scores to the same query, for the caller to set apart."""
    base = Score.objects.filter(assignment__application=application, assignment__stage=stage,
                                assignment__revoked_at__isnull=True).select_related("criterion", "assignment__expert")
    if not user or not user.is_authenticated:
        return base.none()
    if including is not None:
        rule = visible_scores(user, application, stage, own=own, reader=reader)
        return base.filter(Q(pk__in=rule.values("pk")) | Q(assignment=including))
    if own is _UNSET:
        own = Assignment.objects.filter(application=application, stage=stage, revoked_at__isnull=True, expert__user=user).first()
    if reader is not None:
        if reader.office or reader.supervisor:
            return base.filter(assignment__submitted_at__isnull=False)
        leader = reader.leader
    else:
        if is_office(user, application.cycle) or is_supervisor(user, application.cycle):
            return base.filter(assignment__submitted_at__isnull=False)
        leader = is_panel_leader(user, application, stage)
    if own is None:
        return base.filter(assignment__submitted_at__isnull=False) if leader else base.none()
    if own.submitted_at is None:
        return base.filter(assignment=own)
    return base.filter(Q(assignment=own) | Q(assignment__submitted_at__isnull=False))


# ---------------------------------------------------------------- consensus


@dataclasses.dataclass
class ConsensusLine:
    criterion: Criterion
    percents: list[Decimal]
    mean: Decimal
    spread: Decimal
    divergent: bool
    suggested: Decimal
    consensus: ConsensusScore | None
    comments: list[tuple[str, str]]  # (strengths, opportunities) per reviewer


def consensus_sheet(application, stage: str) -> list[ConsensusLine]:
    """Per item: the submitted reviewers' percentages, mean, spread (flagged above the threshold), the
    suggested consensus and what was recorded."""
    cs = criteria_for(application, stage)
    scores = defaultdict(list)
    comments = defaultdict(list)
    for s in Score.objects.filter(assignment__application=application, assignment__stage=stage,
                                  assignment__revoked_at__isnull=True, assignment__submitted_at__isnull=False):
        scores[s.criterion_id].append(s.percent)
        if s.strengths or s.opportunities:
            comments[s.criterion_id].append((s.strengths, s.opportunities))
    recorded = {c.criterion_id: c for c in ConsensusScore.objects.filter(application=application, stage=stage)}
    lines = []
    for crit in cs.criteria.order_by("position"):
        values = scores.get(crit.pk, [])
        lines.append(ConsensusLine(crit, values, scoring.mean(values), scoring.spread(values), scoring.is_divergent(values),
                                   scoring.suggested_consensus(values), recorded.get(crit.pk), comments.get(crit.pk, [])))
    return lines


# ---------------------------------------------------------------- ranking and composite


@dataclasses.dataclass(frozen=True)
class RankingRow:
    application: Application
    total: Decimal
    rank: int
    max_points: Decimal = Decimal("0")

    @property
    def percent(self) -> Decimal:
        return scoring.stage_percent(self.total, self.max_points)


def _ranked(items: list[tuple[Application, Decimal, Decimal]]) -> list[RankingRow]:
    """Competition ranking (1, 1, 3): equal totals share a rank; ties listed by reference."""
    items = sorted(items, key=lambda t: (-t[1], t[0].reference))
    rows, prev, rank = [], None, 0
    for i, (app, total, max_points) in enumerate(items, start=1):
        if total != prev:
            rank, prev = i, total
        rows.append(RankingRow(app, total, rank, max_points))
    return rows


def stage_ranking(cycle, stage_code: str) -> list[RankingRow]:
    """Applications of the cycle with an agreed total at the stage, best first."""
    results = (StageResult.objects.filter(application__cycle=cycle, stage=stage_code)
               .select_related("application__applicant"))
    return _ranked([(r.application, r.total, r.max_points) for r in results])


def normalised_stage_totals(cycle, stage_code: str) -> dict[int, Decimal]:
    """Application id → z-score-normalised mean of its reviewers' raw totals (optional view of leniency)."""
    per_reviewer: dict[int, dict[int, Decimal]] = defaultdict(dict)
    sums = defaultdict(Decimal)
    for s in Score.objects.filter(assignment__application__cycle=cycle, assignment__stage=stage_code,
                                  assignment__revoked_at__isnull=True, assignment__submitted_at__isnull=False
                                  ).select_related("criterion").only("percent", "criterion__points", "assignment_id",
                                                                     "assignment__expert_id", "assignment__application_id"):
        sums[(s.assignment.expert_id, s.assignment.application_id)] += scoring.item_points(s.percent, s.criterion.points)
    for (expert_id, app_id), total in sums.items():
        per_reviewer[expert_id][app_id] = total
    return scoring.zscore_normalise(per_reviewer)


@dataclasses.dataclass(frozen=True)
class CompositeRow:
    application: Application
    stage_percents: dict[str, Decimal]
    composite: Decimal | None
    rank: int | None


def composite_ranking(cycle) -> list[CompositeRow]:
    """Composite = Σ weight × stage percentage (each stage total on a 100-point scale) with the cycle's
    ruleset composite_weights; applications missing a weighted stage come last without a composite."""
    weights = Rules(cycle.ruleset.data).composite_weights
    per_app: dict[int, dict[str, Decimal]] = defaultdict(dict)
    apps: dict[int, Application] = {}
    for r in StageResult.objects.filter(application__cycle=cycle, stage__in=list(weights)).select_related("application__applicant"):
        per_app[r.application_id][r.stage] = scoring.stage_percent(r.total, r.max_points)
        apps[r.application_id] = r.application
    scored = [(apps[a], percents, scoring.composite(percents, weights)) for a, percents in per_app.items()]
    complete = sorted([t for t in scored if t[2] is not None], key=lambda t: (-t[2], t[0].reference))
    rows, prev, rank = [], None, 0
    for i, (app, percents, comp) in enumerate(complete, start=1):
        if comp != prev:
            rank, prev = i, comp
        rows.append(CompositeRow(app, percents, comp, rank))
    rows += [CompositeRow(app, percents, None, None) for app, percents, comp in
             sorted([t for t in scored if t[2] is None], key=lambda t: t[0].reference)]
    return rows


# ---------------------------------------------------------------- committee


def open_votes_for_member(user):
    """Open votes of the awards whose committee the user sits on."""
    from jurisdictions.models import Role
    from jurisdictions.selectors import memberships

    from .models import CommitteeVote

    body_ids = list(memberships(user, Role.COMMITTEE).values_list("body_id", flat=True))
    if not body_ids:
        return CommitteeVote.objects.none()
    return (CommitteeVote.objects.filter(closed_at__isnull=True, cycle__award__committee_id__in=body_ids)
            .select_related("cycle__award").order_by("-opened_at"))


# ---------------------------------------------------------------- review agencies
def agencies_for_office(user):
    """Review agencies registered in the jurisdictions whose award office this user works in."""
    ids = {m.body.jurisdiction_id for m in memberships(user, Role.OFFICE)}
    return Body.objects.filter(kind=BodyKind.REVIEW_AGENCY, jurisdiction_id__in=ids).select_related("jurisdiction").order_by("name")


def contracts_for_office(user):
    """Agency contracts of the awards whose office this user works in, latest first."""
    return (AgencyContract.objects.filter(award__in=awards_for_office(user)).select_related("cycle__award", "agency", "award")
            .order_by("-starts_on", "-id"))
