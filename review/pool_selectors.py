"""Permission-aware reads for the office's expert-pool pages, manual assignment and the supervision feedback
pages (kept apart from review.selectors, which serves the reviewer's and the stage's pages)."""
from __future__ import annotations

from django.db.models import Count, Prefetch

from awards.models import ApplicantMember, Application
from jurisdictions.models import Jurisdiction, Role
from jurisdictions.selectors import memberships

from .models import Assignment, ConflictDeclaration, Expert, FeedbackDirection, SupervisionFeedback


def office_jurisdictions(user):
    """Jurisdictions whose award office (or admin) this user works in."""
    if not user or not user.is_authenticated:
        return Jurisdiction.objects.none()
    ids = memberships(user).filter(role__in=(Role.OFFICE, Role.ADMIN)).values("body__jurisdiction_id")
    return Jurisdiction.objects.filter(pk__in=ids).order_by("code")


def experts_visible(user, *, industry: str = "", active: str = ""):
    """The pool of the user's jurisdictions, filtered by industry and in/out of the pool ("1" / "0")."""
    qs = (Expert.objects.filter(jurisdiction__in=office_jurisdictions(user)).select_related("jurisdiction", "user")
          .annotate(n_assignments=Count("assignments", distinct=True), n_conflicts=Count("conflicts", distinct=True))
          .order_by("jurisdiction__code", "name", "id"))
    if industry:
        qs = qs.filter(industries__contains=[industry])
    if active in ("1", "0"):
        qs = qs.filter(active=active == "1")
    return qs


def pool_industries(user) -> list[str]:
    seen = set()
    for values in Expert.objects.filter(jurisdiction__in=office_jurisdictions(user)).values_list("industries", flat=True):
        seen.update(values or [])
    return sorted(seen)


def expert_for_office(user, pk: int) -> Expert:
    """Raises Expert.DoesNotExist outside the user's jurisdictions (the view answers 404)."""
    return (Expert.objects.filter(jurisdiction__in=office_jurisdictions(user)).select_related("jurisdiction", "user")
            .prefetch_related(Prefetch("conflicts", queryset=ConflictDeclaration.objects.select_related("applicant")))
            .get(pk=pk))


def expert_record(expert: Expert):
    """Every assignment the expert had, newest cycle first: the past-cycle record."""
    return (Assignment.objects.filter(expert=expert)
            .select_related("application__cycle__award", "application__applicant", "panel")
            .order_by("-application__cycle__year", "-application__cycle__number", "stage", "application__reference"))


def stage_assignment_rows(cycle, stage: str):
    return (Assignment.objects.filter(application__cycle=cycle, stage=stage, revoked_at__isnull=True)
            .select_related("application__applicant", "expert").order_by("application__reference", "expert__name"))


# ---- 二连浩特 第二十六条 -----------------------------------------------------------------------------------------
def applicant_application(user, pk: int) -> Application:
    """The application, only for a member of its applicant (Application.DoesNotExist otherwise)."""
    if not user or not user.is_authenticated:
        raise Application.DoesNotExist
    own = ApplicantMember.objects.filter(user=user).values("applicant_id")
    return Application.objects.select_related("cycle__award", "cycle__ruleset", "applicant").get(pk=pk, applicant_id__in=own)


def feedback_assignments(application):
    """The application's reviewers (assignments not revoked), each with both ratings on the row."""
    return (Assignment.objects.filter(application=application, revoked_at__isnull=True).select_related("expert")
            .prefetch_related("feedback").order_by("stage", "expert__name"))


def cycle_feedback(cycle):
    return (SupervisionFeedback.objects.filter(assignment__application__cycle=cycle)
            .select_related("assignment__expert", "assignment__application__applicant")
            .order_by("assignment__application__reference", "assignment__stage", "assignment__expert__name", "direction"))


def feedback_summary(rows) -> dict:
    """Count and mean rating per direction."""
    out = {}
    for d, label in FeedbackDirection.choices:
        ratings = [r.rating for r in rows if r.direction == d]
        out[d] = {"label": label, "count": len(ratings),
                  "mean": round(sum(ratings) / len(ratings), 2) if ratings else None}
    return out


