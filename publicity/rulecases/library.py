"""An award's rule cases as its office sees them on /rules/<slug>/cases/: the cases the product ships
(jurisdictions/seeds/cases/<slug>.json) and the ones the office added (RuleCase), their last run against the
version in force (RuleCaseRun, run by a Celery task: one case builds a whole world and takes about a second),
and the check the ruleset editor makes on a version before it is saved (registered with
jurisdictions.rule_checks when publicity starts).

These writes live beside the runner rather than in publicity.services because they need the runner and the
schema, which sit above the services (they call every app's services)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

from django.core.cache import cache
from django.db import transaction

from awards import permissions
from awards.enums import Status
from core import clock
from core.audit import log_action
from core.errors import DomainError
from jurisdictions.models import Award, Ruleset
from jurisdictions.rules import STAGE_LABELS
from jurisdictions.selectors import ruleset_current

from ..models import RuleCase, RuleCaseRun
from .runner import SHIPPED_DIR, run_case
from .schema import Case, Malformed, parse_case, parse_file

VERB_LABELS = {
    "history_grant": "录入往届获奖", "open_cycle": "开启评选届次", "submit": "提交申报", "check_eligibility": "申报资格自查",
    "reach_stage": "推进到环节", "advance": "进入下一环节", "publish_list": "发布公示名单", "vote": "审议表决",
    "file_objection": "提出异议", "decide_objection": "作出异议处理决定", "record_fraud": "记录弄虚作假", "revoke": "撤销奖项",
    "run_deadlines": "期限任务运行", "commend": "表彰",
}
STATUS_LABELS = dict(Status.choices)
SOURCE_LABELS = {"shipped": "随产品提供", "office": "办公室添加"}
RESEND_AFTER = dt.timedelta(minutes=10)
MAX_STEPS = 60  # a case is a short history; each step runs real services in the office's background task


@dataclasses.dataclass(frozen=True)
class CaseEntry:
    key: str  # "shipped:<name>" or "office:<pk>": how a stored result finds its case
    source: str  # shipped | office
    name: str
    article: str
    case: Case | None  # None: an office case the current schema no longer reads
    problem: str = ""  # why it cannot be read
    record: RuleCase | None = None


# ---- the cases ------------------------------------------------------------------------------------------------
def shipped_cases(award: Award) -> list[Case]:
    path = SHIPPED_DIR / f"{award.slug}.json"
    return parse_file(path) if path.is_file() else []


def _office_file(record: RuleCase) -> str:
    return f"办公室添加的用例 #{record.pk}"


def award_cases(award: Award) -> list[CaseEntry]:
    """The award's cases in the page's order: the shipped ones, then the office's in the order added."""
    out = [CaseEntry(f"shipped:{c.name}", "shipped", c.name, c.article, c) for c in shipped_cases(award)]
    for record in RuleCase.objects.filter(award=award).select_related("created_by").order_by("pk"):
        try:
            case = parse_case(record.body, file=_office_file(record))
        except Malformed as exc:
            out.append(CaseEntry(f"office:{record.pk}", "office", record.name, record.article, None, exc.problem, record))
        else:
            out.append(CaseEntry(f"office:{record.pk}", "office", record.name, record.article, case, "", record))
    return out


# ---- what failed, in Chinese ------------------------------------------------------------------------------------
def _per_name(value) -> str:
    if isinstance(value, dict):
        return "，".join(f"{name}：{_plain(v)}" for name, v in value.items())
    return _plain(value)


def _plain(value) -> str:
    if value is None:
        return "无"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(v) for v in value) or "无"
    return str(value)


def _labelled(value, labels) -> str:
    if isinstance(value, dict):
        return "，".join(f"{name}：{labels.get(v, v)}" for name, v in value.items())
    return labels.get(value, value) if value is not None else "无"


def describe(outcome: dict, *, expected: bool) -> str:
    """An expectation (or what happened) as a reader of the regulation says it."""
    parts = []
    if "ok" in outcome:
        if outcome["ok"] is None:
            parts.append("程序出错")
        else:
            parts.append("办理成功" if outcome["ok"] else "被拒绝")
    if outcome.get("article"):
        parts.append(f"{'依据' if expected else '引用'}{outcome['article']}")
    if "stage" in outcome:
        parts.append(f"环节为“{_labelled(outcome['stage'], STAGE_LABELS)}”")
    if "status" in outcome:
        parts.append(f"状态为“{_labelled(outcome['status'], STATUS_LABELS)}”")
    if "failing" in outcome:
        parts.append(f"不符合的条件为 {_plain(outcome['failing'])}")
    readers = {"banned_until": "禁止申报至", "eligible_from_cycle": "可再次申报的届次", "passed": "表决通过",
               "winners": "获奖名单", "valid_until": "称号有效至"}
    for key, label in readers.items():
        if key in outcome:
            parts.append(f"{label} {_per_name(outcome[key])}")
    return "，".join(parts) or "办理成功"


def failure_text(result: dict) -> str:
    """The first failing step of a run_case result, in Chinese: “第3步（提交申报）期望被拒绝，依据第三条；实际办理成功”。"""
    step = next((s for s in result["steps"] if not s["passed"]), None)
    if step is None:
        return ""
    got = {k: v for k, v in step["got"].items() if k != "crash"}
    if step.get("article") and not got.get("articles"):
        got["article"] = step["article"]
    text = (f"第{step['index'] + 1}步（{VERB_LABELS.get(step['do'], step['do'])}）期望{describe(step['expected'], expected=True)}；"
            f"实际{describe(got, expected=False)}")
    if step.get("message"):
        text += f"（{step['message']}）"
    return text


def _run(entry: CaseEntry, ruleset_data: dict | None = None) -> dict:
    """{"passed", "failure"} of one case. A case whose rehearsal moved the clock past a later step's time is
    malformed on this version (the runner raises): it fails here, saying so, rather than stopping the rest."""
    try:
        result = run_case(entry.case, ruleset_data=ruleset_data)
    except Malformed as exc:
        return {"passed": False, "failure": f"用例无法运行（键 {exc.key}）：{exc.problem}" if exc.key else f"用例无法运行：{exc.problem}"}
    return {"passed": bool(result["passed"]), "failure": failure_text(result)}


def _result_row(entry: CaseEntry, outcome: dict | None) -> dict:
    if entry.case is None:
        return {"key": entry.key, "name": entry.name, "article": entry.article, "source": entry.source, "passed": False,
                "failure": f"用例无法读取：{entry.problem}"}
    return {"key": entry.key, "name": entry.name, "article": entry.article, "source": entry.source, **outcome}


# ---- adding a case ------------------------------------------------------------------------------------------
def _malformed(exc: Malformed) -> DomainError:
    where = f"键 {exc.key}：" if exc.key else ""
    return DomainError(f"用例有误，{where}{exc.problem}", field="body", code="malformed_case")


def rule_case_add(*, award: Award, actor, text: str) -> RuleCase:
    """The office adds a case in the contract's format (pasted JSON). Checked with the runner's own schema
    before anything is stored (errors name the key); then every case is run again on the version in force."""
    permissions.require_office(actor, award, "添加规则用例")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DomainError(f"JSON 格式有误：第{exc.lineno}行第{exc.colno}列附近（{exc.msg}）。", field="body", code="malformed_case") from None
    if not isinstance(doc, dict):
        raise DomainError("用例须是一个 JSON 对象（以 { 开头），一次添加一个用例。", field="body", code="malformed_case")
    doc.setdefault("award", award.slug)
    if doc["award"] != award.slug:
        raise DomainError(f"用例有误，键 award：本页是{award.name}（{award.slug}）的用例，不能添加 {doc['award']!r} 的用例。",
                          field="body", code="malformed_case")
    try:
        case = parse_case(doc, file="新用例", award_exists=lambda slug: slug == award.slug)
    except Malformed as exc:
        raise _malformed(exc) from None
    if len(case.steps) > MAX_STEPS:
        raise DomainError(f"用例有误，键 steps：一个用例最多 {MAX_STEPS} 步（现有 {len(case.steps)} 步），请拆成几个用例。",
                          field="body", code="malformed_case")
    if case.ruleset_version is not None and not award.rulesets.filter(version=case.ruleset_version).exists():
        raise DomainError(f"用例有误，键 ruleset_version：{award.name}没有第 {case.ruleset_version} 版规则。",
                          field="body", code="malformed_case")
    with transaction.atomic():
        Award.objects.select_for_update().get(pk=award.pk)  # two offices adding the same name at once
        names = {c.name for c in shipped_cases(award)} | set(RuleCase.objects.filter(award=award).values_list("name", flat=True))
        if case.name in names:
            raise DomainError(f"用例有误，键 name：已有名为“{case.name}”的用例，请换一个名称。", field="body", code="duplicate_case")
        record = RuleCase.objects.create(award=award, name=case.name, article=case.article, body=doc,
                                         created_by=actor, created_at=clock.now())
        log_action("rule_case.add", actor=actor, obj=record, role="office", jurisdiction_code=award.jurisdiction.code,
                   data={"award": award.slug, "name": case.name, "article": case.article})
        _queue_run(award=award, actor=actor)
    return record


# ---- runs ---------------------------------------------------------------------------------------------------
def _queue_run(*, award: Award, actor) -> RuleCaseRun:
    ruleset = ruleset_current(award)
    if ruleset is None:
        raise DomainError("该奖项尚无规则，无法运行规则用例。", code="no_ruleset")
    from ..tasks import run_rule_cases

    run = RuleCaseRun.objects.filter(award=award, ruleset=ruleset, state=RuleCaseRun.State.QUEUED).order_by("-pk").first()
    if run is None:  # one waiting run per version is enough: it reads the cases when it starts
        run = RuleCaseRun.objects.create(award=award, ruleset=ruleset, requested_by=actor, requested_at=clock.now())
    elif clock.now() - run.requested_at < RESEND_AFTER:
        return run
    else:  # waiting that long, its task was probably lost (a worker down): sent again; a second delivery does nothing
        run.requested_at = clock.now()
        run.save(update_fields=["requested_at"])
    transaction.on_commit(lambda: run_rule_cases.delay(run.pk))
    return run


def rule_case_run_request(*, award: Award, actor) -> RuleCaseRun:
    """The office's "重新运行": every case of the award on the version in force, in the background."""
    permissions.require_office(actor, award, "运行规则用例")
    with transaction.atomic():
        run = _queue_run(award=award, actor=actor)
        log_action("rule_case.run_request", actor=actor, obj=run, role="office", jurisdiction_code=award.jurisdiction.code,
                   data={"award": award.slug, "version": run.ruleset.version})
    return run


def rule_case_run_execute(*, run_id: int) -> RuleCaseRun | None:
    """Runs every case of the run's award (each in its own rolled-back world, outside any longer transaction:
    a case's audit entries take the audit log's lock until its transaction ends) and stores the outcome.
    A run already finished is left as it is (the task may be delivered twice)."""
    run = RuleCaseRun.objects.select_related("award__jurisdiction", "ruleset").filter(pk=run_id).first()
    if run is None or run.state != RuleCaseRun.State.QUEUED:
        return run
    rows, error = [], ""
    try:
        for entry in award_cases(run.award):
            rows.append(_result_row(entry, _run(entry) if entry.case is not None else None))
    except Malformed as exc:  # a shipped file the schema refuses: the run fails and says why
        error = str(exc)
    with transaction.atomic():
        run = RuleCaseRun.objects.select_for_update().select_related("award__jurisdiction", "ruleset").get(pk=run_id)
        if run.state != RuleCaseRun.State.QUEUED:
            return run
        run.state = RuleCaseRun.State.FAILED if error else RuleCaseRun.State.DONE
        run.results, run.error, run.finished_at = rows, error, clock.now()
        run.save(update_fields=["state", "results", "error", "finished_at"])
        log_action("rule_case.run", obj=run, role="system", actor_label="system", jurisdiction_code=run.award.jurisdiction.code,
                   data={"award": run.award.slug, "version": run.ruleset.version, "passed": sum(r["passed"] for r in rows),
                         "failed": sum(not r["passed"] for r in rows), "error": error})
    return run


def latest_runs(award: Award, ruleset: Ruleset | None) -> tuple[RuleCaseRun | None, RuleCaseRun | None]:
    """(the last finished run on this version, a run waiting after it)."""
    if ruleset is None:
        return None, None
    runs = RuleCaseRun.objects.filter(award=award, ruleset=ruleset).select_related("requested_by")
    done = runs.filter(state__in=[RuleCaseRun.State.DONE, RuleCaseRun.State.FAILED]).order_by("-finished_at", "-pk").first()
    waiting = runs.filter(state=RuleCaseRun.State.QUEUED).order_by("-pk").first()
    return done, waiting


# ---- the editor's check -------------------------------------------------------------------------------------
CHECK_CACHE_SECONDS = 3600


def _outcome_key(award: Award, entry: CaseEntry, data: dict) -> str:
    """Where a case's outcome on a candidate version is remembered: the office usually posts the same version
    twice (refused, then again with its reason), and each case takes a second or more to run."""
    version = json.dumps(data, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256("\x1f".join([str(award.pk), entry.key, repr(entry.case), version]).encode()).hexdigest()
    return f"rulecases:outcome:{digest}"


def _outcome(award: Award, entry: CaseEntry, data: dict) -> dict:
    key = _outcome_key(award, entry, data)
    known = cache.get(key)
    if known is None:
        known = _run(entry, data)
        cache.set(key, known, CHECK_CACHE_SECONDS)
    return known


def _saved_outcome(award: Award, entry: CaseEntry, saved_data: dict) -> dict:
    """The case on the versions saved now, remembered under the newest version's data (the same key its
    check had as a candidate, when it was saved through the editor)."""
    key = _outcome_key(award, entry, saved_data)
    known = cache.get(key)
    if known is None:
        known = _run(entry)
        cache.set(key, known, CHECK_CACHE_SECONDS)
    return known


def check_candidate(*, award: Award, data: dict) -> list[dict]:
    """The cases a candidate version breaks: those that fail on it and hold on the versions saved now (a case
    already failing today is not broken by the edit). A case pinned to a version (`ruleset_version`) tests
    that version and is not run. Holding today is read from the last finished run on the newest version, or
    from the newest version's own check when it was saved through the editor, or else run again."""
    latest = award.rulesets.order_by("-version").first()
    done, _waiting = latest_runs(award, latest)
    known = {r["key"]: r["passed"] for r in (done.results if done is not None and done.state == RuleCaseRun.State.DONE else [])}
    broken = []
    for entry in award_cases(award):
        if entry.case is None or entry.case.ruleset_version is not None:
            continue
        outcome = _outcome(award, entry, data)
        if outcome["passed"]:
            continue
        if entry.key in known:
            holds_today = known[entry.key]
        elif latest is None:
            holds_today = _run(entry)["passed"]
        else:
            holds_today = _saved_outcome(award, entry, latest.data)["passed"]
        if holds_today:
            broken.append({"name": entry.name, "article": entry.article, "failure": outcome["failure"]})
    return broken
