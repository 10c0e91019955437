"""publicity's answers to awards' signals: the notices an awards action publishes, and what publicity adds to
awards' pages. Connected in PublicityConfig.ready(). Domain receivers run inside the sender's transaction."""
from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from awards import actions, signals
from awards.simulation import register_player

from . import selectors, windows
from .models import Notice, Objection
from .tasks import sweep_deadlines


@receiver(signals.cycle_opened, dispatch_uid="publicity.publish_call")
def publish_call(sender, *, cycle, actor, **kwargs):
    windows.publish_call(cycle=cycle, actor=actor)


@receiver(signals.cycle_commended, dispatch_uid="publicity.publish_award_decision")
def publish_award_decision(sender, *, cycle, actor, grants, decision_document, **kwargs):
    windows.publish_award_decision(cycle=cycle, actor=actor, grants=grants, decision_document=decision_document)


@receiver(signals.grant_revoked, dispatch_uid="publicity.publish_revocation")
def publish_revocation(sender, *, grant, actor, **kwargs):
    windows.publish_revocation(grant=grant, actor=actor)


# ---- page contributions -----------------------------------------------------------------------------------
@receiver(signals.workspace_page, dispatch_uid="publicity.workspace_reminders")
def workspace_reminders(sender, *, user, **kwargs):
    return {"reminders": list(selectors.reminders_for(user))}


@receiver(signals.office_cycle_page, dispatch_uid="publicity.office_cycle")
def office_cycle(sender, *, cycle, today: dt.date, **kwargs):
    """Open objections of the cycle, and the last day of each open notice for the cycle's calendar."""
    dates = [{"day": n.last_day, "label": f"公示期满：{n.title}", "kind": "notice"}
             for n in Notice.objects.filter(cycle=cycle, state=Notice.State.OPEN, last_day__isnull=False,
                                            last_day__gte=today).order_by("last_day")]
    objections = Objection.objects.filter(notice__cycle=cycle, state__in=Objection.OPEN_STATES).count()
    stuck = list(Notice.objects.filter(cycle=cycle, state=Notice.State.OPEN).exclude(sweep_error="").order_by("closes_at"))
    return {"objections": objections, "dates": dates, "sweep_failures": stuck}


# ---- stage actions owned here -----------------------------------------------------------------------------
def _publish_list(*, cycle, stage_code, actor, role, body=None):
    return windows.publish_stage_list(cycle=cycle, stage_code=stage_code, actor=actor, role=role, body=body)


def register_actions() -> None:
    register_player("sweep_deadlines", sweep_deadlines.apply)
    actions.register_cycle_action(
        "publish_list", label="发布公示名单", perform=_publish_list,
        done=lambda notice: f"已发布公示：{notice.title}（{notice.first_day:%Y-%m-%d} 至 {notice.last_day:%Y-%m-%d}）。")
