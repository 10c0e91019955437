"""Permission-aware reads for the pool, encouraged applicants and prize money. Lists are scoped by
the user's memberships; anything outside them is simply absent (views turn that into 404)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q

from core import clock
from jurisdictions.models import Award, BodyKind, Jurisdiction, Role
from jurisdictions.selectors import memberships

from .models import ApplicantMember, Application, Cycle, Grant, HistoryImport, PoolMember, Training


def office_awards(user):
    """Awards whose office this user works in (the award's jurisdiction)."""
    ids = {m.body.jurisdiction_id for m in memberships(user, Role.OFFICE)}
    return Award.objects.filter(jurisdiction_id__in=ids).select_related("jurisdiction").order_by("jurisdiction__code", "slug")


def _descendant_ids(roots: set[int]) -> set[int]:
    out, frontier = set(roots), set(roots)
    while frontier:
        frontier = set(Jurisdiction.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - out
        out |= frontier
    return out


def precheck_county_ids(user) -> set[int]:
    """Counties whose market-regulation body the user works in as pre-checker (and anything under them)."""
    roots = {m.body.jurisdiction_id for m in memberships(user, Role.PRECHECK) if m.body.kind == BodyKind.MARKET_REGULATION}
    return _descendant_ids(roots) if roots else set()


def pool_members_visible(user):
    """Office: its awards' pools; county market regulation: members in its county; an organisation: its own."""
    if not user or not user.is_authenticated:
        return PoolMember.objects.none()
    cond = Q(award__in=office_awards(user))
    counties = precheck_county_ids(user)
    if counties:
        cond |= Q(county_id__in=counties)
    own = list(ApplicantMember.objects.filter(user=user).values_list("applicant_id", "applicant__credit_code"))
    if own:
        cond |= Q(applicant_id__in=[a for a, _ in own]) | Q(credit_code__in=[c for _, c in own if c])
    return (PoolMember.objects.filter(cond).select_related("award__jurisdiction", "county", "applicant", "recommended_by_body")
            .order_by("award__jurisdiction__code", "-joined_on", "name"))


def pool_member_for(user, pk: int) -> PoolMember:
    return pool_members_visible(user).get(pk=pk)


def may_manage_pool(user, member: PoolMember) -> bool:
    return office_awards(user).filter(pk=member.award_id).exists()


def trainings_visible(user):
    members = pool_members_visible(user)
    return (Training.objects.filter(Q(award__in=office_awards(user)) | Q(attendees__in=members)).distinct()
            .select_related("award").prefetch_related("attendees").order_by("-date", "-id"))


def pool_history_for(application: Application) -> dict | None:
    """What the office sees beside an application: when the unit joined the award's pool, how, and which
    trainings it attended. None when it never was in the pool."""
    applicant = application.applicant
    award = application.cycle.award
    cond = Q(applicant=applicant)
    if applicant.credit_code:
        cond |= Q(credit_code=applicant.credit_code)
    member = (PoolMember.objects.filter(cond, award=award).select_related("recommended_by_body")
              .prefetch_related("trainings").first())
    if member is None:
        return None
    trainings = sorted(member.trainings.all(), key=lambda t: t.date)
    years = (clock.today() - member.joined_on).days // 365
    return {"member": member, "trainings": trainings, "years_in_pool": years}


# ---- encouraged ---------------------------------------------------------------------------------------------------
def applications_filtered(cycle: Cycle, encouraged: str | None = None):
    """A cycle's applications, optionally only those declaring an encouraged kind (a filter, never a score)."""
    qs = cycle.applications.select_related("applicant", "applicant__county").order_by("reference")
    if encouraged:
        qs = qs.filter(encouraged__contains=[encouraged])
    return qs


def office_cycle(user, pk: int) -> Cycle:
    return Cycle.objects.select_related("award__jurisdiction", "ruleset").get(pk=pk, award__in=office_awards(user))


def office_cycles(user):
    return Cycle.objects.filter(award__in=office_awards(user)).select_related("award").order_by("award__slug", "-number")


# ---- money --------------------------------------------------------------------------------------------------------
def grants_visible(user):
    """Office: grants of its awards; applicants: their own."""
    if not user or not user.is_authenticated:
        return Grant.objects.none()
    own = ApplicantMember.objects.filter(user=user).values("applicant_id")
    return (Grant.objects.filter(Q(award__in=office_awards(user)) | Q(applicant_id__in=own))
            .select_related("award__jurisdiction", "applicant").order_by("-year", "award__slug", "serial"))


def money_grants(user):
    """Grants where money is involved: a prize, or a prize to recover."""
    return grants_visible(user).filter(Q(prize_amount__gt=0) | Q(prize_to_recover__gt=0))


def history_imports(user):
    ids = {m.body.jurisdiction_id for m in memberships(user, Role.OFFICE)}
    return HistoryImport.objects.filter(jurisdiction_id__in=ids).order_by("-uploaded_at", "-pk")
