"""Publishing notices with their windows, and closing windows when they are due.

Each notice keeps the absolute window it was computed with (the ruleset and calendar of that day).
Closing is idempotent: notices are locked with skip_locked, and an application advances only from
in_publicity, so two sweeps never advance one twice.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from awards.models import Application, Status
from awards.pipeline import move, transition_system_bulk
from awards import permissions
from core import clock
from core.audit import log_action, log_actions_bulk
from core.errors import DomainError, NotPermitted
from jurisdictions.calendar import compute_window
from jurisdictions.rules import STAGE_LABELS, Rules

from .models import STAGE_NOTICE_KIND, Notice, NoticeKind, Objection

logger = logging.getLogger(__name__)


def _window_fields(window, article):
    return {"opened_on": window.opened_on, "first_day": window.first_day, "last_day": window.last_day,
            "closes_at": window.closes_at, "length": window.length, "unit": window.unit, "article": article or ""}


@transaction.atomic
def publish_call(*, cycle, actor) -> Notice:
    rules = Rules(cycle.ruleset.data)
    award = cycle.award
    stage = rules.stage("announcement") if rules.has_stage("announcement") else None
    fields = {}
    if stage and stage.publicity:
        fields = _window_fields(compute_window(clock.today(), stage.publicity.length, stage.publicity.unit), stage.publicity.article)
        state = Notice.State.OPEN
    else:
        state = Notice.State.PERMANENT
    notice = Notice.objects.create(
        award=award, cycle=cycle, kind=NoticeKind.CALL, stage="announcement", state=state,
        title=f"关于开展{cycle.year}年度{award.name}（第{cycle.number}届）申报工作的通知",
        body=f"申报截止日期：{cycle.filing_deadline:%Y年%m月%d日}。申报条件、评审程序和评审标准见本奖项管理办法（{cycle.ruleset.document_number}）。",
        issuer=award.office.name, published_at=clock.now(), published_by=actor, role="office", **fields)
    log_action("notice.publish", actor=actor, obj=notice, role="office", jurisdiction_code=award.jurisdiction.code,
               data={"kind": notice.kind, "last_day": str(notice.last_day or "")})
    return notice


@transaction.atomic
def publish_stage_list(*, cycle, stage_code: str, actor, role: str, body=None, title: str = "", contact: str = "") -> Notice:
    """Publishes the list of applications approved at a stage for that stage's publicity (or public-comment)
    window, and puts each into publicity. Pre-check lists are per checking body."""
    rules = Rules(cycle.ruleset.data)
    stage = rules.stage(stage_code)
    window_rule = stage.publicity or stage.public_comment
    if window_rule is None:
        raise DomainError(f"“{stage.label}”环节没有公示期，无需公示。")
    qs = Application.objects.select_for_update().filter(cycle=cycle, stage=stage_code, status=Status.APPROVED)
    if body is not None:
        qs = qs.filter(route_body=body)
    apps = list(qs.order_by("reference"))
    if not apps:
        raise DomainError("没有待公示的申报（可能已被其他同事公示）。", code="nothing_to_publish")
    if not all(permissions.has_role(actor, role, a) for a in apps):
        raise NotPermitted("您无权公示这些申报。")
    window = compute_window(clock.today(), window_rule.length, window_rule.unit)
    issuer = body.name if body is not None else cycle.award.office.name
    kind = NoticeKind.PUBLIC_COMMENT if stage.public_comment and not stage.publicity else STAGE_NOTICE_KIND.get(stage_code, NoticeKind.ACCEPTED_LIST)
    notice = Notice.objects.create(
        award=cycle.award, cycle=cycle, kind=kind, stage=stage_code, state=Notice.State.OPEN,
        title=title or f"{cycle.award.name}{cycle.year}年度{STAGE_LABELS[stage_code]}名单{'征求意见' if kind == NoticeKind.PUBLIC_COMMENT else '公示'}",
        body=f"依据{cycle.ruleset.document_number}{window_rule.article}，现将{stage.label}结果予以公示。对公示对象有异议的，请在公示期内书面提出。",
        issuer=issuer, contact=contact, published_at=clock.now(), published_by=actor, role=role,
        **_window_fields(window, window_rule.article))
    notice.applications.set(apps)
    for app in apps:
        move(app, action="publish", actor=actor, role=role, data={"notice": notice.pk})
    log_action("notice.publish", actor=actor, obj=notice, role=role, jurisdiction_code=cycle.award.jurisdiction.code,
               data={"kind": kind, "stage": stage_code, "applications": [a.pk for a in apps], "last_day": window.last_day.isoformat()})
    return notice


@transaction.atomic
def publish_award_decision(*, cycle, actor, grants, decision_document: str) -> Notice:
    notice = Notice.objects.create(
        award=cycle.award, cycle=cycle, kind=NoticeKind.AWARD_DECISION, stage="commendation", state=Notice.State.PERMANENT,
        title=f"关于表彰{cycle.year}年度{cycle.award.name}获奖{'单位和个人' if any(g.category == 'individual' for g in grants) else '单位'}的决定",
        body=f"表彰决定文号：{decision_document}。", issuer=cycle.award.office.name, published_at=clock.now(), published_by=actor, role="office")
    notice.applications.set([g.application for g in grants])
    log_action("notice.publish", actor=actor, obj=notice, role="office", jurisdiction_code=cycle.award.jurisdiction.code, data={"kind": notice.kind})
    return notice


@transaction.atomic
def publish_revocation(*, grant, actor) -> Notice:
    notice = Notice.objects.create(
        award=grant.award, cycle=grant.cycle, kind=NoticeKind.REVOCATION, stage="", state=Notice.State.PERMANENT,
        title=f"关于撤销{grant.applicant.name}{grant.year}年度{grant.award.name}的公告",
        body=f"{grant.revoke_text}（证书编号 {grant.serial}）。", issuer=grant.award.office.name, published_at=clock.now(),
        published_by=actor, role="office")
    notice.applications.set([grant.application])
    log_action("notice.publish", actor=actor, obj=notice, role="office", jurisdiction_code=grant.award.jurisdiction.code, data={"kind": notice.kind})
    return notice


@transaction.atomic
def close_notices(*, notices: list[Notice], now: dt.datetime) -> dict:
    """Closes locked, due notices together: listed applications with no open objection advance to their
    next stage, those with one are held until it is decided. Each transition is recorded and audited as
    done by the system, with the notice and the rule that caused it."""
    by_id = {n.pk: n for n in notices}
    Listed = Notice.applications.through
    rows = Listed.objects.filter(notice_id__in=list(by_id), application__status=Status.IN_PUBLICITY).values_list(
        "notice_id", "application_id", "application__stage").order_by("notice_id", "application_id")
    objected = set(Objection.objects.filter(notice_id__in=list(by_id), state__in=Objection.OPEN_STATES)
                   .values_list("notice_id", "application_id"))
    hold, advance, seen = [], [], set()
    counts = {pk: {"advanced": 0, "held": 0} for pk in by_id}
    for notice_id, app_id, stage in rows:
        notice = by_id[notice_id]
        if stage != notice.stage or app_id in seen:
            continue
        seen.add(app_id)
        data = {"notice": notice.pk, "rule": notice.article, "closed_at": now.isoformat()}
        if (notice_id, app_id) in objected:
            hold.append((app_id, f"公示期内收到异议（公告 {notice.pk}）", data))
            counts[notice_id]["held"] += 1
        else:
            advance.append((app_id, f"公示期满无异议（{notice.first_day:%Y-%m-%d}至{notice.last_day:%Y-%m-%d}，{notice.article}）", data))
            counts[notice_id]["advanced"] += 1
    held = transition_system_bulk(hold, action="hold")
    advanced = transition_system_bulk(advance, action="close_publicity")
    for notice in notices:
        notice.state, notice.closed_at = Notice.State.CLOSED, now
    Notice.objects.bulk_update(notices, ["state", "closed_at"])
    log_actions_bulk([{"action": "notice.close", "obj": n, "role": "system", "actor_label": "system",
                       "jurisdiction_code": n.award.jurisdiction.code,
                       "data": {**counts[n.pk], "closes_at": n.closes_at.isoformat()}} for n in notices])
    return {"closed": len(notices), "advanced": len(advanced), "held": len(held)}


def close_due_windows(*, now: dt.datetime | None = None, batch: int = 200) -> dict:
    """The sweep: one transaction per batch, not one for all, so locks are held briefly and a concurrent sweep
    skips what this one holds. Inside a batch each tenant's notices close together in a savepoint of their own,
    complete (moves, closed notices, audit entries) or not written; when that fails, each notice alone. A notice
    that cannot close keeps its error (shown to its office, retried by the next run) and never keeps another
    notice, or another tenant's, from closing. `failed` is in the result only when something failed."""
    now = now or clock.now()
    totals = {"closed": 0, "advanced": 0, "held": 0}
    failed: set[int] = set()  # tried and failed in this run: left for the next one
    while True:
        with transaction.atomic():
            due = list(Notice.objects.select_for_update(skip_locked=True, of=("self",)).select_related("award__jurisdiction")
                       .filter(state=Notice.State.OPEN, closes_at__lte=now).exclude(pk__in=failed)
                       .order_by("closes_at", "pk")[:batch])
            if not due:
                return totals
            by_tenant: dict[int, list[Notice]] = {}
            for notice in due:
                by_tenant.setdefault(notice.award.jurisdiction_id, []).append(notice)
            for notices in by_tenant.values():
                _close_isolated(notices, now, failed, totals)


def _close_isolated(notices: list[Notice], now: dt.datetime, failed: set[int], totals: dict) -> None:
    """Closes the notices together in a savepoint; when that fails, each one alone (re-read, as the failed
    attempt may have changed the objects in memory), recording the failure of those that cannot close."""
    try:
        with transaction.atomic():
            result = close_notices(notices=notices, now=now)
    except Exception as exc:  # noqa: BLE001 — recorded on the notice; the others still close
        if len(notices) == 1:
            _sweep_failed(notices[0], exc, now, failed, totals)
            return
        for notice in notices:
            fresh = Notice.objects.select_related("award__jurisdiction").get(pk=notice.pk)  # still locked by this transaction
            _close_isolated([fresh], now, failed, totals)
        return
    for key in ("closed", "advanced", "held"):
        totals[key] += result[key]
    cleared = [n.pk for n in notices if n.sweep_error]
    if cleared:
        Notice.objects.filter(pk__in=cleared).update(sweep_error="", sweep_failed_at=None)


def _sweep_failed(notice: Notice, exc: Exception, now: dt.datetime, failed: set[int], totals: dict) -> None:
    logger.exception("deadline sweep: notice %s (%s) could not close", notice.pk, notice.award.slug)
    failed.add(notice.pk)
    totals["failed"] = totals.get("failed", 0) + 1
    Notice.objects.filter(pk=notice.pk).update(sweep_error=f"{type(exc).__name__}: {exc}"[:500], sweep_failed_at=now)
