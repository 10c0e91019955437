"""Reads for the public pages, the API and the office's objection pages. Public reads show notices only;
objections are visible (with the objector's personal data) only to the office of the award's jurisdiction."""
from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from awards.models import Application, Cycle, Grant
from core import clock
from jurisdictions.models import Award, Membership

from .models import Notice, Objection


def _listed_applications():
    return Prefetch("applications", queryset=Application.objects.select_related("applicant").order_by("reference"))


def notices_public(*, jurisdiction: str = "", award: str = "", kind: str = "", open: str = ""):
    qs = Notice.objects.select_related("award__jurisdiction", "superseded_by").prefetch_related(_listed_applications())
    if jurisdiction:
        qs = qs.filter(award__jurisdiction__code=jurisdiction)
    if award:
        qs = qs.filter(award__slug=award)
    if kind:
        qs = qs.filter(kind=kind)
    if open in ("true", "1", "open"):
        qs = qs.filter(state=Notice.State.OPEN, closes_at__gt=clock.now())
    elif open in ("false", "0", "closed"):
        qs = qs.filter(Q(state=Notice.State.CLOSED) | Q(state=Notice.State.OPEN, closes_at__lte=clock.now()))
    return qs.order_by("-published_at", "-id")


def notice_public(pk: int) -> Notice:
    try:
        return notices_public().select_related("supersedes", "cycle__ruleset").get(pk=pk)
    except (Notice.DoesNotExist, ValueError):
        raise Http404("公告不存在。") from None


def listed_names(notice: Notice) -> list[str]:
    """Only names are public: never ID numbers, phones, materials or trade secrets."""
    return [a.applicant.name for a in notice.applications.all()]


def objection_by_receipt(receipt_no: str) -> Objection | None:
    receipt_no = (receipt_no or "").strip().upper()
    if not receipt_no:
        return None
    return Objection.objects.select_related("notice", "application__applicant").filter(receipt_no=receipt_no).first()


def office_jurisdiction_ids(user) -> list[int]:
    if not (user and user.is_authenticated):
        return []
    return list(Membership.objects.filter(user=user, role="office", active=True).values_list("body__jurisdiction_id", flat=True))


def objections_for_office(user):
    return (Objection.objects.filter(notice__award__jurisdiction_id__in=office_jurisdiction_ids(user))
            .select_related("notice__award", "application__applicant").order_by("review_due", "received_at"))


def objection_for_office(user, pk: int) -> Objection:
    obj = objections_for_office(user).filter(pk=pk).first()
    if obj is None:
        raise Http404("异议不存在。")
    return obj


def cycle_for_office(user, pk: int) -> Cycle:
    cycle = Cycle.objects.select_related("award", "ruleset").filter(pk=pk, award__jurisdiction_id__in=office_jurisdiction_ids(user)).first()
    if cycle is None:
        raise Http404("评选届次不存在。")
    return cycle


def grant_by_serial(serial: str) -> Grant | None:
    return Grant.objects.select_related("award__jurisdiction", "applicant", "cycle__ruleset").filter(serial=serial).first()


def winners_public(award: Award):
    return Grant.objects.filter(award=award).select_related("applicant").order_by("-year", "serial")


def awards_with_winners():
    """Every award with its grants (`public_grants`) and its latest ruleset's usage rules (`usage_rules`):
    three queries however many awards there are."""
    from jurisdictions.models import Ruleset

    latest_usage = Ruleset.objects.filter(award=OuterRef("pk")).order_by("-version").values("data__post_award__usage_rules")[:1]
    return (Award.objects.select_related("jurisdiction")
            .prefetch_related(Prefetch("grants", queryset=Grant.objects.select_related("applicant").order_by("-year", "serial"),
                                       to_attr="public_grants"))
            .annotate(usage_rules=Subquery(latest_usage)).order_by("jurisdiction__code", "slug"))


def reminders_for(user, *, days: int = 14, limit: int = 20):
    """The user's own reminders from the last `days` days, newest first (what the sweep also e-mailed)."""
    from .models import Reminder

    if not user or not user.is_authenticated:
        return Reminder.objects.none()
    since = clock.today() - dt.timedelta(days=days)
    return Reminder.objects.filter(user=user, sent_on__gte=since).order_by("-sent_on", "-id")[:limit]
