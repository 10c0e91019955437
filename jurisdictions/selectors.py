"""Permission-aware reads: which bodies a user works for, in which role; which rulesets are in force."""
from __future__ import annotations

import datetime as dt

from core import clock

from .models import Award, Body, Jurisdiction, Membership, Ruleset


def memberships(user, role: str | None = None):
    if not user or not user.is_authenticated:
        return Membership.objects.none()
    qs = Membership.objects.filter(user=user, active=True).select_related("body__jurisdiction")
    return qs.filter(role=role) if role else qs


def user_bodies(user, role: str) -> list[Body]:
    return [m.body for m in memberships(user, role)]


def user_jurisdiction_ids(user, role: str) -> set[int]:
    return {m.body.jurisdiction_id for m in memberships(user, role)}


def has_role_in(user, role: str, jurisdiction: Jurisdiction) -> bool:
    return memberships(user, role).filter(body__jurisdiction=jurisdiction).exists()


def is_award_office(user, award: Award) -> bool:
    return memberships(user, "office").filter(body__jurisdiction_id=award.jurisdiction_id).exists()


def ruleset_in_force(award: Award, day: dt.date | None = None) -> Ruleset | None:
    day = day or clock.today()
    candidates = [r for r in award.rulesets.all() if r.in_force_on(day)]
    return max(candidates, key=lambda r: r.version) if candidates else None


def ruleset_current(award: Award) -> Ruleset | None:
    """The version in force today, or else the latest version (shown as not in force)."""
    return ruleset_in_force(award) or award.rulesets.order_by("-version").first()


def awards_public():
    return Award.objects.select_related("jurisdiction").prefetch_related("rulesets").order_by("jurisdiction__code")
