"""Permission-aware reads: which bodies a user works for, in which role; which rulesets are in force."""
from __future__ import annotations

import datetime as dt

from core import clock

from .models import Award, Body, Jurisdiction, Membership, Role, Ruleset
from .rules import Rules


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


def ruleset_versions(award: Award) -> list[Ruleset]:
    """Every version of an award's ruleset, newest first."""
    return list(award.rulesets.select_related("created_by").order_by("-version"))


def ruleset_status(ruleset: Ruleset, in_force: Ruleset | None = None, day: dt.date | None = None) -> tuple[str, str]:
    """(code, label) of a version today: in_force / superseded / expired / pending."""
    day = day or clock.today()
    if in_force is None:
        in_force = ruleset_in_force(ruleset.award, day)
    if in_force is not None and in_force.pk == ruleset.pk:
        return "in_force", "现行有效"
    if ruleset.effective_from and ruleset.effective_from > day:
        return "pending", "未生效"
    if ruleset.in_force_on(day) and in_force is not None:
        return "superseded", f"已被第{in_force.version}版取代"
    return "expired", "已失效"


def awards_editable(user):
    """Awards whose ruleset this user may edit: office staff of the award's jurisdiction."""
    return Award.objects.filter(jurisdiction_id__in=user_jurisdiction_ids(user, "office")).select_related("jurisdiction")


def is_office_anywhere(user) -> bool:
    return memberships(user, "office").exists()


def calendar_overrides(year: int | None = None):
    from .models import CalendarOverride

    qs = CalendarOverride.objects.order_by("day")
    return qs.filter(day__year=year) if year else qs


def calendar_declared_years():
    from .models import CalendarYear

    return CalendarYear.objects.order_by("year")


# ---- onboarding a new award --------------------------------------------------------------------------------
def admin_jurisdictions(user) -> list[Jurisdiction]:
    """The jurisdictions this user administers (Role.ADMIN): where they may set up a new award."""
    return sorted({m.body.jurisdiction for m in memberships(user, Role.ADMIN)}, key=lambda j: j.code)


def onboarding_basis(jurisdictions) -> list[tuple[Award, str]]:
    """The awards of these jurisdictions whose own regulation encourages new awards below them, with the
    article it cites (e.g. a prefecture's regulation encouraging its counties to set up their own)."""
    out = []
    for award in Award.objects.filter(jurisdiction__in=jurisdictions).prefetch_related("rulesets").order_by("jurisdiction__code"):
        ruleset = ruleset_current(award)
        article = Rules(ruleset.data).article("new_awards_encouraged") if ruleset else ""
        if article:
            out.append((award, article))
    return out


def onboarding_templates():
    """Every award whose ruleset may serve as a template: rulesets are public (/rules/), so all of them."""
    return Award.objects.select_related("jurisdiction").order_by("jurisdiction__code", "slug")
