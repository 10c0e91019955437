"""Who may do what in review: role memberships answer "may this user act for this award"; the
per-application reviewer access is a django-guardian object permission granted by review.services."""
from __future__ import annotations

from jurisdictions.models import Role
from jurisdictions.selectors import memberships

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


def is_agency_for(user, cycle) -> bool:
    """Staff of a review agency under a live contract for this cycle (二连浩特 第十七条、第十八条; 瀍河 第九条).
    Their access ends with the contract: the question is asked on today's date (core.clock)."""
    if not user or not user.is_authenticated:
        return False
    from awards.programme_selectors import agency_may_manage

    return agency_may_manage(user, cycle)


def may_manage_review(user, cycle) -> bool:
    """Draw panels, assign reviewers, record consensus, read the stage ranking: the award office, or a
    contracted review agency for this cycle only (never approvals, votes or office pages)."""
    return is_office(user, cycle) or is_agency_for(user, cycle)
