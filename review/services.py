"""Writes for review. Each service: lock, check permission and guard, write, log_action.

Reviewer access to an application is a guardian object permission (awards.view_application) stored in
ApplicationUserObjectPermission; it is granted here when an assignment is made and removed when the
assignment is revoked or the panel dissolves — never from a signal.
"""
from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import transaction

from awards.models import Applicant, Application, ApplicantMember, Cycle
from core.text import typed
from core import clock
from core.audit import log_action
from core.errors import DomainError, NotPermitted
from jurisdictions.models import Body, BodyKind, Jurisdiction, Membership, Role
from jurisdictions.rules import REVIEW_STAGES, STAGE_LABELS, Rules, cite

from . import scoring, selectors
from .assignment import plan_assignment
from .criteria_data import load_builtin
from .models import (
    ApplicationUserObjectPermission,
    Assignment,
    Ballot,
    BallotChoice,
    CommitteeVote,
    ConflictDeclaration,
    ConflictRelation,
    ConsensusScore,
    CriteriaCategory,
    CriteriaSet,
    Criterion,
    CriterionKind,
    Expert,
    FeedbackDirection,
    Panel,
    PanelMember,
    Score,
    StageResult,
    SupervisionFeedback,
    VoteItem,
)
from .permissions import is_committee_member, is_office, is_office_of_jurisdiction, may_manage_review

PANEL_RULE = "review_panels"  # the ruleset section whose article governs review panels (e.g. 兴安盟 第九条)
FEEDBACK_RULE = "two_way_feedback"  # the ruleset section of two-way supervision feedback (e.g. 二连浩特 第二十六条)


def _require_office(actor, cycle):
    if not is_office(actor, cycle):
        raise NotPermitted("只有本奖项办公室工作人员可以办理此事项。")


def _require_manager(actor, cycle):
    """Panels, assignments and consensus: the office, or a review agency under a live contract for the cycle
    (二连浩特 第十七条、第十八条; 瀍河 第九条)."""
    if not may_manage_review(actor, cycle):
        raise NotPermitted("只有本奖项办公室或受委托的评审机构（委托期内）可以办理此事项。")


def _manager_role(actor, cycle) -> str:
    return "office" if is_office(actor, cycle) else "agency"


def _review_stage(cycle, stage: str):
    if stage not in REVIEW_STAGES:
        raise DomainError(f"“{STAGE_LABELS.get(stage, stage)}”不是专家评审环节。", code="not_review_stage")
    Rules(cycle.ruleset.data).stage(stage)  # raises when the award has no such stage
    if cycle.review_closed_at is not None:  # panels dissolved with the review (内蒙古 第九条、兴安盟 第九条)
        raise DomainError("本届评审工作已经结束，评审组已撤销，不能再抽取专家或分配评审任务。", code="review_closed")


def _scores_digest(values: dict) -> str:
    """Audit entries prove which scores were saved without showing them: the system administrator reads
    the audit log but may not read scores (separation of duties)."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _view_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="awards", codename="view_application")


# ---------------------------------------------------------------- criteria


def criteria_load_builtin() -> int:
    with transaction.atomic():
        count = load_builtin(CriteriaSet, CriteriaCategory, Criterion)
        log_action("criteria.load_builtin", data={"sets": count})
    return count


@transaction.atomic
def criteria_set_create(*, jurisdiction: Jurisdiction, code: str, name: str, categories: Sequence[Mapping],
                        standard: str = "", description: str = "", actor) -> CriteriaSet:
    """An office-defined sheet. `categories`: [{number, name, items: [{number, name, points, kind}]}]; each
    category's points are the sum of its items, and the sheet's total the sum of the categories."""
    if not is_office_of_jurisdiction(actor, jurisdiction):
        raise NotPermitted("只有本辖区质量奖办公室可以定义评分标准。")
    if CriteriaSet.objects.filter(code=code).exists():
        raise DomainError(f"评分标准代码“{code}”已存在。", field="code")
    if not categories or any(not c.get("items") for c in categories):
        raise DomainError("评分标准至少需要一个类目，每个类目至少一个评分项。", field="categories")
    bands = selectors_bands()
    kinds = {i.get("kind", CriterionKind.RATING) for c in categories for i in c["items"]}
    if not kinds <= set(CriterionKind.values):
        raise DomainError("评分项类型只能是 process、result 或 rating。", field="categories")
    total = sum(Decimal(str(i["points"])) for c in categories for i in c["items"])
    cs = CriteriaSet.objects.create(code=code, name=name, standard=standard, description=description, total_points=total,
                                    bands={k: bands[k] for k in sorted(kinds)}, jurisdiction=jurisdiction, builtin=False)
    position = 0
    for c_pos, c in enumerate(categories):
        points = sum(Decimal(str(i["points"])) for i in c["items"])
        category = CriteriaCategory.objects.create(criteria_set=cs, number=c["number"], name=c["name"], points=points,
                                                   position=c_pos)
        for i in c["items"]:
            position += 1
            Criterion.objects.create(criteria_set=cs, category=category, number=i["number"], name=i["name"],
                                     points=Decimal(str(i["points"])), kind=i.get("kind", CriterionKind.RATING),
                                     position=position)
    log_action("criteria.create", actor=actor, obj=cs, role="office", jurisdiction_code=jurisdiction.code,
               data={"code": code, "total": str(total)})
    return cs


def selectors_bands() -> dict:
    from .criteria_data import read_bands

    return read_bands()


# ---------------------------------------------------------------- experts and conflicts


def _reviewer_body(jurisdiction: Jurisdiction) -> Body:
    body = Body.objects.filter(jurisdiction=jurisdiction, kind=BodyKind.AWARD_OFFICE).order_by("id").first()
    if body is None:
        body, _ = Body.objects.get_or_create(jurisdiction=jurisdiction, kind=BodyKind.REVIEW_AGENCY,
                                             name=f"{jurisdiction.name}质量奖评审专家库")
    return body


@transaction.atomic
def expert_create(*, jurisdiction: Jurisdiction, name: str, employer: str = "", title: str = "",
                  industries: Iterable[str] = (), contact: str = "", user=None, past_record: str = "", actor,
                  active: bool = True, new_username: str = "", new_password: str = "") -> Expert:
    """Adds a person to the pool; with a login they also get the reviewer role in the jurisdiction."""
    if actor is not None and not is_office_of_jurisdiction(actor, jurisdiction):
        raise NotPermitted("只有本辖区质量奖办公室可以管理专家库。")
    name = typed(name, label="专家姓名", field="name")
    employer = typed(employer, label="工作单位", field="employer")
    if not name:
        raise DomainError("请填写专家姓名。", field="name")
    user = _expert_login(jurisdiction=jurisdiction, user=user, new_username=new_username, new_password=new_password)
    expert = Expert.objects.create(jurisdiction=jurisdiction, name=name.strip(), employer=employer.strip(), title=title,
                                   industries=[i for i in industries if i], contact=contact, user=user,
                                   past_record=past_record, active=active)
    if user is not None:
        Membership.objects.get_or_create(user=user, body=_reviewer_body(jurisdiction), role=Role.REVIEWER)
    log_action("expert.create", actor=actor, obj=expert, role="office", jurisdiction_code=jurisdiction.code,
               data={"employer": expert.employer, "industries": expert.industries})
    return expert


EXPERT_FIELDS = ("name", "employer", "title", "industries", "contact", "active", "past_record")


def _expert_login(*, jurisdiction: Jurisdiction, user=None, new_username: str = "", new_password: str = ""):
    """Links an existing login, or creates one (username + initial password) for the expert."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if user is not None or not new_username.strip():
        return user
    User = get_user_model()
    if User.objects.filter(username=new_username.strip()).exists():
        raise DomainError(f"登录名“{new_username.strip()}”已被使用。", field="new_username")
    if not new_password:
        raise DomainError("新建登录账号须设置初始密码。", field="new_password")
    try:
        validate_password(new_password)
    except ValidationError as e:
        raise DomainError("初始密码不符合要求：" + "；".join(e.messages), field="new_password") from None
    return User.objects.create_user(new_username.strip(), password=new_password)


@transaction.atomic
def expert_update(*, expert: Expert, actor, user=None, new_username: str = "", new_password: str = "", **fields) -> Expert:
    """Edits a pool member (only the fields given); a newly linked login also gets the reviewer role."""
    expert = Expert.objects.select_for_update().select_related("jurisdiction").get(pk=expert.pk)
    if not is_office_of_jurisdiction(actor, expert.jurisdiction):
        raise NotPermitted("只有本辖区质量奖办公室可以管理专家库。")
    unknown = set(fields) - set(EXPERT_FIELDS)
    if unknown:
        raise DomainError(f"不能修改：{'、'.join(sorted(unknown))}。")
    if "name" in fields and not (fields["name"] or "").strip():
        raise DomainError("请填写专家姓名。", field="name")
    before = {k: getattr(expert, k) for k in fields}
    for k, v in fields.items():
        if k in ("name", "employer"):
            v = typed(v, label="专家姓名" if k == "name" else "工作单位", field=k)
        if k == "industries":
            v = [i.strip() for i in v if i and i.strip()]
        setattr(expert, k, v)
    login = _expert_login(jurisdiction=expert.jurisdiction, user=user, new_username=new_username, new_password=new_password)
    if login is not None and login.pk != expert.user_id:
        if Expert.objects.filter(jurisdiction=expert.jurisdiction, user=login).exclude(pk=expert.pk).exists():
            raise DomainError("该登录账号已关联本辖区的另一名专家。", field="user")
        expert.user = login
        Membership.objects.get_or_create(user=login, body=_reviewer_body(expert.jurisdiction), role=Role.REVIEWER)
    expert.save()
    changed = {k: [str(before[k]), str(getattr(expert, k))] for k in fields if before[k] != getattr(expert, k)}
    log_action("expert.update", actor=actor, obj=expert, role="office", jurisdiction_code=expert.jurisdiction.code,
               data={"changed": changed, "user": expert.user_id})
    return expert


@transaction.atomic
def conflict_remove(*, declaration: ConflictDeclaration, reason: str, actor) -> None:
    """The office withdraws a declaration made in error; assignments revoked by it stay revoked."""
    declaration = ConflictDeclaration.objects.select_related("expert__jurisdiction").get(pk=declaration.pk)
    if not is_office_of_jurisdiction(actor, declaration.expert.jurisdiction):
        raise NotPermitted("只有本辖区质量奖办公室可以撤回利益冲突申报。")
    if not reason.strip():
        raise DomainError("撤回利益冲突申报须填写理由。", field="reason")
    data = {"expert": declaration.expert_id, "relation": declaration.relation, "organisation": declaration.organisation_name,
            "applicant": declaration.applicant_id, "reason": reason.strip()}
    declaration.delete()
    log_action("conflict.remove", actor=actor, obj=declaration.expert, role="office",
               jurisdiction_code=declaration.expert.jurisdiction.code, data=data)


@transaction.atomic
def conflict_declare(*, expert: Expert, relation: str, applicant: Applicant | None = None, organisation_name: str = "",
                     credit_code: str = "", year_from: int | None = None, year_to: int | None = None, note: str = "",
                     actor) -> ConflictDeclaration:
    """The expert (or the office) declares a conflict. Any assignment it touches is revoked at once."""
    if relation not in ConflictRelation.values:
        raise DomainError("请选择利益关系类型。", field="relation")
    organisation_name = typed(organisation_name, label="涉及的单位名称", field="organisation_name")
    if not (applicant or organisation_name.strip() or credit_code.strip()):
        raise DomainError("请填写涉及的申报主体名称或统一社会信用代码。", field="organisation_name")
    if relation == ConflictRelation.FORMER_EMPLOYER and not year_from:
        raise DomainError("曾任职单位须填写任职起止年份。", field="year_from")
    own = actor is not None and expert.user_id == getattr(actor, "pk", None)
    if actor is not None and not own and not is_office_of_jurisdiction(actor, expert.jurisdiction):
        raise NotPermitted("只能申报本人的利益冲突。")
    d = ConflictDeclaration.objects.create(expert=expert, applicant=applicant, organisation_name=organisation_name.strip(),
                                           credit_code=credit_code.strip(), relation=relation, year_from=year_from,
                                           year_to=year_to, note=note, declared_at=clock.now(), declared_by=actor)
    log_action("conflict.declare", actor=actor, obj=d, role="reviewer" if own else "office",
               jurisdiction_code=expert.jurisdiction.code,
               data={"expert": expert.pk, "relation": relation, "organisation": organisation_name, "applicant": applicant.pk if applicant else None})
    active = list(selectors.active_assignments().filter(expert=expert).select_related("application__applicant__parent"))
    hit = selectors.conflicts_between([expert], [a.application for a in active])
    for a in active:
        if (a.application_id, expert.pk) in hit:
            _revoke(a, reason="申报利益冲突，自动回避", actor=actor)
    return d


# ---------------------------------------------------------------- panels


def _stage_conflicted_expert_ids(cycle, stage: str, experts) -> set[int]:
    return {e for (_a, e) in selectors.conflicts_between(experts, selectors.stage_applications(cycle, stage))}


@transaction.atomic
def panel_draw(*, cycle: Cycle, stage: str, size: int, industry: str = "", seed: int | None = None, actor,
               name: str = "") -> Panel:
    """Draws a review group at random from the active pool, keeping only experts of the industry (when
    given) with no conflict with any application at the stage. The seed is recorded so the draw can be
    re-run and checked."""
    _require_manager(actor, cycle)
    _review_stage(cycle, stage)
    if size < 1:
        raise DomainError("评审组人数至少为1人。", field="size")
    pool = list(selectors.expert_pool(cycle.award.jurisdiction))
    if industry:
        pool = [e for e in pool if industry in (e.industries or [])]
    conflicted = _stage_conflicted_expert_ids(cycle, stage, pool)
    busy = set(PanelMember.objects.filter(panel__cycle=cycle, panel__stage=stage, panel__dissolved_at__isnull=True)
               .values_list("expert_id", flat=True))
    candidates = [e for e in pool if e.pk not in conflicted and e.pk not in busy]
    if len(candidates) < size:
        article = Rules(cycle.ruleset.data).article(PANEL_RULE)
        raise DomainError(cite(f"符合条件（行业{('“' + industry + '”') if industry else '不限'}、无利益冲突）的专家只有"
                                f"{len(candidates)}人，不足{size}人", article),
                          code="pool_too_small", article=article or None)
    seed = int(seed) if seed is not None else secrets.randbelow(2**31)
    drawn = random.Random(seed).sample(candidates, size)
    now = clock.now()
    panel = Panel.objects.create(cycle=cycle, stage=stage, size=size, industry=industry, seed=seed, leader=drawn[0],
                                 created_by=actor, created_at=now,
                                 name=name or f"{STAGE_LABELS.get(stage, stage)}评审组"
                                 f"（第{Panel.objects.filter(cycle=cycle, stage=stage).count() + 1}组）")
    PanelMember.objects.bulk_create([PanelMember(panel=panel, expert=e, added_at=now) for e in drawn])
    log_action("panel.draw", actor=actor, obj=panel, role=_manager_role(actor, cycle), jurisdiction_code=cycle.award.jurisdiction.code,
               data={"stage": stage, "size": size, "industry": industry, "seed": seed, "candidates": len(candidates),
                     "members": [e.pk for e in drawn], "leader": drawn[0].pk,
                     "article": Rules(cycle.ruleset.data).article(PANEL_RULE)})
    return panel


@transaction.atomic
def panel_adjust(*, panel: Panel, add: Iterable[Expert] = (), remove: Iterable[Expert] = (), leader: Expert | None = None,
                 reason: str, actor) -> Panel:
    """Changes a drawn panel with a written reason; a removed member's unsubmitted assignments are revoked."""
    panel = Panel.objects.select_for_update(of=("self",)).select_related("cycle__award", "cycle__ruleset").get(pk=panel.pk)
    _require_manager(actor, panel.cycle)
    if panel.dissolved_at:
        article = Rules(panel.cycle.ruleset.data).article(PANEL_RULE)
        raise DomainError(cite("评审组已撤销，不能调整", article), code="panel_dissolved", article=article or None)
    if not reason.strip():
        raise DomainError("调整评审组须填写理由。", field="reason")
    add, remove = list(add), list(remove)
    conflicted = _stage_conflicted_expert_ids(panel.cycle, panel.stage, add)
    for e in add:
        if e.jurisdiction_id != panel.cycle.award.jurisdiction_id or not e.active:
            raise DomainError(f"{e.name} 不在本辖区在库专家中。")
        if e.pk in conflicted:
            raise DomainError(f"{e.name} 与本环节的申报主体存在利益冲突，不能加入评审组。", code="conflict")
    now = clock.now()
    for e in add:
        PanelMember.objects.get_or_create(panel=panel, expert=e, defaults={"added_at": now, "drawn": False})
    for e in remove:
        PanelMember.objects.filter(panel=panel, expert=e).delete()
        for a in selectors.active_assignments().filter(panel=panel, expert=e, submitted_at__isnull=True):
            _revoke(a, reason=f"调出评审组：{reason}", actor=actor)
    if leader is not None:
        if not panel.memberships.filter(expert=leader).exists():
            raise DomainError("组长须为评审组成员。", field="leader")
        panel.leader = leader
    elif panel.leader_id and not panel.memberships.filter(expert_id=panel.leader_id).exists():
        first = panel.memberships.order_by("id").first()
        panel.leader = first.expert if first else None
    panel.size = panel.memberships.count()
    panel.save(update_fields=["leader", "size"])
    log_action("panel.adjust", actor=actor, obj=panel, role=_manager_role(actor, panel.cycle), jurisdiction_code=panel.cycle.award.jurisdiction.code,
               data={"add": [e.pk for e in add], "remove": [e.pk for e in remove], "leader": panel.leader_id, "reason": reason})
    return panel


@transaction.atomic
def panels_dissolve(*, cycle: Cycle, actor) -> int:
    """When the cycle's review ends every panel is dissolved and every reviewer loses access to the
    applications (内蒙古 第九条、兴安盟 第九条). Returns how many panels were dissolved."""
    _require_office(actor, cycle)
    now = clock.now()
    panels = list(Panel.objects.select_for_update().filter(cycle=cycle, dissolved_at__isnull=True))
    Panel.objects.filter(pk__in=[p.pk for p in panels]).update(dissolved_at=now)
    ended = list(Assignment.objects.filter(application__cycle=cycle, revoked_at__isnull=True, access_ended_at__isnull=True)
                 .select_related("expert"))
    Assignment.objects.filter(pk__in=[a.pk for a in ended]).update(access_ended_at=now)
    _sync_permissions({(a.expert.user_id, a.application_id) for a in ended if a.expert.user_id})
    log_action("panel.dissolve_all", actor=actor, obj=cycle, role="office", jurisdiction_code=cycle.award.jurisdiction.code,
               data={"panels": [p.pk for p in panels], "assignments_closed": len(ended),
                     "article": Rules(cycle.ruleset.data).article(PANEL_RULE)})
    return len(panels)


# ---------------------------------------------------------------- assignments and object permissions


def _sync_permissions(pairs: set[tuple[int, int]]) -> None:
    """Makes the guardian rows for (user id, application id) pairs match whether an active assignment
    exists: grant where one does, remove where none is left."""
    if not pairs:
        return
    perm = _view_permission()
    user_ids = {u for u, _ in pairs}
    app_ids = {a for _, a in pairs}
    active = set(selectors.active_assignments().filter(expert__user_id__in=user_ids, application_id__in=app_ids)
                 .values_list("expert__user_id", "application_id"))
    have = set(ApplicationUserObjectPermission.objects.filter(permission=perm, user_id__in=user_ids,
                                                              content_object_id__in=app_ids)
               .values_list("user_id", "content_object_id"))
    grant = [(u, a) for (u, a) in pairs if (u, a) in active and (u, a) not in have]
    drop = [(u, a) for (u, a) in pairs if (u, a) not in active and (u, a) in have]
    ApplicationUserObjectPermission.objects.bulk_create(
        [ApplicationUserObjectPermission(permission=perm, user_id=u, content_object_id=a) for u, a in grant])
    for u, a in drop:
        ApplicationUserObjectPermission.objects.filter(permission=perm, user_id=u, content_object_id=a).delete()


def _panel_of(expert_id: int, panels: list[Panel]) -> Panel | None:
    for p in panels:
        if any(m.pk == expert_id for m in p.members.all()):
            return p
    return None


@transaction.atomic
def assign_reviewers(*, cycle: Cycle, stage: str, k: int, actor) -> dict:
    """Gives every application at the stage k reviewers from the stage's panel(s) (or the pool when no
    panel was drawn): never a conflicted expert, expertise matched where possible, loads within one of
    each other (min-cost max-flow, review.assignment). Existing assignments are kept and counted."""
    _require_manager(actor, cycle)
    _review_stage(cycle, stage)
    if k < 1:
        raise DomainError("每份申报至少分配1名评审专家。", field="k")
    apps = list(selectors.stage_applications(cycle, stage))
    if not apps:
        raise DomainError("该环节没有待评审的申报。", code="nothing_to_assign")
    experts = selectors.stage_reviewers(cycle, stage)
    if not experts:
        raise DomainError("专家库中没有可用的评审专家，请先抽取评审组。", code="no_experts")
    panels = list(selectors.stage_panels(cycle, stage))
    existing = list(selectors.active_assignments().filter(application__cycle=cycle, stage=stage)
                    .values_list("application_id", "expert_id"))
    per_app = defaultdict(int)
    loads = defaultdict(int)
    for a, e in existing:
        per_app[a] += 1
        loads[e] += 1
    conflicts = selectors.conflicts_between(experts, apps)
    matches = {(a.pk, e.pk) for a in apps for e in experts if a.applicant.industry and a.applicant.industry in (e.industries or [])}
    plan = plan_assignment(applications=[a.pk for a in apps], experts=[e.pk for e in experts],
                           need={a.pk: max(k - per_app[a.pk], 0) for a in apps}, conflicts=set(conflicts),
                           matches=matches, existing=set(existing), existing_loads=loads)
    if plan.unfilled:
        refs = {a.pk: a.reference for a in apps}
        missing = "、".join(f"{refs[a]}（缺{n}人）" for a, n in plan.unfilled.items())
        raise DomainError(f"无利益冲突的专家不足，以下申报无法分配{k}名评审专家：{missing}。请扩大评审组后重试。",
                          code="not_enough_reviewers")
    by_code: dict[str, object] = {}  # one criteria set per sheet code, not one query per application
    criteria = {}
    for a in apps:
        code = selectors.criteria_code_for(a, stage)
        if code not in by_code:
            by_code[code] = selectors.criteria_for(a, stage)
        criteria[a.pk] = by_code[code]
    now = clock.now()
    by_id = {e.pk: e for e in experts}
    rows = [Assignment(application_id=a, expert_id=e, stage=stage, panel=_panel_of(e, panels), criteria_set=criteria[a],
                       assigned_by=actor, assigned_at=now)
            for a, es in plan.pairs.items() for e in es]
    Assignment.objects.bulk_create(rows)
    _sync_permissions({(by_id[r.expert_id].user_id, r.application_id) for r in rows if by_id[r.expert_id].user_id})
    summary = {"stage": stage, "k": k, "applications": len(apps), "experts": len(experts), "created": len(rows),
               "min_load": min(plan.loads.values()), "max_load": max(plan.loads.values()), "mismatches": plan.mismatches,
               "pairs": [[r.application_id, r.expert_id] for r in rows]}
    log_action("review.assign", actor=actor, obj=cycle, role=_manager_role(actor, cycle), jurisdiction_code=cycle.award.jurisdiction.code,
               data=summary)
    return summary


@transaction.atomic
def assignment_create(*, application: Application, expert: Expert, stage: str, actor, reason: str = "") -> Assignment:
    """Manual assignment; refused when the expert is conflicted with the applicant. The reason is audited."""
    application = Application.objects.select_for_update(of=("self",)).select_related("cycle__award", "applicant__parent").get(pk=application.pk)
    cycle = application.cycle
    _require_manager(actor, cycle)
    _review_stage(cycle, stage)
    if expert.jurisdiction_id != cycle.award.jurisdiction_id or not expert.active:
        raise DomainError("该专家不在本辖区在库专家中。")
    conflict = selectors.conflicts_between([expert], [application]).get((application.pk, expert.pk))
    if conflict:
        raise DomainError(f"不能分配：{conflict}。", code="conflict", field="expert")
    if selectors.active_assignments().filter(application=application, expert=expert, stage=stage).exists():
        raise DomainError("该专家已分配评审此申报。", code="duplicate")
    panels = list(selectors.stage_panels(cycle, stage))
    a = Assignment.objects.create(application=application, expert=expert, stage=stage, panel=_panel_of(expert.pk, panels),
                                  criteria_set=selectors.criteria_for(application, stage), manual=True, assigned_by=actor,
                                  assigned_at=clock.now())
    if expert.user_id:
        _sync_permissions({(expert.user_id, application.pk)})
    log_action("review.assign_manual", actor=actor, obj=a, role=_manager_role(actor, cycle), jurisdiction_code=cycle.award.jurisdiction.code,
               data={"application": application.pk, "expert": expert.pk, "stage": stage, "reason": reason.strip()})
    return a


def _revoke(assignment: Assignment, *, reason: str, actor) -> None:
    assignment.revoked_at = clock.now()
    assignment.revoke_reason = reason[:200]
    assignment.save(update_fields=["revoked_at", "revoke_reason"])
    if assignment.expert.user_id:
        _sync_permissions({(assignment.expert.user_id, assignment.application_id)})
    log_action("review.unassign", actor=actor, obj=assignment, role="office",
               jurisdiction_code=assignment.application.cycle.award.jurisdiction.code if actor else "",
               data={"application": assignment.application_id, "expert": assignment.expert_id, "reason": reason})


@transaction.atomic
def assignment_revoke(*, assignment: Assignment, reason: str, actor) -> Assignment:
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("application__cycle__award", "expert").get(pk=assignment.pk)
    _require_manager(actor, assignment.application.cycle)
    if assignment.revoked_at:
        raise DomainError("该分配已撤销。")
    if not reason.strip():
        raise DomainError("撤销分配须填写理由。", field="reason")
    _revoke(assignment, reason=reason, actor=actor)
    return assignment


# ---------------------------------------------------------------- scores


def _lookup(key, by_pk: Mapping, by_number: Mapping):
    """A criterion given by primary key or by its number ("4.1.2")."""
    if isinstance(key, int):
        return by_pk.get(key)
    text = str(key).strip()
    return by_number.get(text) or (by_pk.get(int(text)) if text.isdigit() else None)


def _own_open_assignment(assignment: Assignment, actor) -> Assignment:
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
        "expert", "application__cycle__award", "application__applicant__parent", "criteria_set").get(pk=assignment.pk)
    if not actor or assignment.expert.user_id != actor.pk or not assignment.is_active \
            or not actor.has_perm("awards.view_application", assignment.application):
        raise NotPermitted("这不是您的评审任务，或评审已结束。")
    if assignment.submitted_at:
        raise DomainError("评分已提交，不能再修改。", code="already_submitted")
    return assignment


@transaction.atomic
def scores_save(*, assignment: Assignment, entries: Iterable[Mapping], actor) -> list[Score]:
    """Saves (or autosaves) some items of a reviewer's sheet. entries: {criterion (id or number), percent,
    strengths, opportunities}; a blank percent leaves the item unscored (and clears an earlier score of it)."""
    assignment = _own_open_assignment(assignment, actor)
    criteria = {c.pk: c for c in assignment.criteria_set.criteria.all()}
    by_number = {c.number: c for c in criteria.values()}
    now = clock.now()
    saved, cleared = [], 0
    for entry in entries:
        key = entry.get("criterion")
        crit = _lookup(key, criteria, by_number)
        if crit is None:
            raise DomainError(f"评分项“{key}”不属于本评分标准。", field="criterion")
        if entry.get("percent") is None or str(entry["percent"]).strip() == "":
            # A blank percentage is an unscored item: the reviewer may have cleared one they scored before.
            cleared += Score.objects.filter(assignment=assignment, criterion=crit).delete()[0]
            continue
        percent = scoring.parse_percent(entry["percent"])
        score, _ = Score.objects.update_or_create(
            assignment=assignment, criterion=crit,
            defaults={"percent": percent, "strengths": (entry.get("strengths") or "").strip(),
                      "opportunities": (entry.get("opportunities") or "").strip(), "updated_at": now})
        saved.append(score)
    log_action("score.save", actor=actor, obj=assignment, role="reviewer",
               jurisdiction_code=assignment.application.cycle.award.jurisdiction.code,
               data={"items": len(saved), "cleared": cleared, "digest": _scores_digest({s.criterion.number: str(s.percent) for s in saved})})
    return saved


@transaction.atomic
def assignment_submit(*, assignment: Assignment, actor) -> Assignment:
    """Submits the sheet: every item must carry a percentage. After this the reviewer may read the other
    submitted sheets, and no longer change their own."""
    assignment = _own_open_assignment(assignment, actor)
    missing = list(assignment.criteria_set.criteria.exclude(pk__in=assignment.scores.values("criterion_id"))
                   .order_by("position").values_list("number", flat=True))
    if missing:
        raise DomainError(f"以下评分项尚未评分：{'、'.join(missing)}。", code="incomplete")
    assignment.submitted_at = clock.now()
    assignment.save(update_fields=["submitted_at"])
    total = scoring.total_points((s.percent, s.criterion.points) for s in assignment.scores.select_related("criterion"))
    log_action("score.submit", actor=actor, obj=assignment, role="reviewer",
               jurisdiction_code=assignment.application.cycle.award.jurisdiction.code, data={"digest": _scores_digest({"total": str(total)})})
    return assignment


@transaction.atomic
def consensus_record(*, application: Application, stage: str, items: Mapping, actor) -> StageResult:
    """The panel leader (or the office) records the agreed percentage of every item. items: criterion id
    or number → {percent, reason, strengths, opportunities}. A percentage other than the reviewers' mean
    rounded to 5% needs a written reason. Writes the stage total (Σ percentage × item points)."""
    application = Application.objects.select_for_update(of=("self",)).select_related("cycle__award", "cycle__ruleset", "applicant").get(pk=application.pk)
    if not selectors.may_record_consensus(actor, application, stage):
        raise NotPermitted("只有评审组组长或办公室可以形成评审组意见。")
    assignments = selectors.active_assignments().filter(application=application, stage=stage)
    if not assignments.exists():
        raise DomainError("该申报在本环节没有评审专家。")
    pending = [a.expert.name for a in assignments.filter(submitted_at__isnull=True).select_related("expert")]
    if pending:
        raise DomainError(f"以下专家尚未提交评分：{'、'.join(pending)}。", code="not_all_submitted")
    lines = {line.criterion.pk: line for line in selectors.consensus_sheet(application, stage)}
    by_number = {line.criterion.number: line for line in lines.values()}
    given = {}
    for key, value in items.items():
        line = _lookup(key, lines, by_number)
        if line is None:
            raise DomainError(f"评分项“{key}”不属于本评分标准。", field="items")
        given[line.criterion.pk] = value if isinstance(value, Mapping) else {"percent": value}
    missing = [line.criterion.number for pk, line in lines.items() if pk not in given]
    if missing:
        raise DomainError(f"以下评分项尚未形成一致意见：{'、'.join(missing)}。", code="incomplete")
    now = clock.now()
    departures = {}
    for pk, value in given.items():
        line = lines[pk]
        percent = scoring.parse_percent(value.get("percent"))
        reason = (value.get("reason") or "").strip()
        if percent != line.suggested and not reason:
            raise DomainError(f"{line.criterion.number} {line.criterion.name}：一致意见 {percent}% 偏离专家均值 {line.mean}%"
                              f"（建议 {line.suggested}%），须填写理由。", code="reason_required", field=line.criterion.number)
        if percent != line.suggested:
            departures[line.criterion.number] = {"percent": str(percent), "mean": str(line.mean), "reason": reason}
        ConsensusScore.objects.update_or_create(
            application=application, stage=stage, criterion=line.criterion,
            defaults={"percent": percent, "mean_percent": line.mean, "spread": line.spread, "reason": reason,
                      "strengths": (value.get("strengths") or "\n".join(s for s, _ in line.comments if s)).strip(),
                      "opportunities": (value.get("opportunities") or "\n".join(o for _, o in line.comments if o)).strip(),
                      "decided_by": actor, "decided_at": now})
    cs = selectors.criteria_for(application, stage)
    total = scoring.total_points((scoring.parse_percent(given[pk].get("percent")), lines[pk].criterion.points) for pk in given)
    result, _ = StageResult.objects.update_or_create(
        application=application, stage=stage,
        defaults={"criteria_set": cs, "total": total, "max_points": cs.total_points, "decided_by": actor, "decided_at": now})
    log_action("score.consensus", actor=actor, obj=application, role="office" if is_office(actor, application.cycle) else
               ("agency" if may_manage_review(actor, application.cycle) else "reviewer"),
               jurisdiction_code=application.cycle.award.jurisdiction.code,
               data={"stage": stage, "digest": _scores_digest({"total": str(total)}), "departures": len(departures),
                     "divergent": [line.criterion.number for line in lines.values() if line.divergent]})
    return result


# ---------------------------------------------------------------- two-way supervision feedback


def feedback_enabled(cycle) -> bool:
    """Only where the ruleset carries "two_way_feedback" (二连浩特 第二十六条)."""
    return bool(Rules(cycle.ruleset.data).two_way_feedback)


@transaction.atomic
def feedback_record(*, assignment: Assignment, direction: str, rating: int, comment: str = "", actor) -> SupervisionFeedback:
    """二连浩特 第二十六条: the reviewer rates the applicant's conduct; the applicant rates the reviewer's
    discipline. One rating per assignment and direction; a second one replaces the first."""
    assignment = Assignment.objects.select_related("expert", "application__cycle__award", "application__cycle__ruleset").get(pk=assignment.pk)
    if not feedback_enabled(assignment.application.cycle):
        raise DomainError("本奖项的管理办法未规定评审双向监督反馈。", code="no_two_way_feedback")
    if direction == FeedbackDirection.ON_APPLICANT:
        allowed = actor is not None and assignment.expert.user_id == actor.pk and assignment.revoked_at is None
    elif direction == FeedbackDirection.ON_REVIEWER:
        allowed = actor is not None and ApplicantMember.objects.filter(applicant_id=assignment.application.applicant_id,
                                                                       user=actor).exists()
    else:
        raise DomainError("评价方向无效。", field="direction")
    if not allowed:
        raise NotPermitted("您不能对此评审作出评价。")
    if not 1 <= int(rating) <= 5:
        raise DomainError("评价须为1至5分。", field="rating")
    fb, _ = SupervisionFeedback.objects.update_or_create(
        assignment=assignment, direction=direction,
        defaults={"rating": int(rating), "comment": comment.strip(), "author": actor, "at": clock.now()})
    log_action("review.feedback", actor=actor, obj=fb, role="reviewer" if direction == FeedbackDirection.ON_APPLICANT else "applicant",
               jurisdiction_code=assignment.application.cycle.award.jurisdiction.code,
               data={"direction": direction, "rating": int(rating),
                     "article": Rules(assignment.application.cycle.ruleset.data).article(FEEDBACK_RULE)})
    return fb


# ---------------------------------------------------------------- committee votes


def committee_members(award):
    from django.contrib.auth import get_user_model

    qs = Membership.objects.filter(role=Role.COMMITTEE, active=True)
    qs = qs.filter(body_id=award.committee_id) if award.committee_id else qs.filter(body__jurisdiction_id=award.jurisdiction_id)
    return get_user_model().objects.filter(pk__in=qs.values("user_id")).order_by("pk")


@transaction.atomic
def vote_open(*, cycle: Cycle, applications: Sequence[Application], actor, title: str = "", seed: int | None = None) -> CommitteeVote:
    """Opens a vote on the listed applications; each gets a blinded code (shuffled) that hides the name
    until the vote closes. Quorum and majority come from the ruleset's committee rule."""
    _require_office(actor, cycle)
    if not applications:
        raise DomainError("请选择提交审议的申报。")
    if any(a.cycle_id != cycle.pk for a in applications):
        raise DomainError("提交审议的申报须属于本届。")
    committee = Rules(cycle.ruleset.data).committee
    members = committee_members(cycle.award).count()
    if members == 0:
        raise DomainError("评审委员会尚无委员，不能表决。", code="no_members")
    scoring.parse_fraction(committee.get("quorum", "2/3"))
    scoring.parse_fraction(committee.get("majority", "1/2"))
    vote = CommitteeVote.objects.create(cycle=cycle, title=title or f"{cycle} 审议表决", quorum=committee.get("quorum", "2/3"),
                                        majority=committee.get("majority", "1/2"), article=committee.get("article", ""),
                                        member_count=members, opened_by=actor, opened_at=clock.now())
    order = list(applications)
    random.Random(seed if seed is not None else secrets.randbelow(2**31)).shuffle(order)
    VoteItem.objects.bulk_create([VoteItem(vote=vote, application=a, code=f"A{i:02d}") for i, a in enumerate(order, start=1)])
    log_action("vote.open", actor=actor, obj=vote, role="office", jurisdiction_code=cycle.award.jurisdiction.code,
               data={"applications": [a.pk for a in applications], "members": members, "quorum": vote.quorum,
                     "majority": vote.majority, "article": vote.article})
    return vote


@transaction.atomic
def vote_apply(*, vote: CommitteeVote, actor) -> dict:
    """After the vote is closed, the office carries its result into the pipeline: every item still at the
    deliberation stage advances when it passed and is recorded as not advancing otherwise (with the tally as
    the reason). Items already acted on are left alone, so applying twice changes nothing. The vote row is
    locked so two offices applying at once cannot both move an item."""
    from awards.pipeline import move
    from awards.selectors import WORKING

    vote = CommitteeVote.objects.select_for_update(of=("self",)).select_related("cycle__award").get(pk=vote.pk)
    _require_office(actor, vote.cycle)
    if vote.is_open:
        raise DomainError("表决尚未结束，不能按结果办理。", code="vote_open")
    done = {"advanced": [], "not_advanced": [], "skipped": []}
    for item in vote.items.select_related("application").order_by("code"):
        app = item.application
        if app.stage != "deliberation" or app.status not in WORKING:
            done["skipped"].append(app.pk)
            continue
        tally = f"赞成{item.votes_for}、反对{item.votes_against}、弃权{item.votes_abstain}、回避{item.recused}"
        if item.passed:
            move(app, action="advance", actor=actor, role="office", reason=f"审议表决通过（{tally}）")
            done["advanced"].append(app.pk)
        else:
            why = "未达法定人数" if not item.quorum_met else "未获通过"
            move(app, action="not_advance", actor=actor, role="office", reason=f"审议表决{why}（{tally}）")
            done["not_advanced"].append(app.pk)
    log_action("vote.apply", actor=actor, obj=vote, role="office", jurisdiction_code=vote.cycle.award.jurisdiction.code,
               data={**done, "article": vote.article})
    return done


@transaction.atomic
def ballot_cast(*, item: VoteItem, member, choice: str = "", recused: bool = False) -> Ballot:
    """A committee member votes for/against/abstains on one blinded item, or recuses (回避)."""
    item = VoteItem.objects.select_related("vote__cycle__award").get(pk=item.pk)
    vote = CommitteeVote.objects.select_for_update().get(pk=item.vote_id)
    if not vote.is_open:
        raise DomainError("表决已结束。", code="vote_closed")
    if not is_committee_member(member, vote.cycle.award):
        raise NotPermitted("只有评审委员会委员可以投票。")
    if not recused and choice not in BallotChoice.values:
        raise DomainError("请选择赞成、反对或弃权。", field="choice")
    ballot, _ = Ballot.objects.update_or_create(item=item, member=member,
                                                defaults={"choice": "" if recused else choice, "recused": recused,
                                                          "cast_at": clock.now()})
    log_action("vote.ballot", actor=member, obj=item, role="committee",
               jurisdiction_code=vote.cycle.award.jurisdiction.code, data={"code": item.code, "recused": recused})
    return ballot


@transaction.atomic
def vote_close(*, vote: CommitteeVote, actor) -> list[VoteItem]:
    """Closes the vote, tallies every item against the quorum and majority, and reveals the names."""
    vote = CommitteeVote.objects.select_for_update(of=("self",)).select_related("cycle__award", "cycle__ruleset").get(pk=vote.pk)
    _require_office(actor, vote.cycle)
    if not vote.is_open:
        raise DomainError("表决已结束。", code="vote_closed")
    base = Rules(vote.cycle.ruleset.data).committee.get("majority_base", "present")
    items = list(vote.items.prefetch_related("ballots").select_related("application"))
    result = {}
    for item in items:
        ballots = list(item.ballots.all())
        t = scoring.tally(member_count=vote.member_count, choices=[b.choice for b in ballots if not b.recused],
                          recused=sum(b.recused for b in ballots), quorum=vote.quorum, majority=vote.majority,
                          majority_base=base)
        item.votes_for, item.votes_against, item.votes_abstain, item.recused = t.votes_for, t.votes_against, t.votes_abstain, t.recused
        item.quorum_met, item.passed = t.quorum_met, t.passed
        item.save(update_fields=["votes_for", "votes_against", "votes_abstain", "recused", "quorum_met", "passed"])
        result[item.code] = {"application": item.application_id, "for": t.votes_for, "against": t.votes_against,
                             "abstain": t.votes_abstain, "recused": t.recused, "quorum_met": t.quorum_met, "passed": t.passed}
    vote.closed_at = clock.now()
    vote.save(update_fields=["closed_at"])
    log_action("vote.close", actor=actor, obj=vote, role="office", jurisdiction_code=vote.cycle.award.jurisdiction.code,
               data={"tally": result, "quorum": vote.quorum, "majority": vote.majority, "article": vote.article})
    return items
