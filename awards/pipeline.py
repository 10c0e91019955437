"""The application state machine: one transition table as data and the raw move, `move`.

An application sits at a stage of its cycle's ruleset (in the ruleset's order) with a status. Nothing
else writes Application.stage or Application.status. `move` is called only by the domain function that owns
the whole action (a list publication writes its notice, a commendation its grants, a revocation its ban);
pages, the API, tasks and the rehearsal dispatch through `awards.actions`. `tests/awards/test_action_layer.py`
walks the code and fails on any other caller.
"""
from __future__ import annotations

import dataclasses

from django.db import transaction

from core import clock
from core.audit import log_action, log_actions_bulk
from core.errors import InvalidTransition, NotPermitted
from jurisdictions.calendar import deadline_after
from jurisdictions.rules import ACTOR_LABELS, STAGE_LABELS, Rules, cite

from . import permissions
from .enums import ACTIVE
from .models import Application, StageEvent, StageOpinion, Status

S = Status
NEXT = "next"  # target: the next stage of the ruleset, status pending
STAGE_ACTOR = "stage"  # role: whoever the ruleset names as the stage's actor


@dataclasses.dataclass(frozen=True)
class Action:
    label: str
    sources: frozenset
    target: str  # a Status value or NEXT
    roles: frozenset
    needs_reason: bool = False
    only_without_window: bool = False  # stages with a publicity window go through approve → publish
    # False: done for a whole list or from its own record (a publicity list, the commendation decision, an
    # objection's decision, a revocation with its ruleset reason), never as a button on one application.
    # awards.actions names where each such action is done.
    per_application: bool = True


def _a(label, sources, target, roles, **kw):
    return Action(label, frozenset(sources), target, frozenset(roles), **kw)


TABLE: dict[str, Action] = {
    "submit": _a("提交申报", {S.DRAFT}, NEXT, {"applicant"}),
    "approve": _a("审查通过", {S.PENDING}, S.APPROVED, {STAGE_ACTOR}),
    "reject": _a("不予通过", {S.PENDING, S.APPROVED}, S.REJECTED, {STAGE_ACTOR}, needs_reason=True),
    "request_supplement": _a("退回补正", {S.PENDING}, S.RETURNED, {STAGE_ACTOR}, needs_reason=True),
    "resubmit": _a("补正后重新提交", {S.RETURNED}, S.PENDING, {"applicant"}),
    "publish": _a("列入公示", {S.APPROVED}, S.IN_PUBLICITY, {STAGE_ACTOR}, per_application=False),
    "close_publicity": _a("公示期满无异议", {S.IN_PUBLICITY}, NEXT, {"system"}),
    "hold": _a("因异议暂停", {S.IN_PUBLICITY}, S.HELD, {"system"}),
    "release": _a("异议不成立，继续", {S.HELD}, NEXT, {"office", "system"}, needs_reason=True, per_application=False),
    "remove": _a("异议成立，取消资格", {S.HELD}, S.REJECTED, {"office"}, needs_reason=True, per_application=False),
    "advance": _a("进入下一环节", {S.PENDING, S.APPROVED}, NEXT, {STAGE_ACTOR}, only_without_window=True),
    "not_advance": _a("未进入下一环节", {S.PENDING, S.APPROVED}, S.NOT_ADVANCED, {STAGE_ACTOR}, needs_reason=True),
    "award": _a("授奖", {S.PENDING}, S.AWARDED, {"office"}, per_application=False),
    "withdraw": _a("申报单位撤回", ACTIVE, S.WITHDRAWN, {"applicant"}, needs_reason=True),
    "revoke": _a("撤销奖励", {S.AWARDED}, S.REVOKED, {"office"}, needs_reason=True, per_application=False),
}


def rules_for(application: Application) -> Rules:
    return Rules(application.cycle.ruleset.data)


def allowed_roles(action: Action, stage_actor: str) -> set[str]:
    roles = set(action.roles)
    if STAGE_ACTOR in roles:
        roles.discard(STAGE_ACTOR)
        roles.add(stage_actor)
        if stage_actor == "committee":
            roles.add("office")  # the office records the committee's decision after the vote
    return roles


def _stage_due(rules: Rules, stage_code: str, current_due, today):
    stage = rules.stage(stage_code)
    if stage.deadline:
        return deadline_after(today, stage.deadline.length, stage.deadline.unit)
    # A deadline that spans several stages (material review through defense, say) carries on.
    for previous in rules.stages[: rules.stage_codes.index(stage_code)]:
        through = previous.deadline.through if previous.deadline else None
        if through and rules.stage_codes.index(through) >= rules.stage_codes.index(stage_code):
            return current_due
    return None


def available_actions(application: Application, user, roles=None, *, rules: Rules | None = None) -> list[str]:
    """Actions this user may take now (for buttons); the table and roles decide, nothing else.
    `roles`: the roles the user holds on this application when the caller already has them
    (permissions.roles_on, from memberships read once per page); otherwise each role is asked of
    permissions.has_role once. `rules`: the cycle's Rules when the caller already built them."""
    rules = rules or rules_for(application)
    stage = rules.stage(application.stage)
    out = []
    asked: dict[str, bool] = {}

    def holds(role: str) -> bool:
        if roles is not None:
            return role in roles
        if role not in asked:
            asked[role] = permissions.has_role(user, role, application)
        return asked[role]

    for name, action in TABLE.items():
        if application.status not in action.sources or "system" in action.roles and len(action.roles) == 1:
            continue
        if not action.per_application:
            continue
        if action.only_without_window and (stage.publicity or stage.public_comment):
            continue
        if any(holds(role) for role in allowed_roles(action, stage.actor)):
            out.append(name)
    return out


def move(application: Application, *, action: str, actor, role: str, reason: str = "", data: dict | None = None) -> Application:
    """Locks the row, checks the table, the role and the guard, saves, writes history and the audit log."""
    if action not in TABLE:
        raise InvalidTransition(f"未知的操作：{action}。")
    spec = TABLE[action]
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).select_related("cycle__ruleset", "cycle__award__jurisdiction", "applicant").get(pk=application.pk)
        rules = rules_for(app)
        stage = rules.stage(app.stage)
        roles = allowed_roles(spec, stage.actor)
        if role not in roles:
            raise NotPermitted(f"“{spec.label}”须由{_role_names(roles)}办理。", code="wrong_role")
        if not permissions.has_role(actor, role, app):
            raise NotPermitted("您无权办理该申报。", code="not_permitted")
        if app.status not in spec.sources:
            raise InvalidTransition(
                f"申报 {app.reference} 当前处于“{STAGE_LABELS.get(app.stage, app.stage)}·{Status(app.status).label}”，不能“{spec.label}”。")
        if spec.only_without_window and (stage.publicity or stage.public_comment):
            raise InvalidTransition(f"“{stage.label}”环节须经公示（{stage.article}），请先列入公示名单。", article=stage.article)
        if action == "award" and app.stage != "commendation":
            raise InvalidTransition("只有在表彰环节才能授奖。")
        if action in ("approve", "advance") and role != "system":
            waiting = [c for c in app.consultations.filter(stage=app.stage, answered_at__isnull=True) if c.due_on >= clock.today()]
            if waiting:
                raise InvalidTransition(cite(f"申报 {app.reference} 征求{'、'.join(c.department for c in waiting)}的意见尚未答复（答复期限至 "
                                             f"{max(c.due_on for c in waiting):%Y-%m-%d}），“{stage.label}”暂不能通过",
                                             (stage.consultation or {}).get("article")), code="consultation_pending")
        needed = stage.requires_opinion
        if needed and action in ("approve", "advance") and role != "system":
            issued_at = needed.get("issued_at") or app.stage
            if not StageOpinion.objects.filter(application=app, kind=needed["kind"], stage=issued_at).exists():
                by = f"{needed['by']}出具的" if needed.get("by") else ""
                raise InvalidTransition(cite(f"申报 {app.reference} 尚无{by}{needed['name']}，“{stage.label}”不能通过", needed.get("article")),
                                        code="opinion_required", article=needed.get("article"))
        if spec.needs_reason and not (reason or "").strip():
            raise InvalidTransition(f"“{spec.label}”须填写书面理由。", code="reason_required", field="reason")
        before = (app.stage, app.status)
        now = clock.now()
        if spec.target == NEXT:
            following = rules.next_stage(app.stage if action != "submit" else "filing")
            if following is None:
                raise InvalidTransition("已是最后一个环节。")
            app.stage, app.status = following.code, S.PENDING
            app.stage_due = _stage_due(rules, following.code, app.stage_due, clock.today())
        else:
            app.status = spec.target
        app.stage_entered_at = now if app.stage != before[0] else app.stage_entered_at
        if action == "withdraw":
            app.withdrawn_reason = reason
        app.save(update_fields=["stage", "status", "stage_due", "stage_entered_at", "withdrawn_reason"])
        StageEvent.objects.create(application=app, action=action, from_stage=before[0], from_status=before[1],
                                  to_stage=app.stage, to_status=app.status, actor=actor if role != "system" else None,
                                  role=role, reason=reason, data=data or {}, at=now)
        log_action(f"application.{action}", actor=actor, obj=app, role=role, jurisdiction_code=app.cycle.award.jurisdiction.code,
                   data={"from": list(before), "to": [app.stage, app.status], "reason": reason, **(data or {})},
                   actor_label=None if role != "system" else "system")
    return app


def _role_names(roles) -> str:
    return "或".join(ACTOR_LABELS.get(r, r) for r in sorted(roles))


def transition_system_bulk(items, *, action: str) -> list[Application]:
    """The same system transition for many applications at once (closing publicity windows): one lock,
    one update, one history insert and one chained audit insert instead of a round of each per
    application. `items` are (application id, reason, data). Applications no longer in a source status
    are skipped (a sweep that ran first did them)."""
    spec = TABLE[action]
    if spec.roles != frozenset({"system"}):
        raise InvalidTransition(f"“{spec.label}”不能由系统批量办理。")
    why = {pk: (reason, data or {}) for pk, reason, data in items}
    if not why:
        return []
    with transaction.atomic():
        apps = list(Application.objects.select_for_update(of=("self",))
                    .select_related("cycle__ruleset", "cycle__award__jurisdiction", "applicant")
                    .filter(pk__in=list(why), status__in=spec.sources).order_by("pk"))
        if not apps:
            return []
        now, today = clock.now(), clock.today()
        rules_by_version: dict[int, Rules] = {}
        due_cache: dict[tuple, object] = {}
        events, audits = [], []
        for app in apps:
            reason, data = why[app.pk]
            rules = rules_by_version.setdefault(app.cycle.ruleset_id, Rules(app.cycle.ruleset.data))
            before = (app.stage, app.status)
            if spec.target == NEXT:
                following = rules.next_stage(app.stage)
                if following is None:
                    raise InvalidTransition("已是最后一个环节。")
                key = (app.cycle.ruleset_id, following.code, app.stage_due)
                if key not in due_cache:
                    due_cache[key] = _stage_due(rules, following.code, app.stage_due, today)
                app.stage, app.status, app.stage_due = following.code, S.PENDING, due_cache[key]
                app.stage_entered_at = now
            else:
                app.status = spec.target
            events.append(StageEvent(application=app, action=action, from_stage=before[0], from_status=before[1], to_stage=app.stage,
                                     to_status=app.status, actor=None, role="system", reason=reason, data=data, at=now))
            audits.append({"action": f"application.{action}", "obj": app, "role": "system", "actor_label": "system",
                           "jurisdiction_code": app.cycle.award.jurisdiction.code,
                           "data": {"from": list(before), "to": [app.stage, app.status], "reason": reason, **data}})
        Application.objects.bulk_update(apps, ["stage", "status", "stage_due", "stage_entered_at"], batch_size=500)
        StageEvent.objects.bulk_create(events, batch_size=1000)
        log_actions_bulk(audits)
    return apps
