"""Reading rule-case files (../shared/contract/rule-cases.md): a JSON object (one case) or a list of cases,
YAML with the same structure when PyYAML is installed. Everything the contract fixes is checked here,
before anything runs, so that a typo is a malformed file (exit 2, naming the file, the case and the key)
rather than a case that silently tests something else."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

from jurisdictions.rules import STAGE_CODES


class Malformed(Exception):
    """A rule-case file the runner cannot read: says which file, which case and which key."""

    def __init__(self, file: str, case: str | None, key: str | None, problem: str):
        self.file, self.case, self.key, self.problem = file, case, key, problem
        where = file + (f"，用例“{case}”" if case else "") + (f"，键 {key}" if key else "")
        super().__init__(f"{where}：{problem}")


APPLICANT_KEYS = {"kind", "registered_on", "county", "legal_form", "parent", "non_profit", "new_economy", "industry",
                  "quality_work_years"}
KINDS = ("organization", "individual")
LEGAL_FORMS = ("legal_person", "non_legal_person", "branch")
FACT_DATE_LISTS = ("accidents", "violations", "tax_violations", "fraud_in_awards")
FACT_KEYS = {*FACT_DATE_LISTS, "loss_years", "abnormal_list", "internal_publicity", "new_achievements", "recommendation"}
STATUSES = ("draft", "pending", "approved", "in_publicity", "held", "returned", "withdrawn", "rejected", "not_advanced",
            "awarded", "revoked")
REACHABLE_STATUSES = ("pending", "approved", "in_publicity")
ROLES = ("office", "precheck", "committee", "applicant")
CHOICES = ("for", "against", "abstain", "absent")
REVOKE_REASONS = ("fraud", "bribery", "serious_accident", "serious_violation")
BY_KEYS = {"kind", "name", "phone", "address", "identity_proof", "seal"}
COMMON_STEP_KEYS = {"on", "at", "do", "expect"}
EXPECT_KEYS = {"ok", "article", "failing", "stage", "status", "banned_until", "eligible_from_cycle", "passed", "winners",
               "valid_until"}
# Free text a case may carry for its readers; nothing reads it.
COMMENT_KEYS = {"note", "comment", "description", "defect"}

# verb: (required arguments, optional arguments)
VERBS: dict[str, tuple[set, set]] = {
    "history_grant": ({"applicant", "cycle"}, {"awarded_on", "category", "tier"}),
    "open_cycle": (set(), {"number", "filing_deadline"}),
    "submit": ({"applicant"}, {"facts"}),
    "check_eligibility": ({"applicant"}, {"facts"}),
    "reach_stage": ({"applicants", "stage"}, {"status"}),
    "advance": ({"applicant"}, {"as"}),
    "publish_list": ({"stage"}, {"applicants"}),
    "vote": ({"applicants", "ballots"}, set()),
    "file_objection": ({"against"}, {"by", "evidence", "text"}),
    "decide_objection": ({"against", "upheld"}, {"fraud"}),
    "record_fraud": ({"applicant"}, set()),
    "revoke": ({"applicant", "reason", "occurred_on"}, set()),
    "run_deadlines": (set(), {"applicant", "applicants"}),
    "commend": (set(), {"applicants"}),
}


@dataclasses.dataclass(frozen=True)
class Step:
    index: int
    do: str
    moment: dt.datetime  # on + at, Asia/Shanghai
    args: dict
    expect: dict | None

    @property
    def names(self) -> list[str]:
        """The applicants whose state the step's expectations read (its `applicant` or `applicants`)."""
        if "applicant" in self.args:
            return [self.args["applicant"]]
        if "against" in self.args:
            return [self.args["against"]]
        return list(self.args.get("applicants") or [])


@dataclasses.dataclass(frozen=True)
class Case:
    file: str
    award: str
    name: str
    article: str
    applicants: dict
    steps: tuple[Step, ...]
    ruleset_version: int | None = None
    calendar: dict | None = None


def _date(value, file, case, key) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise Malformed(file, case, key, f"应为日期 YYYY-MM-DD，而不是 {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Malformed(file, case, key, f"不是有效日期：{value!r}") from None


def _time(value, file, case, key) -> dt.time:
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise Malformed(file, case, key, f"应为时间 HH:MM，而不是 {value!r}")
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise Malformed(file, case, key, f"不是有效时间：{value!r}") from None


def _bool(value, file, case, key) -> bool:
    if not isinstance(value, bool):
        raise Malformed(file, case, key, f"应为 true 或 false，而不是 {value!r}")
    return value


def _int(value, file, case, key, *, minimum=0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Malformed(file, case, key, f"应为不小于 {minimum} 的整数，而不是 {value!r}")
    return value


def _text(value, file, case, key) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Malformed(file, case, key, f"应为非空文字，而不是 {value!r}")
    return value


def _unknown(data: dict, allowed: set, file, case, prefix) -> None:
    for key in data:
        if key not in allowed and key not in COMMENT_KEYS and not str(key).startswith("_"):
            raise Malformed(file, case, f"{prefix}{key}", f"未知的键（允许：{'、'.join(sorted(allowed))}）")


def read_documents(path: Path) -> list:
    """The cases in one file, as plain data (a single object becomes a list of one)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise Malformed(str(path), None, None, "读取 YAML 需要安装 PyYAML；请改用 JSON") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise Malformed(str(path), None, None, f"不是有效的 YAML：{exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Malformed(str(path), None, None, f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}") from None
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise Malformed(str(path), None, None, "文件须是一个用例（JSON 对象）或用例列表")


def parse_file(path: Path, *, award_exists=None) -> list[Case]:
    """Every case of one file, checked. `award_exists(slug)` says whether an award exists (the command
    passes a database lookup; unit tests may leave it out)."""
    return [parse_case(doc, file=str(path), position=i, award_exists=award_exists)
            for i, doc in enumerate(read_documents(path), start=1)]


def parse_case(doc, *, file: str, position: int = 1, award_exists=None) -> Case:
    if not isinstance(doc, dict):
        raise Malformed(file, f"#{position}", None, "每个用例须是 JSON 对象")
    name = doc.get("name")
    case = name if isinstance(name, str) and name.strip() else f"#{position}"
    _unknown(doc, {"award", "name", "article", "applicants", "steps", "ruleset_version", "calendar"}, file, case, "")
    for key in ("award", "name", "article", "steps"):
        if key not in doc:
            raise Malformed(file, case, key, "缺少必填键")
    award = _text(doc["award"], file, case, "award")
    if award_exists is not None and not award_exists(award):
        raise Malformed(file, case, "award", f"没有代码为 {award!r} 的奖项")
    _text(doc["name"], file, case, "name")
    article = _text(doc["article"], file, case, "article")
    version = doc.get("ruleset_version")
    if version is not None:
        _int(version, file, case, "ruleset_version", minimum=1)
    applicants = _applicants(doc.get("applicants", {}), file, case)
    calendar = _calendar(doc.get("calendar"), file, case)
    raw_steps = doc["steps"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise Malformed(file, case, "steps", "须是非空列表")
    steps, previous = [], None
    for i, raw in enumerate(raw_steps):
        step = _step(raw, i, applicants, file, case)
        if previous is not None and step.moment < previous:
            raise Malformed(file, case, f"steps[{i}].on", f"时间倒退：{step.moment:%Y-%m-%d %H:%M} 早于上一步 {previous:%Y-%m-%d %H:%M}")
        previous = step.moment
        steps.append(step)
    return Case(file=file, award=award, name=doc["name"], article=article, applicants=applicants, steps=tuple(steps),
                ruleset_version=version, calendar=calendar)


def _applicants(data, file, case) -> dict:
    if not isinstance(data, dict):
        raise Malformed(file, case, "applicants", "须是以申报主体名称为键的对象")
    out = {}
    for name, spec in data.items():
        prefix = f"applicants.{name}"
        if not isinstance(spec, dict):
            raise Malformed(file, case, prefix, "须是对象")
        _unknown(spec, APPLICANT_KEYS, file, case, prefix + ".")
        if spec.get("kind") not in KINDS:
            raise Malformed(file, case, prefix + ".kind", f"须是 {' 或 '.join(KINDS)}")
        clean = dict(spec)
        if "registered_on" in spec:
            clean["registered_on"] = _date(spec["registered_on"], file, case, prefix + ".registered_on")
        if "county" in spec and not (isinstance(spec["county"], str) and re.fullmatch(r"\d{6}", spec["county"])):
            raise Malformed(file, case, prefix + ".county", "须是6位行政区划代码（GB/T 2260）")
        if "legal_form" in spec and spec["legal_form"] not in LEGAL_FORMS:
            raise Malformed(file, case, prefix + ".legal_form", f"须是 {'、'.join(LEGAL_FORMS)} 之一")
        for key in ("non_profit", "new_economy"):
            if key in spec:
                _bool(spec[key], file, case, f"{prefix}.{key}")
        if "industry" in spec:
            _text(spec["industry"], file, case, prefix + ".industry")
        if "quality_work_years" in spec:
            _int(spec["quality_work_years"], file, case, prefix + ".quality_work_years")
        out[name] = clean
    for name, spec in out.items():
        seen, parent = {name}, spec.get("parent")
        while parent is not None:
            if parent not in out:
                raise Malformed(file, case, f"applicants.{name}.parent", f"没有名为 {parent!r} 的申报主体")
            if parent in seen:
                raise Malformed(file, case, f"applicants.{name}.parent", "上级组织不能循环")
            seen.add(parent)
            parent = out[parent].get("parent")
    return out


def _calendar(data, file, case) -> dict | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise Malformed(file, case, "calendar", "须是以年份为键的对象")
    out = {}
    for year, spec in data.items():
        key = f"calendar.{year}"
        if not re.fullmatch(r"\d{4}", str(year)):
            raise Malformed(file, case, key, "年份须为4位数字")
        if not isinstance(spec, dict):
            raise Malformed(file, case, key, "须是对象：{\"holidays\": [...], \"workdays\": [...]}")
        _unknown(spec, {"holidays", "workdays"}, file, case, key + ".")
        days = {}
        for part in ("holidays", "workdays"):
            values = spec.get(part, [])
            if not isinstance(values, list):
                raise Malformed(file, case, f"{key}.{part}", "须是日期列表")
            days[part] = [_date(v, file, case, f"{key}.{part}[{i}]") for i, v in enumerate(values)]
            wrong = [d for d in days[part] if d.year != int(year)]
            if wrong:
                raise Malformed(file, case, f"{key}.{part}", f"{wrong[0]} 不在 {year} 年")
        out[int(year)] = days
    return out


def _names(value, applicants, file, case, key, *, allow_empty=False) -> list[str]:
    if not isinstance(value, list) or (not value and not allow_empty) or not all(isinstance(v, str) for v in value):
        raise Malformed(file, case, key, "须是申报主体名称的列表")
    for i, v in enumerate(value):
        if v not in applicants:
            raise Malformed(file, case, f"{key}[{i}]", f"没有名为 {v!r} 的申报主体（见 applicants）")
    return value


def _name(value, applicants, file, case, key) -> str:
    if not isinstance(value, str) or value not in applicants:
        raise Malformed(file, case, key, f"没有名为 {value!r} 的申报主体（见 applicants）")
    return value


def _step(raw, i, applicants, file, case) -> Step:
    prefix = f"steps[{i}]"
    if not isinstance(raw, dict):
        raise Malformed(file, case, prefix, "每一步须是对象")
    do = raw.get("do")
    if do not in VERBS:
        raise Malformed(file, case, prefix + ".do", f"未知的操作 {do!r}（允许：{'、'.join(VERBS)}）")
    required, optional = VERBS[do]
    _unknown(raw, COMMON_STEP_KEYS | required | optional, file, case, prefix + ".")
    for key in required:
        if key not in raw:
            raise Malformed(file, case, f"{prefix}.{key}", f"{do} 缺少必填参数")
    if "on" not in raw:
        raise Malformed(file, case, prefix + ".on", "缺少日期")
    on = _date(raw["on"], file, case, prefix + ".on")
    at = _time(raw.get("at", "10:00"), file, case, prefix + ".at")
    from core.clock import SHANGHAI

    moment = dt.datetime.combine(on, at, tzinfo=SHANGHAI)
    args = {k: v for k, v in raw.items() if k not in COMMON_STEP_KEYS and k not in COMMENT_KEYS and not str(k).startswith("_")}
    p = prefix + "."
    for key in ("applicant", "against"):
        if key in args:
            _name(args[key], applicants, file, case, p + key)
    if "applicants" in args:
        _names(args["applicants"], applicants, file, case, p + "applicants")
    if "facts" in args:
        args["facts"] = _facts(args["facts"], file, case, p + "facts")
    if "cycle" in args:
        _int(args["cycle"], file, case, p + "cycle", minimum=1)
    if "number" in args:
        _int(args["number"], file, case, p + "number", minimum=1)
    for key in ("awarded_on", "filing_deadline", "occurred_on"):
        if key in args:
            args[key] = _date(args[key], file, case, p + key)
    if "category" in args and args["category"] not in KINDS:
        raise Malformed(file, case, p + "category", f"须是 {' 或 '.join(KINDS)}")
    if "tier" in args:
        _text(args["tier"], file, case, p + "tier")
    if "stage" in args and args["stage"] not in STAGE_CODES:
        raise Malformed(file, case, p + "stage", f"未知的环节代码 {args['stage']!r}（允许：{'、'.join(STAGE_CODES)}）")
    if do == "reach_stage" and args.get("status", "pending") not in REACHABLE_STATUSES:
        raise Malformed(file, case, p + "status", f"reach_stage 的状态须是 {'、'.join(REACHABLE_STATUSES)} 之一")
    if "as" in args and args["as"] not in ROLES:
        raise Malformed(file, case, p + "as", f"角色须是 {'、'.join(ROLES)} 之一")
    if "ballots" in args:
        _ballots(args["ballots"], file, case, p + "ballots")
    if "by" in args:
        by = args["by"]
        if not isinstance(by, dict):
            raise Malformed(file, case, p + "by", "须是对象")
        _unknown(by, BY_KEYS, file, case, p + "by.")
        if by.get("kind", "person") not in ("person", "unit"):
            raise Malformed(file, case, p + "by.kind", "须是 person 或 unit")
        for key in ("name", "phone", "address"):
            if key in by and not isinstance(by[key], str):
                raise Malformed(file, case, f"{p}by.{key}", "须是文字（可为空字符串）")
        for key in ("identity_proof", "seal"):
            if key in by:
                _bool(by[key], file, case, f"{p}by.{key}")
    for key in ("evidence", "upheld", "fraud"):
        if key in args:
            _bool(args[key], file, case, p + key)
    if "text" in args:
        _text(args["text"], file, case, p + "text")
    if "reason" in args and args["reason"] not in REVOKE_REASONS:
        raise Malformed(file, case, p + "reason", f"须是 {'、'.join(REVOKE_REASONS)} 之一")
    expect = raw.get("expect")
    if expect is not None:
        expect = _expect(expect, do, applicants, file, case, p + "expect")
    step = Step(index=i, do=do, moment=moment, args=args, expect=expect)
    for key in ("stage", "status"):
        if expect and key in expect and not step.names:
            raise Malformed(file, case, f"{p}expect.{key}", f"{do} 没有 applicant/applicants，无从读取{key}")
    return step


def _facts(facts, file, case, key) -> dict:
    if not isinstance(facts, dict):
        raise Malformed(file, case, key, "须是对象")
    _unknown(facts, FACT_KEYS, file, case, key + ".")
    out = dict(facts)
    for part in FACT_DATE_LISTS:
        if part in facts:
            if not isinstance(facts[part], list):
                raise Malformed(file, case, f"{key}.{part}", "须是日期列表")
            out[part] = [_date(v, file, case, f"{key}.{part}[{i}]") for i, v in enumerate(facts[part])]
    if "loss_years" in facts:
        values = facts["loss_years"]
        if not isinstance(values, list):
            raise Malformed(file, case, f"{key}.loss_years", "须是年份（整数）列表")
        for i, v in enumerate(values):
            _int(v, file, case, f"{key}.loss_years[{i}]", minimum=1900)
    for part in ("abnormal_list", "new_achievements", "recommendation"):
        if part in facts:
            _bool(facts[part], file, case, f"{key}.{part}")
    if "internal_publicity" in facts:
        window = facts["internal_publicity"]
        if not isinstance(window, dict) or set(window) != {"from", "to"}:
            raise Malformed(file, case, f"{key}.internal_publicity", "须是 {\"from\": 日期, \"to\": 日期}")
        start = _date(window["from"], file, case, f"{key}.internal_publicity.from")
        end = _date(window["to"], file, case, f"{key}.internal_publicity.to")
        if end < start:
            raise Malformed(file, case, f"{key}.internal_publicity.to", "结束日期早于开始日期")
        out["internal_publicity"] = {"from": start, "to": end}
    return out


def _ballots(ballots, file, case, key) -> None:
    if not isinstance(ballots, list) or not ballots:
        raise Malformed(file, case, key, "须是非空列表")
    members = set()
    for i, ballot in enumerate(ballots):
        k = f"{key}[{i}]"
        if not isinstance(ballot, dict):
            raise Malformed(file, case, k, "须是对象 {\"member\", \"unit\", \"choice\"}")
        _unknown(ballot, {"member", "unit", "choice"}, file, case, k + ".")
        member = _text(ballot.get("member"), file, case, k + ".member")
        if "unit" in ballot:
            _text(ballot["unit"], file, case, k + ".unit")
        if ballot.get("choice") not in CHOICES:
            raise Malformed(file, case, k + ".choice", f"须是 {'、'.join(CHOICES)} 之一")
        if member in members:
            raise Malformed(file, case, k + ".member", f"委员 {member!r} 重复")
        members.add(member)


def _per_applicant(value, applicants, file, case, key, check) -> dict:
    if not isinstance(value, dict) or not value:
        raise Malformed(file, case, key, "须是以申报主体名称为键的对象")
    out = {}
    for name, v in value.items():
        _name(name, applicants, file, case, f"{key}.{name}")
        out[name] = check(v, f"{key}.{name}")
    return out


def _expect(expect, do, applicants, file, case, key) -> dict:
    if not isinstance(expect, dict):
        raise Malformed(file, case, key, "须是对象")
    _unknown(expect, EXPECT_KEYS, file, case, key + ".")
    out = dict(expect)
    p = key + "."
    if "ok" in expect:
        _bool(expect["ok"], file, case, p + "ok")
    if "article" in expect:
        _text(expect["article"], file, case, p + "article")
    if "failing" in expect:
        if do != "check_eligibility":
            raise Malformed(file, case, p + "failing", "只用于 check_eligibility")
        if not isinstance(expect["failing"], list) or not all(isinstance(c, str) for c in expect["failing"]):
            raise Malformed(file, case, p + "failing", "须是规则代码的列表")
    if "stage" in expect and expect["stage"] not in STAGE_CODES:
        raise Malformed(file, case, p + "stage", f"未知的环节代码 {expect['stage']!r}")
    if "status" in expect and expect["status"] not in STATUSES:
        raise Malformed(file, case, p + "status", f"未知的状态 {expect['status']!r}（允许：{'、'.join(STATUSES)}）")

    def date_or_null(v, k):
        return None if v is None else _date(v, file, case, k)

    for part in ("banned_until", "valid_until"):
        if part in expect:
            out[part] = _per_applicant(expect[part], applicants, file, case, p + part, date_or_null)
    if "eligible_from_cycle" in expect:
        out["eligible_from_cycle"] = _per_applicant(expect["eligible_from_cycle"], applicants, file, case,
                                                    p + "eligible_from_cycle", lambda v, k: _int(v, file, case, k, minimum=1))
    if "passed" in expect:
        if do != "vote":
            raise Malformed(file, case, p + "passed", "只用于 vote")
        out["passed"] = _per_applicant(expect["passed"], applicants, file, case, p + "passed",
                                       lambda v, k: _bool(v, file, case, k))
    if "winners" in expect:
        if do != "commend":
            raise Malformed(file, case, p + "winners", "只用于 commend")
        _names(expect["winners"], applicants, file, case, p + "winners", allow_empty=True)
    return out


def collect(paths: list[Path]) -> list[Path]:
    """The case files named: files as given, folders by their *.json / *.yaml / *.yml files in name order."""
    out = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".yaml", ".yml") and p.is_file())
        elif path.exists():
            out.append(path)
        else:
            raise Malformed(str(path), None, None, "文件或目录不存在")
    return out
