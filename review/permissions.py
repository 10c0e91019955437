"""Who may do what in review: role memberships answer "may this user act for this award"; the
per-application reviewer access is a django-guardian object permission granted by review.services; a review
agency's staff serve only the cycles under a live contract of their agency (review.models.AgencyContract)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q

from awards.models import Cycle
from core import clock
from jurisdictions.models import BodyKind, Role
from jurisdictions.selectors import memberships

from .models import AgencyContract

VIEW_APPLICATION = "awards.view_application"


def is_office(user, cycle) -> bool:
    """Staff of the award office (or the jurisdiction's admin) of the cycle's award."""
    if not user or not user.is_authenticated:
        return False
    return memberships(user).filter(role__in=(Role.OFFICE, Role.ADMIN),
                                    body__jurisdiction_id=cycle.award.jurisdiction_id).exists()


def is_office_of_jurisdiction(user, jurisdiction) -> bool:
    if not user or not user.is_authenticated:
        return False
    return memberships(user).filter(role__in=(Role.OFFICE, Role.ADMIN), body__jurisdiction=jurisdiction).exists()


def is_supervisor(user, cycle) -> bool:
    if not user or not user.is_authenticated:
        return False
    return memberships(user, Role.SUPERVISOR).filter(body__jurisdiction_id=cycle.award.jurisdiction_id).exists()


def is_committee_member(user, award) -> bool:
    if not user or not user.is_authenticated:
        return False
    qs = memberships(user, Role.COMMITTEE)
    if award.committee_id:
        return qs.filter(body_id=award.committee_id).exists()
    return qs.filter(body__jurisdiction_id=award.jurisdiction_id).exists()


# ---- review agencies (二连浩特 第十七条、第十八条; 瀍河 第九条) ----------------------------------------------------
def agency_bodies(user):
    """The review agencies this user works for."""
    return [m.body for m in memberships(user, Role.AGENCY) if m.body.kind == BodyKind.REVIEW_AGENCY]


def live_contracts(user, on: dt.date | None = None):
    """Contracts of the user's agencies in force on `on` (today by default): started, not ended, not terminated."""
    on = on or clock.today()
    bodies = [b.pk for b in agency_bodies(user)]
    return (AgencyContract.objects.filter(agency_id__in=bodies, starts_on__lte=on, ends_on__gte=on)
            .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=on)).select_related("cycle__award", "agency"))


def agency_cycles(user, on: dt.date | None = None):
    """Cycles this agency staff member may work on: only those under a live contract of their agency."""
    return Cycle.objects.filter(pk__in=live_contracts(user, on).values("cycle_id")).select_related("award").order_by("-year")


def agency_may_manage(user, cycle, on: dt.date | None = None) -> bool:
    """Agency staff manage panels and scoring for contracted cycles only (二连浩特 第十八条), while the contract lasts."""
    return agency_cycles(user, on).filter(pk=cycle.pk).exists()


def is_agency_for(user, cycle) -> bool:
    """Staff of a review agency under a live contract for this cycle. Their access ends with the contract: the
    question is asked on today's date (core.clock)."""
    if not user or not user.is_authenticated:
        return False
    return agency_may_manage(user, cycle)


def may_manage_review(user, cycle) -> bool:
    """Draw panels, assign reviewers, record consensus, read the stage ranking: the award office, or a
    contracted review agency for this cycle only (never approvals, votes or office pages)."""
    return is_office(user, cycle) or is_agency_for(user, cycle)
