"""Who may act on an application in a role. Roles come from memberships; an applicant's own application
from ApplicantMember. Returns False rather than raising (callers turn it into 404/403); `require_office` raises
the domain's NotPermitted for the writes that only the award office may make."""
from guardian.shortcuts import assign_perm

from core.errors import NotPermitted
from jurisdictions.models import Membership

from .models import Applicant, ApplicantMember, Application


def is_applicant_member(user, applicant: Applicant) -> bool:
    return bool(user and user.is_authenticated) and ApplicantMember.objects.filter(applicant=applicant, user=user).exists()


# An applicant's own application is a per-object grant (django-guardian, direct FK permission model),
# given by the services that create the application or add a colleague to the applicant account.
APPLICANT_PERM = "awards.change_application"


def grant_applicant_access(application: Application, users=None) -> None:
    for user in users if users is not None else [m.user for m in application.applicant.members.select_related("user")]:
        assign_perm(APPLICANT_PERM, user, application)


def has_role(user, role: str, application: Application) -> bool:
    if role == "system":
        return user is None
    if not user or not user.is_authenticated:
        return False
    if role == "applicant":
        return user.has_perm(APPLICANT_PERM, application) and is_applicant_member(user, application.applicant)
    award = application.cycle.award
    qs = Membership.objects.filter(user=user, role=role, active=True)
    if role == "precheck":
        return application.route_body_id is not None and qs.filter(body_id=application.route_body_id).exists()
    if role in ("office", "committee", "supervisor"):
        return qs.filter(body__jurisdiction_id=award.jurisdiction_id).exists()
    return False


def roles_on(user, application: Application, *, memberships=None, applicant: bool = True) -> set[str]:
    """Every role has_role grants the user on this application, read from the user's active memberships
    once (or from the list the caller already loaded, with body selected) instead of one query per role.
    `applicant=False` leaves out the applicant role (pages that never offer an applicant's action)."""
    if user is None:
        return {"system"}
    if not user.is_authenticated:
        return set()
    if memberships is None:
        memberships = Membership.objects.filter(user=user, active=True).select_related("body")
    out = set()
    jurisdiction_id = application.cycle.award.jurisdiction_id
    for m in memberships:
        if not m.active or m.user_id != user.pk:
            continue
        if m.role == "precheck":
            if application.route_body_id is not None and m.body_id == application.route_body_id:
                out.add("precheck")
        elif m.role in ("office", "committee", "supervisor") and m.body.jurisdiction_id == jurisdiction_id:
            out.add(m.role)
    if applicant and has_role(user, "applicant", application):
        out.add("applicant")
    return out


def office_of(user, award) -> bool:
    return bool(user and user.is_authenticated) and Membership.objects.filter(
        user=user, role="office", active=True, body__jurisdiction_id=award.jurisdiction_id).exists()


def require_office(actor, award, what: str) -> None:
    """Refuses (NotPermitted) anyone but the award office's staff: "只有X办公室可以{what}"."""
    if not office_of(actor, award):
        raise NotPermitted(f"只有{award.name}办公室可以{what}。")
