"""Permission-aware reads for the application pipeline, the cultivation pool, imported history, encouraged
applicants and prize money: every list a page or the API shows is built here, scoped to what the user may see. Another tenant's object raises Http404 (never a 403 that confirms it
exists)."""
from __future__ import annotations

import calendar as pycalendar
import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404

from core import clock
from core.period import Period
from jurisdictions.calendar import UNIT_LABELS, compute_window, deadline_after
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction, Membership
from jurisdictions.rules import ACTOR_LABELS, STAGE_LABELS, Rules, cite
from jurisdictions.selectors import ruleset_current, ruleset_in_force

from . import eligibility
from .models import (Applicant, ApplicantKind, ApplicantMember, Application, Ban, ClaimRequest, Cycle, Grant, HistoryImport, Material,
                     PoolMember, StageEvent, Status, Training)
from .enums import LIVE, WORKING  # noqa: F401  (pages read the groups as selectors.LIVE/WORKING)
from .pipeline import TABLE, available_actions

APPLICANT_ACTIONS = {"submit", "resubmit", "withdraw"}
ROLE_PAGES = {
    "office": ("/office/", "评选管理"), "precheck": ("/precheck/", "初审工作台"), "supervisor": ("/supervision/", "监督查询"),
    "reviewer": ("/review/", "我的评审任务"), "committee": ("/review/", "审议表决"), "agency": ("/review/", "评审工作"),
    "admin": ("/calendar/", "工作日历管理"),
}


def _app_related(qs):
    return qs.select_related("cycle__award__jurisdiction", "cycle__ruleset", "applicant__county", "route_body")


# ---- roles -------------------------------------------------------------------------------------------------
def memberships_of(user):
    if not (user and user.is_authenticated):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, active=True).select_related("body__jurisdiction").order_by("role", "body__name")


def _jurisdiction_ids(user, roles, memberships=None) -> set[int]:
    return {m.body.jurisdiction_id for m in (memberships_of(user) if memberships is None else memberships) if m.role in roles}


def workspace_roles(user) -> list[dict]:
    """Each role the user holds, with the page it works on."""
    rows = []
    for m in memberships_of(user):
        url, page = ROLE_PAGES.get(m.role, ("/", "首页"))
        rows.append({"role": m.get_role_display(), "code": m.role, "body": m.body.name,
                     "jurisdiction": m.body.jurisdiction.name, "url": url, "page": page})
    for a in applicants_of(user):
        rows.append({"role": ACTOR_LABELS["applicant"], "code": "applicant", "body": a.name, "jurisdiction": a.county.name,
                     "url": "/apply/", "page": "我的申报"})
    return rows


# ---- applicants --------------------------------------------------------------------------------------------
def applicants_of(user):
    if not (user and user.is_authenticated):
        return Applicant.objects.none()
    return Applicant.objects.filter(members__user=user).select_related("county__parent__parent", "parent").order_by("name")


def counties():
    """County-level divisions (where applicants are registered), grouped by their prefecture in the label."""
    return Jurisdiction.objects.filter(level="county").select_related("parent__parent").order_by("code")


def county_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for c in counties():
        parent = c.parent
        label = f"{parent.parent.name if parent and parent.parent else ''} · {parent.name if parent else ''}"
        groups[label].append((c.pk, f"{c.name}（{c.code}）"))
    return list(groups.items())


def _ancestor_ids(county: Jurisdiction) -> list[int]:
    return [county.pk, *[a.pk for a in county.ancestors()]]


def open_cycles_for(applicant: Applicant):
    return (Cycle.objects.filter(status=Cycle.Status.OPEN, award__jurisdiction_id__in=_ancestor_ids(applicant.county))
            .select_related("award__jurisdiction", "ruleset").prefetch_related("award__rulesets")
            .order_by("award__jurisdiction__code", "-number"))


def applicant_recommendation(app: Application, rules: Rules) -> dict | None:
    """The recommendation the applicant must attach, signed by the body that gives it ({"by", "text", "article"}):
    瀍河 第十六条 经有关部门签署推荐意见后提交; 塔城 第十二条 a branch's parent after its internal publicity. None
    where the regulation asks none of the applicant (or where the pre-check body issues it, 兴安盟 第十七条)."""
    rec = rules.recommendation
    if rec.get("required") and rules.routing.get("first") == "award_office":
        return rec
    if app.applicant.legal_form == "branch" and rec.get("branch_required"):
        return rec
    return None


def regulation_lapsed(cycle: Cycle, day: dt.date | None = None) -> tuple[str, str] | None:
    """(why, article) when a running cycle accepts no filing on `day` because the award's regulation has
    lapsed (its term ended and no later version is in force); None while a version is in force."""
    day = day or clock.today()
    if ruleset_in_force(cycle.award, day) is not None:
        return None
    lapsed = cycle.ruleset
    article = Rules(lapsed.data).article("document")  # the article that states its term (有效期5年)
    until = f"有效期至 {lapsed.effective_until:%Y年%-m月%-d日}" if lapsed.effective_until else "已失效"
    title = (lapsed.data.get("document") or {}).get("title") or lapsed.document_number
    return cite(f"《{title}》（{lapsed.document_number}）{until}，期满后本届评选不再受理申报", article), article


def filing_refusals(cycle: Cycle, applicant: Applicant) -> list[str]:
    """Why this applicant cannot open an application in this cycle at all (before any declaration)."""
    rules = Rules(cycle.ruleset.data)
    out = []
    if applicant.kind not in rules.categories:
        out.append(f"本奖项不设“{ApplicantKind(applicant.kind).label}”类别（{rules.applicants.get('article') or '管理办法'}）")
    if applicant.legal_form == "branch" and not rules.applicants.get("branch"):
        out.append(f"不接受分支机构申报（{rules.applicants.get('article')}）")
    if applicant.legal_form == "non_legal_person" and not rules.applicants.get("non_legal_person"):
        out.append(f"要求具有独立法人资格（{rules.applicants.get('article')}）")
    if clock.today() > cycle.filing_deadline:
        out.append(f"本届申报已于 {cycle.filing_deadline:%Y-%m-%d} 截止")
    lapsed = regulation_lapsed(cycle)
    if lapsed:
        out.append(lapsed[0].rstrip("。"))
    return out


# Rules the applicant's registration alone decides (the rest need the declaration).
STRUCTURAL_RULES = {"registered_in_jurisdiction", "independent_legal_person", "years_of_operation", "quality_work_years",
                    "reapply_after_award", "ban"}


def applicant_dashboard(user) -> list[dict]:
    """Per applicant: open cycles they may enter (eligibility evaluated once per award, gaps and bans per cycle) and their applications."""
    applicants = list(applicants_of(user))
    apps = list(_app_related(Application.objects.filter(applicant__in=applicants)).order_by("-cycle__year", "reference"))
    by_applicant = defaultdict(list)
    for a in apps:
        by_applicant[a.applicant_id].append(a)
    out = []
    today = clock.today()
    for applicant in applicants:
        own = by_applicant.get(applicant.pk, [])
        existing = {a.cycle_id: a for a in own}
        cycles, per_award = [], {}
        for cycle in open_cycles_for(applicant):
            if cycle.award_id not in per_award:  # the rules once per award; gaps and bans per cycle, from one read
                rules = Rules(cycle.ruleset.data)
                base = eligibility.evaluate(rules=rules, applicant=applicant, category=applicant.kind, declaration={},
                                            on=today, award=cycle.award, history=False)
                past = (list(Grant.objects.filter(applicant=applicant, award=cycle.award, revoked_on__isnull=True)),
                        list(Ban.objects.filter(applicant=applicant, award=cycle.award)))
                per_award[cycle.award_id] = (rules, base, past)
            rules, base, (grants, bans) = per_award[cycle.award_id]
            history = eligibility.history_results(rules=rules, applicant=applicant, award=cycle.award, on=today,
                                                  cycle_number=cycle.number, grants=grants, bans=bans)
            failing = [r for r in eligibility.blocking(base + history) if r.code in STRUCTURAL_RULES]
            refusals = filing_refusals(cycle, applicant)
            why = refusals + [f"{r.text}（{r.article}）：{r.why}" if r.article else f"{r.text}：{r.why}" for r in failing]
            cycles.append({"cycle": cycle, "why_not": why, "eligible": not why, "application": existing.get(cycle.pk),
                           "can_create": not refusals and cycle.pk not in existing})
        out.append({"applicant": applicant, "cycles": cycles, "applications": own})
    return out


def applications_of_applicant(user):
    return _app_related(Application.objects.filter(applicant__members__user=user)).order_by("-created_at", "-pk")


def application_for_applicant(user, pk) -> Application:
    app = applications_of_applicant(user).filter(pk=pk).first()
    if app is None:
        raise Http404("申报不存在。")
    return app


def cycle_for_applicant(user, applicant: Applicant, pk) -> Cycle:
    cycle = open_cycles_for(applicant).filter(pk=pk).first()
    if cycle is None:
        raise Http404("评选届次不存在或已结束。")
    return cycle


def grants_of_applicant(user):
    return (Grant.objects.filter(applicant__members__user=user).select_related("award", "cycle__ruleset", "applicant")
            .prefetch_related("reports").order_by("-year"))


def grant_for_applicant(user, pk) -> Grant:
    grant = grants_of_applicant(user).filter(pk=pk).first()
    if grant is None:
        raise Http404("获奖记录不存在。")
    return grant


# ---- timeline ----------------------------------------------------------------------------------------------
EXPECTATIONS = {
    "announcement": "办公室发布申报通知；请在申报截止日前完成申报。",
    "internal_publicity": "申报单位在本单位内部公示申报情况，公示期满后填写起止日期。",
    "filing": "填写申报书、自我评价并上传材料，核对资格后提交。",
    "pre_check": "初审机构审核材料并出具意见；如需补正，请在本页按通知一次补齐。",
    "qualification_review": "办公室进行形式审查、资格审查；需要补正时会一次性告知。",
    "material_review": "专家对申报材料评分；无需申报单位操作。",
    "on_site_review": "专家到现场评审，请按通知安排接待并提供佐证材料。",
    "defense": "按通知时间参加陈述答辩。",
    "composite_evaluation": "办公室综合评价并形成评审报告。",
    "deliberation": "评审委员会（领导小组）审议表决。",
    "award_publicity": "拟授奖名单向社会公示，公示期内可能收到异议。",
    "approval": "报请政府审批。",
    "commendation": "发布表彰决定，颁发证书；获奖后按规定使用称号并提交报告。",
}


def _window_text(rule) -> str:
    return f"{rule.length}{UNIT_LABELS.get(rule.unit, rule.unit)}（{rule.article or ''}）" if rule else ""


def application_timeline(application: Application, rules: Rules | None = None) -> list[dict]:
    """Every stage of the cycle's ruleset with its state for this application, the window of its notice
    (if published) and what is expected at it. `rules` when the page already built them."""
    rules = rules or Rules(application.cycle.ruleset.data)
    codes = rules.stage_codes
    notices = {}
    for n in application.notices.all().order_by("published_at"):
        notices[n.stage] = n
    for n in application.cycle.notices.filter(stage="announcement"):
        notices.setdefault("announcement", n)
    current = codes.index(application.stage) if application.stage in codes else -1
    rows = []
    for i, stage in enumerate(rules.stages):
        if application.status == Status.DRAFT:
            state = "done" if stage.code == "announcement" else ("current" if stage.code in ("internal_publicity", "filing") and i <= codes.index("filing") else "todo")
        else:
            state = "done" if i < current else ("current" if i == current else "todo")
        notice = notices.get(stage.code)
        window = ""
        if notice is not None and notice.first_day:
            window = f"{notice.first_day:%Y-%m-%d} 至 {notice.last_day:%Y-%m-%d}（{notice.length}{UNIT_LABELS.get(notice.unit, '')}）"
        elif stage.code == "internal_publicity" and application.internal_publicity_from and application.internal_publicity_to:
            window = f"{application.internal_publicity_from:%Y-%m-%d} 至 {application.internal_publicity_to:%Y-%m-%d}（本单位填写）"
        rule = stage.publicity or stage.public_comment
        rows.append({"code": stage.code, "label": stage.label, "article": stage.article, "state": state,
                     "window": window, "window_rule": _window_text(rule), "deadline_rule": _window_text(stage.deadline),
                     "due": application.stage_due if state == "current" else None,
                     "expected": EXPECTATIONS.get(stage.code, ""), "notice": notice})
    return rows


def declaration_keys(rules: Rules, category: str) -> list[str]:
    """The declaration facts this ruleset's eligibility rules read, in a stable order."""
    keys = []
    for rule in rules.eligibility:
        if rule.get("category") not in (None, category):
            continue
        keys += list(((rule.get("applies_to") or {}).get("declared") or {}))  # e.g. non_profit: whom the rule concerns
        if rule.get("judgement"):
            continue
        code = rule["code"]
        if code == "quality_system_years":
            keys.append("quality_system_years")
        elif code == "not_on_abnormal_lists":
            keys += ["on_abnormal_list", "on_serious_violation_list"]
        elif code == "years_of_operation" and rule.get("new_economy_min") is not None:
            keys.append("new_economy")
        elif code == "employer_no_accidents_years":
            keys += ["is_top_manager", eligibility.DATES_FREE[code][0]]
        elif code in eligibility.DATES_FREE:
            keys.append(eligibility.DATES_FREE[code][0])
        elif code in eligibility.FISCAL_YEARS_FREE:
            keys.append(eligibility.FISCAL_YEARS_FREE[code][0])
        elif code in eligibility.DECLARED:
            keys.append(eligibility.DECLARED[code][0])
    gap = rules.reapply_after_award or {}
    if gap.get("unless_declared"):  # e.g. 以新的成果申报: asked of everyone, it matters only to past winners
        keys.append(gap["unless_declared"])
    seen = set()
    return [k for k in keys if not (k in seen or seen.add(k))]


def route_bodies(application: Application):
    """Industry departments an applicant may file through, where the ruleset allows it (塔城 第十三条)."""
    rules = Rules(application.cycle.ruleset.data)
    if rules.routing.get("first") != "industry_department_or_market_regulation":
        return Body.objects.none()
    return Body.objects.filter(kind=BodyKind.INDUSTRY_DEPARTMENT, jurisdiction=application.cycle.award.jurisdiction).order_by("name")


# ---- pre-check ---------------------------------------------------------------------------------------------
def precheck_bodies(user, memberships=None) -> list[Body]:
    return [m.body for m in (memberships_of(user) if memberships is None else memberships) if m.role == "precheck"]


def precheck_queue(user, memberships=None):
    bodies = [b.pk for b in precheck_bodies(user, memberships)]
    return (_app_related(Application.objects.filter(route_body_id__in=bodies)).exclude(status=Status.DRAFT)
            .order_by("stage_due", "reference"))


# One application's review page also shows the award office (opinion form) and the applicant's county
# with its ancestors (eligibility: registered in the award's jurisdiction; up to four levels, as in
# 塔城市 → 塔城地区 → 伊犁哈萨克自治州 → 新疆).
REVIEW_PAGE_RELATED = ("cycle__award__office", "applicant__county__parent__parent__parent")


def application_for_precheck(user, pk, *, memberships=None) -> Application:
    """`memberships`: the user's memberships (memberships_of) when the page already read them."""
    app = precheck_queue(user, memberships).filter(pk=pk).select_related(*REVIEW_PAGE_RELATED).first()
    if app is None:
        raise Http404("申报不存在。")
    return app


def is_overdue(application: Application, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    return bool(application.stage_due and application.stage_due < today and application.status in WORKING)


# ---- office ------------------------------------------------------------------------------------------------
def office_jurisdiction_ids(user, memberships=None) -> set[int]:
    return _jurisdiction_ids(user, ("office",), memberships)


def awards_for_office(user):
    """Awards whose office this user works in (the award's jurisdiction)."""
    return (Award.objects.filter(jurisdiction_id__in=office_jurisdiction_ids(user)).select_related("jurisdiction")
            .order_by("jurisdiction__code", "slug"))


def award_for_office(user, slug) -> Award:
    award = awards_for_office(user).filter(slug=slug).first()
    if award is None:
        raise Http404("奖项不存在。")
    return award


def cycles_for_office(user):
    return (Cycle.objects.filter(award__jurisdiction_id__in=office_jurisdiction_ids(user)).select_related("award", "ruleset")
            .annotate(n_apps=Count("applications")).order_by("award__jurisdiction__code", "-number"))


def cycle_for_office(user, pk, *, memberships=None) -> Cycle:
    cycle = (Cycle.objects.filter(pk=pk, award__jurisdiction_id__in=office_jurisdiction_ids(user, memberships))
             .select_related("award__jurisdiction", "award__office", "ruleset").first())
    if cycle is None:
        raise Http404("评选届次不存在。")
    return cycle


def grant_for_office(user, pk) -> Grant:
    grant = (Grant.objects.filter(pk=pk, award__jurisdiction_id__in=office_jurisdiction_ids(user))
             .select_related("award", "applicant", "cycle__ruleset", "application").first())
    if grant is None:
        raise Http404("获奖记录不存在。")
    return grant


def application_for_office(user, pk, *, memberships=None) -> Application:
    """`memberships`: the user's memberships (memberships_of) when the page already read them."""
    app = (_app_related(Application.objects.filter(pk=pk, cycle__award__jurisdiction_id__in=office_jurisdiction_ids(user, memberships)))
           .select_related(*REVIEW_PAGE_RELATED).first())
    if app is None:
        raise Http404("申报不存在。")
    return app


def cycle_funnel(cycle: Cycle) -> list[dict]:
    """Applications per stage in ruleset order: how many reached it, and how many are at it now by status."""
    rules = Rules(cycle.ruleset.data)
    counts = defaultdict(Counter)
    for row in cycle.applications.values("stage", "status").annotate(n=Count("id")):
        counts[row["stage"]][row["status"]] += row["n"]
    codes = rules.stage_codes
    rows, total = [], sum(sum(c.values()) for c in counts.values())
    for i, stage in enumerate(rules.stages):
        at = counts.get(stage.code, Counter())
        submitted_later = sum(sum(counts[c].values()) for c in codes[i + 1:])
        if stage.code in ("announcement", "internal_publicity"):
            reached = total
        elif stage.code == "filing":
            reached = total
        else:
            reached = sum(at.values()) + submitted_later
            # withdrawn/rejected earlier do not count as reaching later stages
        rows.append({"code": stage.code, "label": stage.label, "reached": reached, "at": sum(at.values()),
                     "live": sum(at[s] for s in LIVE) + (at[Status.DRAFT] if stage.code == "filing" else 0),
                     "by_status": {Status(k).label: v for k, v in sorted(at.items())}})
    return rows


def funnel_chart(rows: list[dict], width: int = 560, bar: int = 20, gap: int = 8, label_w: int = 190) -> dict:
    top = max([r["reached"] for r in rows] + [1])
    span = width - label_w - 50
    bars = []
    for i, r in enumerate(rows):
        y = i * (bar + gap)
        w = round(span * r["reached"] / top) if r["reached"] else 0
        bars.append({"label": r["label"], "n": r["reached"], "y": y, "w": w, "text_y": y + bar - 5, "x_text": label_w + w + 6})
    return {"width": width, "height": len(rows) * (bar + gap), "bar": bar, "label_w": label_w, "bars": bars}


def cycle_deadlines(cycle: Cycle, today: dt.date | None = None) -> list[dict]:
    """Dates ahead: filing deadline and the stage due dates of live applications (publicity adds the last days
    of its open notices to the office's cycle page)."""
    today = today or clock.today()
    out = []
    if cycle.filing_deadline >= today:
        out.append({"day": cycle.filing_deadline, "label": "申报截止", "kind": "filing"})
    dues = (cycle.applications.filter(status__in=WORKING, stage_due__isnull=False, stage_due__gte=today)
            .values("stage", "stage_due").annotate(n=Count("id")).order_by("stage_due"))
    for d in dues:
        out.append({"day": d["stage_due"], "label": f"{STAGE_LABELS.get(d['stage'], d['stage'])}办理期限（{d['n']}件）", "kind": "due"})
    return sorted(out, key=lambda d: d["day"])


def month_calendar(year: int, month: int, events: list[dict]) -> dict:
    by_day = defaultdict(list)
    for e in events:
        if e["day"].year == year and e["day"].month == month:
            by_day[e["day"].day].append(e)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        weeks.append([{"day": d, "events": by_day.get(d, [])} if d else None for d in week])
    return {"year": year, "month": month, "weeks": weeks}


def overdue_applications(cycle: Cycle, today: dt.date | None = None):
    today = today or clock.today()
    return (_app_related(cycle.applications.filter(status__in=WORKING, stage_due__lt=today)).order_by("stage_due", "reference"))


@dataclasses.dataclass(frozen=True)
class PlanRow:
    code: str
    label: str
    starts: dt.date
    ends: dt.date
    window: str
    article: str | None
    latest: dt.date | None = None


def cycle_plan(rules: Rules, start: dt.date) -> list[PlanRow]:
    """The earliest day each stage can end when it starts as soon as the previous one ended: windows of
    publicity/public comment are minimums counted on the working-day calendar; stages without a window
    could end the day they start. Raises CalendarUnknownYear (a DomainError) for a year not on file."""
    rows, day = [], start
    for stage in rules.stages:
        rule = stage.publicity or stage.public_comment
        latest = deadline_after(day, stage.deadline.length, stage.deadline.unit) if stage.deadline else None
        if rule:
            w = compute_window(day, rule.length, rule.unit)
            rows.append(PlanRow(stage.code, stage.label, w.first_day, w.last_day, _window_text(rule), stage.article, latest))
            day = w.last_day + dt.timedelta(days=1)
        else:
            rows.append(PlanRow(stage.code, stage.label, day, day, "", stage.article, latest))
    return rows


def stage_queue(user, cycle: Cycle, stage_code: str, *, memberships=None) -> list[dict]:
    """Applications at a stage with the actions this user may take. available_actions is asked once per
    (status, route body): within one cycle and stage every other input is the same, so rows of one group
    share the answer and the page costs the same number of queries for 3 or 300 applications. The roles
    come from the user's memberships, read once (or passed in by the page that already read them); the
    applicant's own actions are never offered here, so the applicant role is not asked."""
    from .permissions import roles_on

    rules = Rules(cycle.ruleset.data)
    memberships = list(memberships_of(user)) if memberships is None else memberships
    rules.stage(stage_code)  # DomainError for a stage the ruleset does not have
    apps = list(Application.objects.filter(cycle=cycle, stage=stage_code).exclude(status=Status.DRAFT)
                .select_related("applicant", "route_body").order_by("reference"))
    for app in apps:
        app.cycle = cycle  # the page's cycle, its award and ruleset already loaded: not one ruleset document per row
    cache: dict[tuple, list[str]] = {}
    today = clock.today()
    rows = []
    for app in apps:
        key = (app.status, app.route_body_id)
        if key not in cache:
            roles = roles_on(user, app, memberships=memberships, applicant=False)
            cache[key] = [a for a in available_actions(app, user, roles, rules=rules) if a not in APPLICANT_ACTIONS]
        rows.append({"app": app, "actions": [(a, TABLE[a].label, TABLE[a].needs_reason) for a in cache[key]],
                     "overdue": is_overdue(app, today)})
    return rows


def stage_ranking_rows(apps: list[Application], ranking: list[tuple[int, int, object]]) -> list[dict]:
    """The selection form's rows: the stage's applications best first by the review's ranking ((application
    id, rank, total) tuples, which the review app contributes to the stage page), the unranked after them."""
    by_pk = {a.pk: a for a in apps}
    rows, seen = [], set()
    for pk, rank, total in ranking:
        app = by_pk.get(pk)
        if app is not None:
            rows.append({"app": app, "rank": rank, "total": total})
            seen.add(app.pk)
    rows += [{"app": a, "rank": None, "total": None} for a in apps if a.pk not in seen]
    return rows


# ---- supervision -------------------------------------------------------------------------------------------
def supervisor_jurisdictions(user) -> list[Jurisdiction]:
    return [m.body.jurisdiction for m in memberships_of(user) if m.role == "supervisor"]


def audit_for_supervisor(user):
    from core.models import AuditEntry

    codes = [j.code for j in supervisor_jurisdictions(user)]
    return AuditEntry.objects.filter(jurisdiction_code__in=codes).select_related("actor").order_by("-id")


def stage_events_for_supervisor(user):
    ids = [j.pk for j in supervisor_jurisdictions(user)]
    return (StageEvent.objects.filter(application__cycle__award__jurisdiction_id__in=ids)
            .select_related("application__applicant", "application__cycle__award", "actor").order_by("-at", "-id"))


# ---- everyone: the API's application list ------------------------------------------------------------------
def applications_visible(user):
    """Own applications; those routed to the user's pre-check bodies; every submitted one of the award
    jurisdictions where the user is office or supervisor. Committee members see candidates only on their
    blinded ballots, never through this list."""
    if not (user and user.is_authenticated):
        return Application.objects.none()
    staff_j = _jurisdiction_ids(user, ("office", "supervisor"))
    bodies = [b.pk for b in precheck_bodies(user)]
    q = Q(applicant__members__user=user)
    if bodies:
        q |= Q(route_body_id__in=bodies) & ~Q(status=Status.DRAFT)
    if staff_j:
        q |= Q(cycle__award__jurisdiction_id__in=staff_j) & ~Q(status=Status.DRAFT)
    ids = Application.objects.filter(q).values("pk")
    return _app_related(Application.objects.filter(pk__in=ids)).order_by("-created_at", "-pk")


def application_visible(user, pk) -> Application:
    app = applications_visible(user).filter(pk=pk).first()
    if app is None:
        raise Http404("申报不存在。")
    return app


def cycles_visible(user):
    """Open cycles an applicant of this user may enter, and every cycle of the user's staff jurisdictions."""
    if not (user and user.is_authenticated):
        return Cycle.objects.none()
    j_ids = set(_jurisdiction_ids(user, ("office", "committee", "supervisor", "precheck")))
    for a in applicants_of(user):
        j_ids.update(_ancestor_ids(a.county))
    return Cycle.objects.filter(award__jurisdiction_id__in=j_ids).select_related("award", "ruleset").order_by("-opened_on", "-pk")


def material_for(user, application: Application, pk) -> Material:
    """A material of an application the caller already reached through a scoped selector."""
    material = application.materials.filter(pk=pk).first()
    if material is None:
        raise Http404("材料不存在。")
    return material


def materials_prefetch():
    return Prefetch("materials", queryset=Material.objects.order_by("version", "id"))


# ---- cultivation pool ----------------------------------------------------------------------------------------
def _descendant_ids(roots: set[int]) -> set[int]:
    out, frontier = set(roots), set(roots)
    while frontier:
        frontier = set(Jurisdiction.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - out
        out |= frontier
    return out


def pool_counties(awards):
    """The jurisdictions a pool member of these awards may be in: each award's jurisdiction and all below it."""
    roots = {a.jurisdiction_id for a in awards}
    return Jurisdiction.objects.filter(pk__in=_descendant_ids(roots) if roots else set()).order_by("code")


def pool_recommenders(awards):
    """Bodies that may recommend a unit into these awards' pools: county governments and market regulation,
    and industry departments, within the awards' jurisdictions."""
    return (Body.objects.filter(jurisdiction__in=pool_counties(awards),
                                kind__in=[BodyKind.MARKET_REGULATION, BodyKind.INDUSTRY_DEPARTMENT, BodyKind.GOVERNMENT])
            .select_related("jurisdiction").order_by("jurisdiction__code", "name"))


def _precheck_county_ids(user) -> set[int]:
    """Counties whose market-regulation body the user works in as pre-checker (and anything under them)."""
    roots = {m.body.jurisdiction_id for m in memberships_of(user) if m.role == "precheck" and m.body.kind == BodyKind.MARKET_REGULATION}
    return _descendant_ids(roots) if roots else set()


def pool_members_visible(user):
    """Office: its awards' pools; county market regulation: members in its county; an organisation: its own."""
    if not user or not user.is_authenticated:
        return PoolMember.objects.none()
    cond = Q(award__in=awards_for_office(user))
    counties = _precheck_county_ids(user)
    if counties:
        cond |= Q(county_id__in=counties)
    own = list(ApplicantMember.objects.filter(user=user).values_list("applicant_id", "applicant__credit_code"))
    if own:
        cond |= Q(applicant_id__in=[a for a, _ in own]) | Q(credit_code__in=[c for _, c in own if c])
    return (PoolMember.objects.filter(cond).select_related("award__jurisdiction", "county", "applicant", "recommended_by_body")
            .order_by("award__jurisdiction__code", "-joined_on", "name"))


def pool_member_for(user, pk) -> PoolMember:
    member = pool_members_visible(user).filter(pk=pk).first()
    if member is None:
        raise Http404("培育库成员不存在。")
    return member


def may_manage_pool(user, member: PoolMember) -> bool:
    return awards_for_office(user).filter(pk=member.award_id).exists()


def trainings_visible(user):
    members = pool_members_visible(user)
    return (Training.objects.filter(Q(award__in=awards_for_office(user)) | Q(attendees__in=members)).distinct()
            .select_related("award").prefetch_related("attendees").order_by("-date", "-id"))


def pool_history_for(application: Application) -> dict | None:
    """What the office sees beside an application: when the unit joined the award's pool, how, and which
    trainings it attended. None when it never was in the pool."""
    applicant = application.applicant
    award = application.cycle.award
    cond = Q(applicant=applicant)
    if applicant.credit_code:
        cond |= Q(credit_code=applicant.credit_code)
    member = (PoolMember.objects.filter(cond, award=award).select_related("recommended_by_body")
              .prefetch_related("trainings").first())
    if member is None:
        return None
    trainings = sorted(member.trainings.all(), key=lambda t: t.date)
    years = (clock.today() - member.joined_on).days // 365
    return {"member": member, "trainings": trainings, "years_in_pool": years}


# ---- claims of records no account holds ----------------------------------------------------------------------
def claims_of(user):
    """The claims this user made, newest first (the registrant follows its own requests)."""
    if not (user and user.is_authenticated):
        return ClaimRequest.objects.none()
    return ClaimRequest.objects.filter(user=user).select_related("applicant__county").order_by("-created_at", "-pk")


def claim_for_claimant(user, pk) -> ClaimRequest:
    claim = claims_of(user).filter(pk=pk).first()
    if claim is None:
        raise Http404("认领申请不存在。")
    return claim


def claims_for_office(user):
    """Claims an award office decides: of records in its jurisdiction (and below), or holding a grant or a ban
    of one of its awards. Another tenant's claims are not listed (and 404 one by one)."""
    ids = office_jurisdiction_ids(user) if user and user.is_authenticated else set()
    if not ids:
        return ClaimRequest.objects.none()
    awards = Award.objects.filter(jurisdiction_id__in=ids)
    scoped = (Q(applicant__county_id__in=_descendant_ids(ids)) | Q(applicant__grants__award__in=awards)
              | Q(applicant__bans__award__in=awards))
    matching = ClaimRequest.objects.filter(scoped).values("pk")
    return (ClaimRequest.objects.filter(pk__in=matching).select_related("applicant__county", "user", "decided_by")
            .order_by("-created_at", "-pk"))


def claim_for_office(user, pk) -> ClaimRequest:
    claim = claims_for_office(user).filter(pk=pk).first()
    if claim is None:
        raise Http404("认领申请不存在。")
    return claim


def claim_record(claim: ClaimRequest) -> dict:
    """What the office compares before deciding: the record as held now, its grants (with the name each was
    made to) and bans, and what the registrant says."""
    applicant = claim.applicant
    facts = dict(claim.facts)
    county = Jurisdiction.objects.filter(pk=facts.get("county")).first() if facts.get("county") else None
    return {"applicant": applicant, "facts": facts, "facts_county": county,
            "grants": list(applicant.grants.select_related("award").order_by("-year")),
            "bans": list(applicant.bans.select_related("award").order_by("-starts_on")),
            "held": applicant.members.exists(),
            "others": list(applicant.claims.exclude(pk=claim.pk).select_related("user").order_by("-created_at"))}


# ---- imported history ----------------------------------------------------------------------------------------
def history_imports(user):
    """Uploaded history workbooks of the jurisdictions whose award office this user works in."""
    return HistoryImport.objects.filter(jurisdiction_id__in=office_jurisdiction_ids(user)).order_by("-uploaded_at", "-pk")


# ---- encouraged applicants -----------------------------------------------------------------------------------
def applications_filtered(cycle: Cycle, encouraged: str | None = None):
    """A cycle's applications, optionally only those declaring an encouraged kind (a filter, never a score)."""
    qs = cycle.applications.select_related("applicant", "applicant__county").order_by("reference")
    if encouraged:
        qs = qs.filter(encouraged__contains=[encouraged])
    return qs


# ---- prize money ---------------------------------------------------------------------------------------------
def grants_visible(user):
    """Office: grants of its awards; applicants: their own."""
    if not user or not user.is_authenticated:
        return Grant.objects.none()
    own = ApplicantMember.objects.filter(user=user).values("applicant_id")
    return (Grant.objects.filter(Q(award__in=awards_for_office(user)) | Q(applicant_id__in=own))
            .select_related("award__jurisdiction", "applicant").order_by("-year", "award__slug", "serial"))


def grant_visible(user, pk) -> Grant:
    grant = grants_visible(user).filter(pk=pk).first()
    if grant is None:
        raise Http404("获奖记录不存在。")
    return grant


def money_grants(user):
    """Grants where money is involved: a prize, or a prize to recover."""
    return grants_visible(user).filter(Q(prize_amount__gt=0) | Q(prize_to_recover__gt=0))


def grant_rules(grant: Grant) -> Rules | None:
    """The rules a grant lives under: its cycle's version, or for imported history the award's current one."""
    if grant.cycle_id:
        return Rules(grant.cycle.ruleset.data)
    ruleset = ruleset_current(grant.award)
    return Rules(ruleset.data) if ruleset else None


def prize_paid(grant: Grant) -> Decimal:
    return grant.prize_payments.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def spending_uses(grant: Grant) -> tuple[list[str], str | None]:
    """The uses the grant's ruleset permits for the prize money, and the article that says so."""
    rules = grant_rules(grant)
    spending = rules.prize_spending if rules else {}
    return list(spending.get("uses") or []), spending.get("article")


def recovery_outstanding(grant: Grant) -> Decimal:
    """What is still owed after a revocation that recovers the prize; zero once repaid (or nothing to recover)."""
    if not grant.prize_to_recover:
        return Decimal("0.00")
    paid = grant.recovery_payments.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    return max(grant.prize_to_recover - paid, Decimal("0.00"))


# ---- duties after the award: annual performance reports and tracking ----------------------------------------
#: the roles through which a body's staff receive reports and track winners (the office; the market-regulation
#: body's staff, who hold the pre-check role there)
DUTY_ROLES = ("office", "precheck")


@dataclasses.dataclass
class DutyRow:
    grant: Grant
    rules: Rules
    bodies: list  # the user's bodies through which this duty reaches them (tracking: the bodies that track)
    years: list = dataclasses.field(default_factory=list)  # performance reports: one dict per year the winner owes

    @property
    def missing(self) -> list[int]:
        return [y["year"] for y in self.years if y["state"] == "missing"]


def _named_body(body: Body, spec: dict | None, grant: Grant) -> bool:
    """Whether `body` is the body a duty's spec ({"by": body kind, "level"}) names for this winner: the award's own
    office, or the market-regulation body of the winner's county or prefecture inside the award's jurisdiction."""
    if not spec or spec.get("by") != body.kind:
        return False
    if body.kind == BodyKind.AWARD_OFFICE:
        return body.jurisdiction_id == grant.award.jurisdiction_id
    where = body.jurisdiction
    if spec.get("level") and where.level != spec["level"]:
        return False
    return grant.applicant.county.is_within(where) and where.is_within(grant.award.jurisdiction)


def _report_years(grant: Grant, years: int, today: dt.date) -> list[dict]:
    """The years after the award for which a report is owed, each submitted, missing (the year has ended with
    no report), open (this year) or to come."""
    reports = {r.year: r for r in grant.reports.all()}
    out = []
    for year in range(grant.year + 1, grant.year + years + 1):
        report = reports.get(year)
        state = "submitted" if report else "missing" if year < today.year else "open" if year == today.year else "future"
        out.append({"year": year, "report": report, "state": state})
    return out


def _tracking_active(grant: Grant, spec: dict, today: dt.date) -> bool:
    """Tracking runs for the years the regulation gives after the award (对5年内的获奖单位实施跟踪管理), or while the
    title is valid where it gives none."""
    if spec.get("years"):
        return today <= Period(int(spec["years"]), "years").after(grant.awarded_on)
    return grant.valid_until is None or today <= grant.valid_until


def duty_rows(user, duty: str) -> list[DutyRow]:
    """The winners whose performance reports (`duty="reports"`) reach this user, or whom this user's body tracks
    (`duty="tracking"`; the award's office reads the tracking of its winners), as each award's ruleset names the
    bodies; revoked titles carry no duty."""
    bodies = [m.body for m in memberships_of(user) if m.role in DUTY_ROLES
              and m.body.kind in (BodyKind.AWARD_OFFICE, BodyKind.MARKET_REGULATION)]
    if not bodies:
        return []
    office_ids = {b.jurisdiction_id for b in bodies if b.kind == BodyKind.AWARD_OFFICE}
    area = [b.jurisdiction_id for b in bodies if b.kind == BodyKind.MARKET_REGULATION]
    scope = (Q(award__jurisdiction_id__in=office_ids) | Q(applicant__county_id__in=area) | Q(applicant__county__parent_id__in=area)
             | Q(applicant__county__parent__parent_id__in=area))
    grants = (Grant.objects.filter(scope, revoked_on__isnull=True)
              .select_related("award__jurisdiction", "applicant__county__parent__parent", "cycle__ruleset")
              .prefetch_related("reports", "tracking_notes").order_by("-year", "award__slug", "serial"))
    today, current, out = clock.today(), {}, []
    for grant in grants:
        if grant.cycle_id:
            rules = Rules(grant.cycle.ruleset.data)
        else:  # imported history: the award's current rules
            if grant.award_id not in current:
                ruleset = ruleset_current(grant.award)
                current[grant.award_id] = Rules(ruleset.data) if ruleset else None
            rules = current[grant.award_id]
        if rules is None:
            continue
        if duty == "reports":
            spec, years = rules.performance_reports, rules.performance_report_years
            if not years:
                continue
            via = [b for b in bodies if _named_body(b, {"by": BodyKind.AWARD_OFFICE}, grant) or _named_body(b, spec.get("also_to"), grant)]
            if via:
                out.append(DutyRow(grant, rules, via, _report_years(grant, years, today)))
        else:
            spec = rules.tracking
            if not spec or not _tracking_active(grant, spec, today):
                continue
            via = [b for b in bodies if _named_body(b, spec, grant)]
            if via or grant.award.jurisdiction_id in office_ids:  # the office reads what the tracking body records
                out.append(DutyRow(grant, rules, via))
    return out


def duty_row(user, duty: str, pk) -> DutyRow:
    for row in duty_rows(user, duty):
        if str(row.grant.pk) == str(pk):
            return row
    raise Http404("获奖记录不存在。")
