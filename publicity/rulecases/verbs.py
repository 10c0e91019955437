"""The verbs of a rule case, each done through the product's own domain functions as the role that does it:
the action registry (`awards.actions.perform` / `perform_on_stage`) for what an application or a stage
goes through, awards' services for applicants, cycles, approval, commendation and revocation, the history
import for past winners, review's services for votes, publicity's services for objections and the deadline
sweep for windows. A verb raises the product's DomainError when the product refuses it; `CaseError` when
the case asks for something the world cannot do (an applicant that never filed, say), which fails the step
like a crash."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from awards import actions, bans, history_import
from awards import selectors as award_selectors
from awards import services as award_services
from awards.enums import TERMINAL
from awards.models import Application, ApplicantKind, Ban, Grant, Status
from awards.simulation import issue_required_opinion
from core import clock
from core.errors import DomainError
from jurisdictions.calendar import add_working_days
from jurisdictions.rules import REVIEW_STAGES, STAGE_LABELS, Rules
from review import selectors as review_selectors
from review import services as review_services
from review import simulation as review_rehearsal
from review.models import StageResult, VoteItem

from .. import services as publicity_services
from .. import sweep
from ..models import Notice, Objection
from .schema import Step
from .world import World

DEFAULT_FILING_DAYS = 90
REVIEW_POOL = 3  # experts drawn into each stage's panel
REVIEWERS = 2  # score sheets per application and stage
DEFAULT_COMMITTEE = ["委员一", "委员二", "委员三", "委员四", "委员五"]
PDF = b"%PDF-1.4\n% rule case\n%%EOF\n"


class CaseError(Exception):
    """The case asks the world for something it cannot do; the step fails (it is not a refusal)."""


@dataclasses.dataclass
class Outcome:
    """What one step did: carried out (ok) or refused with the product's DomainError, plus what it found."""
    ok: bool
    message: str = ""
    error: DomainError | None = None
    extra: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def refused(cls, exc: DomainError, **extra) -> "Outcome":
        return cls(False, exc.message, exc, extra)


# ---- helpers ------------------------------------------------------------------------------------------------
def _rules_of(application: Application) -> Rules:
    return Rules(application.cycle.ruleset.data)


def _fresh(application: Application) -> Application:
    return (Application.objects.select_related("cycle__ruleset", "cycle__award__jurisdiction", "applicant", "route_body")
            .get(pk=application.pk))


def _workbook(row: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([label for _key, label, _help in history_import.COLUMNS])
    ws.append([row.get(key, "") for key, _label, _help in history_import.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _draft(world: World, step: Step) -> Application:
    """The applicant's draft in the open cycle (created on first use, reused after a refused submission),
    filled with a complete declaration and the step's facts, as the applicant fills the declaration pages."""
    name = step.args["applicant"]
    facts = step.args.get("facts", {})
    applicant = world.applicant(name)
    user = world.applicant_users[name]
    cycle = world.require_open_cycle()
    rules = Rules(cycle.ruleset.data)
    app = Application.objects.filter(cycle=cycle, applicant=applicant, category=applicant.kind).first()
    if app is not None and app.status != Status.DRAFT:
        raise CaseError(f"{name} 已在本届提交申报（{STAGE_LABELS.get(app.stage, app.stage)}·{Status(app.status).label}），不能再次提交。")
    if app is None:
        app = award_services.application_create(cycle=cycle, applicant=applicant, category=applicant.kind, actor=user)
    start, end = world.internal_publicity(rules, facts, clock.today())
    fields = {"declaration": world.declaration(name, facts, app.declaration),
              "self_evaluation": f"{applicant.name}对照评审标准的自我评价报告。"}
    if start is not None:
        fields["internal_publicity_from"], fields["internal_publicity_to"] = start, end
    app = award_services.application_update(application=app, actor=user, **fields)
    if (facts.get("recommendation", True) and award_selectors.applicant_recommendation(app, rules)
            and not app.materials.filter(kind="recommendation").exists()):  # the recommending body's signed opinion
        material = award_services.material_add(application=app, actor=user, uploaded_file=_upload("推荐意见.pdf"), title="",
                                               kind="recommendation", issuer="推荐单位")
        world.stored_files.append(material.file)
    return app


def _next_working_morning(after: dt.datetime) -> None:
    """After a window closed at midnight: the office's next working day, 09:00 (as simulate_cycle moves on)."""
    day = after.astimezone(clock.SHANGHAI).date()
    clock.set_now(dt.datetime.combine(add_working_days(day - dt.timedelta(days=1), 1), dt.time(9), tzinfo=clock.SHANGHAI))


def _sweep_after(closes_at: dt.datetime) -> dict:
    """The deadline task, run once just after a window's closing time (the case's clock moves there)."""
    moment = closes_at + dt.timedelta(minutes=1)
    clock.set_now(max(moment, clock.now()))
    result = sweep.run_sweep(clock.now())
    _next_working_morning(clock.now())
    return result


def _publish(world: World, cycle, stage_code: str, apps: list[Application] | None = None) -> list[Notice]:
    """The stage's actor publishes the stage's list: one list per checking body at pre-check."""
    rules = Rules(cycle.ruleset.data)
    stage = rules.stage(stage_code)
    approved = list(Application.objects.filter(cycle=cycle, stage=stage_code, status=Status.APPROVED)
                    .select_related("route_body", "applicant").order_by("reference"))
    if apps is not None:
        named = {a.pk for a in apps}
        missing = [world.name_of(a.applicant) for a in apps if a.pk not in {x.pk for x in approved}]
        if missing:
            raise CaseError(f"{'、'.join(missing)} 不在“{stage.label}”已通过待公示的名单中。")
        others = [world.name_of(a.applicant) for a in approved if a.pk not in named]
        if others:
            raise CaseError(f"产品只能公示本环节全部已通过的申报，另有 {'、'.join(others)} 也已通过。")
    publish = actions.cycle_action("publish_list")
    if stage.actor == "precheck" and approved:
        bodies = sorted({a.route_body for a in approved}, key=lambda b: b.pk)
        return [publish.perform(cycle=cycle, stage_code=stage_code, actor=world.checker(body), role="precheck", body=body)
                for body in bodies]
    return [publish.perform(cycle=cycle, stage_code=stage_code, actor=world.office(), role="office", body=None)]


def hold_vote(world: World, cycle, apps: list[Application], ballots: list[dict]) -> dict[int, VoteItem]:
    """The committee (exactly the members of `ballots`) votes on `apps`; the office closes the vote and
    applies its result. Returns application id → its tallied vote item. A ballot's `unit` is not passed on:
    the product has no member units yet (塔城 第二十二条 counts by unit), so it counts members."""
    rules = Rules(cycle.ruleset.data)
    stage_code = next((s.code for s in rules.stages if s.actor == "committee"), "deliberation")
    office = world.office()
    members = world.committee_roster([b["member"] for b in ballots])
    vote = actions.perform_on_stage("vote_open", cycle=cycle, stage_code=stage_code, actor=office, role="office",
                                    applications=apps)
    items = {i.application_id: i for i in VoteItem.objects.filter(vote=vote)}
    for ballot, member in zip(ballots, members):
        if ballot["choice"] == "absent":
            continue
        for app in apps:
            review_services.ballot_cast(item=items[app.pk], member=member, choice=ballot["choice"])
    closed = review_services.vote_close(vote=vote, actor=office)
    actions.perform_on_stage("vote_apply", cycle=cycle, stage_code=stage_code, actor=office, role="office", vote=vote.pk)
    return {i.application_id: i for i in closed}


# ---- the verbs ----------------------------------------------------------------------------------------------
def history_grant(world: World, step: Step) -> Outcome:
    """An award of an earlier cycle, entered as the office enters paper history: the Excel template,
    its dry run, then the import."""
    name = step.args["applicant"]
    applicant = world.applicant(name)
    awarded_on = step.args.get("awarded_on", clock.today())
    category = step.args.get("category", applicant.kind)
    number = step.args["cycle"]
    row = {"award": world.award.slug, "year": str(awarded_on.year), "number": str(number),
           "category": "组织" if category == ApplicantKind.ORGANIZATION else "个人", "name": applicant.name,
           "code": applicant.credit_code if applicant.kind == ApplicantKind.ORGANIZATION else applicant.id_number,
           "county": applicant.county.code, "decision": f"历史表彰决定〔{awarded_on.year}〕{number}号",
           "awarded_on": awarded_on.isoformat()}
    office = world.office()
    upload = SimpleUploadedFile("历史获奖记录.xlsx", _workbook(row),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    batch = history_import.history_import_upload(actor=office, uploaded_file=upload)
    try:
        created = history_import.history_import_commit(batch=batch, actor=office)
    except DomainError as exc:
        problems = [e for c in history_import.check_rows(batch.rows, office) for e in c.errors]
        if problems:
            exc.message = f"{exc.message}（{'；'.join(problems)}）"
        raise
    return Outcome(True, f"已导入第 {number} 届获奖记录（{awarded_on:%Y-%m-%d}）：{created}")


def _finish(world: World, cycle) -> None:
    """A cycle still running when the case opens the next one ends as the product ends a cycle: the office's
    commendation decision, here with nobody at the commendation stage (the title left vacant)."""
    waiting = cycle.applications.filter(stage="commendation", status=Status.PENDING).count()
    if waiting:
        raise CaseError(f"第 {cycle.number} 届还有 {waiting} 件申报待表彰，请先 commend 再启动下一届。")
    award_services.commend(cycle=cycle, actor=world.office(), decision_document=f"第{cycle.number}届评选结束（无授奖）",
                           date=clock.today())


def open_cycle(world: World, step: Step) -> Outcome:
    for cycle in world.cycles().filter(status="open").order_by("number"):
        _finish(world, cycle)
    today = clock.today()
    deadline = step.args.get("filing_deadline") or today + dt.timedelta(days=DEFAULT_FILING_DAYS)
    cycle = award_services.cycle_open(
        award=world.award, actor=world.office(), year=today.year, filing_deadline=deadline,
        plan_approval_body="评比达标表彰工作主管部门", plan_approval_document=f"评审方案批复〔{today.year}〕1号",
        plan_approval_date=today)
    wanted = step.args.get("number")
    if wanted is not None and cycle.number != wanted:
        raise CaseError(f"启动的是第 {cycle.number} 届，用例写的是第 {wanted} 届。")
    return Outcome(True, f"已启动第 {cycle.number} 届（{cycle.year} 年，申报截止 {cycle.filing_deadline:%Y-%m-%d}）",
                   extra={"cycle": cycle.number, "ruleset_version": cycle.ruleset.version})


def submit(world: World, step: Step) -> Outcome:
    with transaction.atomic():
        app = _draft(world, step)
    try:
        with transaction.atomic():
            app = actions.perform("submit", application=app, actor=world.applicant_users[step.args["applicant"]], role="applicant")
    except DomainError as exc:
        return Outcome.refused(exc)  # the draft stays, as on the declaration page
    return Outcome(True, f"已提交（{app.reference}）")


def check_eligibility(world: World, step: Step) -> Outcome:
    app = _draft(world, step)
    results = award_services.eligibility_check(app)
    failing = [r for r in results if r.outcome == "fail"]
    return Outcome(True, "；".join(f"{r.text}（{r.article}）：{r.why}" for r in failing) or "符合全部可自动判断的申报条件",
                   extra={"failing": [r.code for r in failing], "articles": [r.article or "" for r in failing]})


def _review(world: World, cycle, stage_code: str) -> None:
    """The review of a stage as review's rehearsal does it (review.simulation.run_review_stage), with a
    smaller group: a panel of 3 drawn from the pool, 2 reviewers per application, every score sheet saved
    and submitted, the leader's consensus recorded. The cases test the rules around the review, not its
    arithmetic; a smaller group keeps a case's rehearsal to a second or two."""
    apps = list(review_selectors.stage_applications(cycle, stage_code))
    if not apps:
        return
    office = world.office()
    review_rehearsal.ensure_expert_pool(cycle, rng=random.Random(7), size=REVIEW_POOL)
    if not review_selectors.stage_panels(cycle, stage_code).exists():
        review_services.panel_draw(cycle=cycle, stage=stage_code, size=REVIEW_POOL, seed=7, actor=office)
    review_services.assign_reviewers(cycle=cycle, stage=stage_code, k=REVIEWERS, actor=office)
    open_sheets = (review_selectors.active_assignments().filter(application__in=apps, stage=stage_code, submitted_at__isnull=True)
                   .select_related("expert__user", "criteria_set"))
    for sheet in open_sheets:
        entries = [{"criterion": c.number, "percent": Decimal(60), "strengths": f"{c.name}方面做法较系统。",
                    "opportunities": f"{c.name}方面可进一步量化对比。"} for c in sheet.criteria_set.criteria.all()]
        review_services.scores_save(assignment=sheet, entries=entries, actor=sheet.expert.user)
        review_services.assignment_submit(assignment=sheet, actor=sheet.expert.user)
    for app in apps:
        if StageResult.objects.filter(application=app, stage=stage_code).exists():
            continue
        items = {line.criterion.number: {"percent": line.suggested} for line in review_selectors.consensus_sheet(app, stage_code)}
        leaders = review_selectors.panel_leader_user_ids(app, stage_code)
        leader = get_user_model().objects.get(pk=min(leaders)) if leaders else office
        review_services.consensus_record(application=app, stage=stage_code, items=items, actor=leader)


def _pass_stage(world: World, cycle, rules: Rules, stage, group: list[Application]) -> None:
    """Takes the group (named applications at `stage`) through it the way the office works a stage."""
    code = stage.code
    if code in ("announcement", "internal_publicity", "filing"):
        raise CaseError("申报尚未提交。")
    if code == "commendation":
        raise CaseError("表彰是最后一个环节。")
    if code == "approval":
        award_services.approval_record(cycle=cycle, actor=world.office(), body="人民政府",
                                       document=f"批复〔{cycle.year}〕9号", date=clock.today())
        return
    if stage.actor == "committee":
        hold_vote(world, cycle, group, [{"member": m, "choice": "for"} for m in DEFAULT_COMMITTEE])
        return
    if code in REVIEW_STAGES:
        _review(world, cycle, code)
    window = stage.publicity or stage.public_comment
    if not window:
        for app in group:
            actor, role = world.actor_for(stage.actor, app), stage.actor
            issue_required_opinion(app, rules, stage, world.actor_for)
            actions.perform("advance", application=app, actor=actor, role=role, reason="按好中选优原则进入下一环节")
        return
    for app in group:
        if app.status == Status.PENDING:
            issue_required_opinion(app, rules, stage, world.actor_for)
            actions.perform("approve", application=app, actor=world.actor_for(stage.actor, app), role=stage.actor,
                            reason="符合条件，列入公示名单")
    group = [_fresh(a) for a in group]
    if any(a.status == Status.APPROVED for a in group):
        _publish(world, cycle, code)
    notices = list(Notice.objects.filter(applications__in=[a.pk for a in group], stage=code, state=Notice.State.OPEN)
                   .distinct())
    if notices:
        _sweep_after(max(n.closes_at for n in notices))


def _settle(world: World, cycle, rules: Rules, stage, apps: list[Application], status: str) -> None:
    """At the target stage: leave pending, approve, or approve and publish."""
    if status == Status.PENDING:
        return
    for app in apps:
        if app.status == Status.PENDING:
            issue_required_opinion(app, rules, stage, world.actor_for)
            actions.perform("approve", application=app, actor=world.actor_for(stage.actor, app), role=stage.actor,
                            reason="符合条件")
    if status == Status.IN_PUBLICITY and any(_fresh(a).status == Status.APPROVED for a in apps):
        _publish(world, cycle, stage.code)


def reach_stage(world: World, step: Step) -> Outcome:
    names, target, status = step.args["applicants"], step.args["stage"], step.args.get("status", "pending")
    apps = [world.require_application(n) for n in names]
    cycle = apps[0].cycle
    if any(a.cycle_id != cycle.pk for a in apps):
        raise CaseError("reach_stage 的申报须在同一届。")
    rules = Rules(cycle.ruleset.data)
    stage = rules.stage(target)  # a stage the ruleset does not have is the product's refusal
    order = rules.stage_codes
    goal = order.index(target)
    for _ in range(len(order) * 2 + 2):
        apps = [_fresh(a) for a in apps]
        for name, app in zip(names, apps):
            if app.status == Status.DRAFT:
                raise CaseError(f"{name} 尚未提交申报。")
            if app.status in TERMINAL or app.status in (Status.AWARDED, Status.HELD, Status.RETURNED):
                raise CaseError(f"{name} 在“{STAGE_LABELS.get(app.stage, app.stage)}”{Status(app.status).label}，演练无法继续。")
            if order.index(app.stage) > goal:
                raise CaseError(f"{name} 已过“{stage.label}”环节（在“{STAGE_LABELS.get(app.stage, app.stage)}”）。")
        behind = [a for a in apps if order.index(a.stage) < goal]
        if not behind:
            _settle(world, cycle, rules, stage, apps, status)
            apps = [_fresh(a) for a in apps]
            return Outcome(True, "；".join(f"{n}：{STAGE_LABELS.get(a.stage, a.stage)}·{Status(a.status).label}"
                                           for n, a in zip(names, apps)))
        lowest = min(order.index(a.stage) for a in behind)
        before = [(a.stage, a.status) for a in apps]
        _pass_stage(world, cycle, rules, rules.stages[lowest], [a for a in behind if order.index(a.stage) == lowest])
        if [(a.stage, a.status) for a in map(_fresh, apps)] == before:
            raise CaseError(f"演练停在“{rules.stages[lowest].label}”环节。")
    raise CaseError("演练未能到达目标环节。")


def advance(world: World, step: Step) -> Outcome:
    app = world.require_application(step.args["applicant"])
    rules = _rules_of(app)
    role = step.args.get("as") or rules.stage(app.stage).actor
    issue_required_opinion(app, rules, rules.stage(app.stage), world.actor_for)
    app = actions.perform("advance", application=app, actor=world.actor_for(role, app), role=role, reason="进入下一环节")
    return Outcome(True, f"已进入“{STAGE_LABELS.get(app.stage, app.stage)}”")


def publish_list(world: World, step: Step) -> Outcome:
    cycle = world.require_open_cycle()
    apps = [world.require_application(n) for n in step.args["applicants"]] if "applicants" in step.args else None
    notices = _publish(world, cycle, step.args["stage"], apps)
    return Outcome(True, "；".join(f"已发布“{n.title}”（{n.first_day:%Y-%m-%d} 至 {n.last_day:%Y-%m-%d}）" for n in notices))


def vote(world: World, step: Step) -> Outcome:
    names = step.args["applicants"]
    apps = [world.require_application(n) for n in names]
    items = hold_vote(world, apps[0].cycle, apps, step.args["ballots"])
    passed = {n: bool(items[a.pk].passed) for n, a in zip(names, apps)}
    return Outcome(True, "；".join(f"{n}：赞成{items[a.pk].votes_for}、反对{items[a.pk].votes_against}、弃权{items[a.pk].votes_abstain}"
                                   f"，{'通过' if passed[n] else '未通过'}" for n, a in zip(names, apps)), extra={"passed": passed})


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file_objection(world: World, step: Step) -> Outcome:
    app = world.require_application(step.args["against"])
    notice = (Notice.objects.filter(applications=app, closes_at__isnull=False).order_by("-published_at", "-pk").first())
    if notice is None:
        raise CaseError(f"{step.args['against']} 没有列入任何公示名单，无从提出异议。")
    by = step.args.get("by", {})
    person = by.get("kind", "person") == "person"
    proof = by.get("identity_proof", True) if person else by.get("seal", True)
    objection = publicity_services.objection_file(
        notice=notice, application=app, objector_kind="individual" if person else "organization",
        name=by.get("name", "张某某" if person else "某某有限责任公司"), phone=by.get("phone", "13900000000"),
        address=by.get("address", "某市某区某路1号"), facts=step.args.get("text", "公示对象的申报材料与事实不符，特提出异议。"),
        identity_proof=_upload("身份证明.pdf" if person else "加盖公章的异议材料.pdf") if proof else None,
        evidence=_upload("证明材料.pdf") if step.args.get("evidence", True) else None,
        id_number=world._id_number(world.default_county()) if person and proof else "")
    world.stored_files += [f for f in (objection.identity_proof, objection.evidence) if f]
    return Outcome(True, f"异议已收到（回执号 {objection.receipt_no}，审查期限 {objection.review_due:%Y-%m-%d}）")


def decide_objection(world: World, step: Step) -> Outcome:
    app = world.require_application(step.args["against"])
    objection = (Objection.objects.filter(application=app).order_by("-received_at", "-pk").first())
    if objection is None:
        raise CaseError(f"没有针对 {step.args['against']} 的异议。")
    office = world.office()
    upheld = step.args["upheld"]
    if objection.state == Objection.State.RECEIVED:
        objection = publicity_services.objection_accept(objection=objection, actor=office, reason="异议材料齐全，予以受理")
    if objection.state == Objection.State.ACCEPTED:
        objection = publicity_services.objection_record_findings(objection=objection, actor=office, findings="经调查核实，情况已查明。")
    publicity_services.objection_decide(objection=objection, actor=office, upheld=upheld, fraud=step.args.get("fraud", False),
                                        text="经调查核实，异议成立。" if upheld else "经调查核实，异议不成立。")
    return Outcome(True, "异议成立" if upheld else "异议不成立")


FRAUD = "隐瞒有关情况、提供虚假材料进行申报"


def record_fraud(world: World, step: Step) -> Outcome:
    """The office (or the checking body at its stage) finds that the application rests on false materials:
    it refuses the application at its stage recording that finding (不予通过, 查实弄虚作假), which writes the ban
    the ruleset gives wherever such a finding is made."""
    app = world.require_application(step.args["applicant"])
    rules = _rules_of(app)
    role = rules.stage(app.stage).actor
    role = "office" if role in ("committee", "applicant") else role
    actions.perform("reject", application=app, actor=world.actor_for(role, app), role=role, reason=FRAUD, data={"fraud": True})
    return Outcome(True, "已认定提供虚假材料，不予通过")


def revoke(world: World, step: Step) -> Outcome:
    name = step.args["applicant"]
    applicant = world.applicant(name)
    grant = (Grant.objects.filter(applicant=applicant, award=world.award, revoked_on__isnull=True)
             .select_related("application__cycle__ruleset", "cycle__ruleset", "award").order_by("-awarded_on", "-pk").first())
    if grant is None:
        raise CaseError(f"{name} 没有可撤销的获奖记录。")
    rules = bans.rules_for_grant(grant, on=clock.today())
    reason = step.args["reason"]
    if reason == "serious_violation" and rules.revocation_for(reason) is None and rules.revocation_for("serious_accident"):
        reason = "serious_accident"  # the rulesets list 较大事故 and 严重违法违规 as one revocation case
    ground = FRAUD if reason == "fraud" else "管理办法规定应撤销奖励的情形"
    occurred_on = step.args["occurred_on"]
    award_services.revoke(grant=grant, actor=world.office(), reason=reason, occurred_on=occurred_on,
                          text=f"经查，{applicant.name}{ground}（发生于 {occurred_on:%Y-%m-%d}），撤销其奖励。",
                          evidence_ref=f"查实{ground}的调查报告（{occurred_on:%Y-%m-%d}）")
    return Outcome(True, f"已撤销 {applicant.name} 第 {grant.cycle_number} 届的奖励")


def run_deadlines(world: World, step: Step) -> Outcome:
    result = sweep.run_sweep(clock.now())
    return Outcome(True, f"期限任务：关闭公示 {result.get('closed', 0)} 个，进入下一环节 {result.get('advanced', 0)} 件，"
                         f"因异议暂停 {result.get('held', 0)} 件")


def commend(world: World, step: Step) -> Outcome:
    cycle = world.require_open_cycle()
    office = world.office()
    if cycle.applications.filter(stage="approval", status=Status.PENDING).exists():
        award_services.approval_record(cycle=cycle, actor=office, body="人民政府", document=f"批复〔{cycle.year}〕9号",
                                       date=clock.today())
    if "applicants" in step.args:
        waiting = {a.applicant_id for a in cycle.applications.filter(stage="commendation", status=Status.PENDING)}
        named = {world.applicant(n).pk for n in step.args["applicants"]}
        if waiting != named:
            raise CaseError("表彰环节待表彰的申报与用例所列不一致（产品按表彰环节全部待表彰的申报统一办理）。")
    grants = award_services.commend(cycle=cycle, actor=office, decision_document=f"表彰决定〔{cycle.year}〕1号", date=clock.today())
    winners = [world.name_of(g.applicant) for g in grants]
    return Outcome(True, f"授奖：{'、'.join(winners) or '无（空缺）'}", extra={"winners": winners})


VERBS = {
    "history_grant": history_grant,
    "open_cycle": open_cycle,
    "submit": submit,
    "check_eligibility": check_eligibility,
    "reach_stage": reach_stage,
    "advance": advance,
    "publish_list": publish_list,
    "vote": vote,
    "file_objection": file_objection,
    "decide_objection": decide_objection,
    "record_fraud": record_fraud,
    "revoke": revoke,
    "run_deadlines": run_deadlines,
    "commend": commend,
}


# ---- what the expectations read -----------------------------------------------------------------------------
def state_of(world: World, name: str) -> tuple[str | None, str | None]:
    app = world.application(name)
    return (app.stage, app.status) if app is not None else (None, None)


def banned_until(world: World, name: str) -> dt.date | None:
    """The last day of the applicant's ban on applying to the award (bans counted in years), or None."""
    if name not in world.applicants:
        return None
    days = [b.ends_on for b in Ban.objects.filter(applicant=world.applicants[name], award=world.award) if b.ends_on]
    return max(days) if days else None


def eligible_from_cycle(world: World, name: str) -> int | None:
    """The first cycle number the applicant may apply in again, as the product's eligibility engine answers
    for each cycle number after the last one it took part in: the first with no gap or ban counted in cycles
    (bans in years are left out: they do not depend on the cycle)."""
    from awards import eligibility

    if name not in world.applicants:
        return None
    applicant = world.applicants[name]
    rules = world.rules()
    today = clock.today()

    def failing(number):
        return {(r.code, r.article, r.why) for r in eligibility.history_results(
            rules=rules, applicant=applicant, award=world.award, on=today, cycle_number=number) if r.outcome == "fail"}

    # "again": after the last cycle it took part in (history included), or from the first cycle if none
    start = (Application.objects.filter(applicant=applicant, cycle__award=world.award)
             .order_by("-cycle__number").values_list("cycle__number", flat=True).first() or 0) + 1
    regardless = failing(10**6)
    for number in range(start, start + 60):
        if failing(number) <= regardless:
            return number
    return None


def valid_until(world: World, name: str) -> dt.date | None:
    if name not in world.applicants:
        return None
    grant = Grant.objects.filter(applicant=world.applicants[name], award=world.award).order_by("-awarded_on", "-pk").first()
    return grant.valid_until if grant else None


__all__ = ["VERBS", "CaseError", "Outcome", "state_of", "banned_until", "eligible_from_cycle", "valid_until", "hold_vote"]
