"""A ruleset version resolved into a read-only `Rules` object, and the ruleset's schema check.

Code asks the Rules, never the award's slug: stages, windows, quotas, bans and criteria are data.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from core.errors import DomainError

from .calendar import UNITS

STAGE_CODES = (
    "announcement",
    "internal_publicity",
    "filing",
    "pre_check",
    "qualification_review",
    "material_review",
    "on_site_review",
    "defense",
    "composite_evaluation",
    "deliberation",
    "award_publicity",
    "approval",
    "commendation",
)
STAGE_LABELS = {
    "announcement": "发布通知",
    "internal_publicity": "内部公示",
    "filing": "申报",
    "pre_check": "初审",
    "qualification_review": "资格审查",
    "material_review": "材料评审",
    "on_site_review": "现场评审",
    "defense": "陈述答辩",
    "composite_evaluation": "综合评价",
    "deliberation": "审议表决",
    "award_publicity": "拟授奖名单公示",
    "approval": "政府审批",
    "commendation": "表彰",
}
REVIEW_STAGES = ("material_review", "on_site_review", "defense")
CATEGORIES = ("organization", "individual")
CATEGORY_LABELS = {"organization": "组织", "individual": "个人"}
#: whom a ban reaches: winners whose title is revoked for the ground, or any applicant on whom it is found
BAN_APPLIES_TO = {"winners": "撤销称号的获奖者", "applicants": "在任何环节被查实的申报者"}
BAN_REASONS = {"fraud": "弄虚作假", "bribery": "欺骗、贿赂等不正当手段", "serious_accident": "获奖后发生较大及以上事故或严重违法"}
WINDOW_KEYS = ("publicity", "public_comment", "deadline")
ACTORS = ("office", "applicant", "precheck", "committee")
#: who acts on an application, by the code a ruleset's stage and the transition table use: the one source of
#: these labels for pages, messages and the ruleset's presentation ("system" is the deadline sweep).
ACTOR_LABELS = {"office": "质量奖办公室", "applicant": "申报单位/个人", "precheck": "初审机构",
                "committee": "评审委员会（领导小组）", "system": "系统"}


@dataclasses.dataclass(frozen=True)
class WindowRule:
    length: int
    unit: str
    article: str | None
    minimum: bool = True
    through: str | None = None  # a deadline that spans the stages up to this one (e.g. material review through defense)
    start: str | None = None  # what the period runs from: "receipt" = the day the (supplemented) materials arrived

    @classmethod
    def from_data(cls, data: dict | None) -> "WindowRule | None":
        if not data:
            return None
        return cls(int(data["length"]), data["unit"], data.get("article"), bool(data.get("minimum", True)),
                   data.get("through"), data.get("from"))


@dataclasses.dataclass(frozen=True)
class StageRule:
    code: str
    name: str
    actor: str
    article: str | None
    publicity: WindowRule | None
    public_comment: WindowRule | None
    deadline: WindowRule | None
    data: dict

    @property
    def label(self) -> str:
        return self.name or STAGE_LABELS[self.code]

    @property
    def consultation(self) -> dict | None:
        """{"with", "article"}: the stage asks departments' opinions before it decides (征求相关部门意见)."""
        return self.data.get("consultation") or None

    @property
    def requires_opinion(self) -> dict | None:
        """{"kind", "name", "issued_at" (the stage whose body issues it), "by", "article"}: a document the stage
        cannot pass without (兴安盟 第十七条 推荐意见, 塔城 第十四条 审核意见)."""
        return self.data.get("requires_opinion") or None

    @property
    def supplements_at_once(self) -> dict | None:
        """{"article"} where everything to supplement must be notified at once (一次性告知): one request per stage."""
        return self.data.get("supplements_all_at_once") or None

    @property
    def plan_approval(self) -> dict | None:
        """The body that must approve the cycle's plan before the call ({"body", "article"}), if any."""
        return self.data.get("requires_plan_approval") or None


class Rules:
    """Read-only view of one ruleset version's data."""

    def __init__(self, data: dict):
        self.data = data
        self.stages: tuple[StageRule, ...] = tuple(
            StageRule(
                code=s["code"],
                name=s.get("name") or STAGE_LABELS[s["code"]],
                actor=s.get("actor", "office"),
                article=s.get("article"),
                publicity=WindowRule.from_data(s.get("publicity")),
                public_comment=WindowRule.from_data(s.get("public_comment")),
                deadline=WindowRule.from_data(s.get("deadline")),
                data=s,
            )
            for s in data["stages"]
        )
        self._by_code = {s.code: s for s in self.stages}

    # stages
    @property
    def stage_codes(self) -> list[str]:
        return [s.code for s in self.stages]

    def has_stage(self, code: str) -> bool:
        return code in self._by_code

    def stage(self, code: str) -> StageRule:
        try:
            return self._by_code[code]
        except KeyError:
            raise DomainError(f"本奖项的规则中没有“{STAGE_LABELS.get(code, code)}”环节。", code="no_such_stage") from None

    def next_stage(self, code: str) -> StageRule | None:
        codes = self.stage_codes
        i = codes.index(code)
        return self.stages[i + 1] if i + 1 < len(codes) else None

    def application_stages(self) -> list[StageRule]:
        """Stages an application walks (the call for applications is the cycle's, not the application's)."""
        return [s for s in self.stages if s.code != "announcement"]

    # numbers
    @property
    def cycle_years(self) -> int:
        return int(self.data["cycle_years"])

    @property
    def categories(self) -> list[str]:
        return list(self.data.get("categories", ["organization"]))

    def quota(self, category: str) -> int:
        return int(self.data["quota"].get(category) or 0)

    @property
    def quota_total(self) -> int | None:
        return self.data["quota"].get("combined_total")

    @property
    def vacancy_allowed(self) -> bool:
        return bool(self.data["quota"].get("vacancy_allowed", True))

    @property
    def applicants(self) -> dict:
        return self.data.get("applicants", {})

    @property
    def routing(self) -> dict:
        return self.data.get("routing", {"first": "award_office"})

    @property
    def recommendation(self) -> dict:
        return self.data.get("recommendation", {}) or {}

    @property
    def eligibility(self) -> list[dict]:
        return list(self.data.get("eligibility", []))

    @property
    def encouraged(self) -> list[dict]:
        return list(self.data.get("encouraged", []))

    @property
    def reapply_after_award(self) -> dict | None:
        return self.data.get("reapply_after_award")

    def ban_for(self, reason: str, *, revoked: bool = True) -> dict | None:
        """The ban the ruleset gives for `reason`. A ban `applies_to` "winners" (the default) follows the
        revocation of a title won so (`revoked=True`); one that applies to "applicants" is written wherever
        the ground is found: at a stage of the application, on an objection, or by revoking the title."""
        for ban in self.data.get("bans", []):
            if ban["reason"] == reason and (revoked or ban_applies_to(ban) == "applicants"):
                return ban
        return None

    def revocation_for(self, reason: str) -> dict | None:
        for rule in self.data.get("revocation", []):
            if rule["reason"] == reason:
                return rule
        return None

    def prize(self, category: str) -> Decimal | None:
        value = (self.data.get("prize") or {}).get(category)
        return Decimal(value) if value is not None else None

    @property
    def post_award(self) -> dict:
        return self.data.get("post_award") or {}

    @property
    def performance_reports(self) -> dict:
        """Annual performance reports after the award: {"years", "to", "also_to": {"by", "level"}, "article"}
        (the award's office always receives them); {} when the regulation asks for none."""
        return self.post_award.get("performance_reports") or {}

    @property
    def tracking(self) -> dict:
        """Tracking of winners after the award: {"years" (None: while the title is valid), "by", "level",
        "article"}; {} when the regulation names none."""
        return self.post_award.get("tracking") or {}

    @property
    def performance_report_years(self) -> int:
        reports = self.post_award.get("performance_reports")
        return int(reports["years"]) if reports and reports.get("years") else 0

    @property
    def objection_deadline(self) -> WindowRule:
        data = (self.data.get("objections") or {}).get("review_deadline") or {"length": 5, "unit": "working_days"}
        return WindowRule.from_data(data)

    @property
    def composite_weights(self) -> dict[str, Decimal]:
        weights = self.data.get("composite_weights") or {}
        return {k: Decimal(str(v)) for k, v in weights.items() if k in REVIEW_STAGES}

    @property
    def committee(self) -> dict:
        return self.data.get("committee") or {"quorum": "2/3", "majority": "1/2"}

    # what code needs of the regulation's text: each accessor names the section it reads
    @property
    def cycle_article(self) -> str:
        return (self.data.get("cycle") or {}).get("article") or ""

    @property
    def quota_article(self) -> str:
        return (self.data.get("quota") or {}).get("article") or ""

    @property
    def award_validity(self) -> dict | None:
        """How long a title is valid ({"length", "unit", "article"}), or None when the regulation says nothing."""
        return self.data.get("award_validity_years") or None

    @property
    def revocations(self) -> list[dict]:
        """The revocation cases the regulation lists ({"reason", "article", ...}), in its order."""
        return list(self.data.get("revocation") or [])

    @property
    def objections(self) -> dict:
        """The objection procedure (who may object, in what form, the review deadline)."""
        return self.data.get("objections") or {}

    @property
    def two_way_feedback(self) -> dict:
        """Applicants rate the reviewers' discipline, where the regulation provides it ({} otherwise)."""
        return self.data.get("two_way_feedback") or {}

    @property
    def review_agency(self) -> dict | None:
        """A review agency entrusted by contract, where the regulation allows one."""
        return self.data.get("review_agency") or None

    @property
    def prize_spending(self) -> dict:
        """What the prize money may be spent on and the reporting that goes with it ({} when unregulated)."""
        return (self.data.get("prize") or {}).get("spending") or {}

    def criteria_code(self, category: str) -> str | None:
        return (self.data.get("criteria") or {}).get(category)

    @property
    def alternation(self) -> dict | None:
        return (self.data.get("cycle") or {}).get("alternate_with")

    def article(self, key: str) -> str:
        """The article cited by the ruleset's top-level section `key` (e.g. "review_panels",
        "two_way_feedback"); "" when the award's regulation has no such section or cites none."""
        section = self.data.get(key)
        return str(section.get("article") or "") if isinstance(section, dict) else ""


def ban_applies_to(ban: dict) -> str:
    return ban.get("applies_to") or "winners"


def cite(text: str, article: str | None) -> str:
    """A sentence citing the award's own article when its regulation has one, never an empty "（）"."""
    return f"{text}（{article}）。" if article else f"{text}。"


def validate_ruleset_data(data: dict) -> list[str]:
    """Every problem with a ruleset's data, in Chinese; empty when it is usable."""
    problems: list[str] = []

    def need(cond, message):
        if not cond:
            problems.append(message)
        return cond

    if not need(isinstance(data, dict), "规则必须是 JSON 对象。"):
        return problems
    doc = data.get("document")
    if need(isinstance(doc, dict), "缺少 document（文件信息）。"):
        need(bool(doc.get("number")), "缺少文号 document.number。")
        for key in ("issued", "effective_from", "effective_until"):
            value = doc.get(key)
            if value is not None:
                try:
                    dt.date.fromisoformat(value)
                except (TypeError, ValueError):
                    problems.append(f"document.{key} 不是有效日期（YYYY-MM-DD）。")
        need(bool(doc.get("effective_from")) or (doc.get("effective_on_issue") and not doc.get("issued")),
             "缺少施行日期 document.effective_from（自印发之日起施行而印发日期未载的，写 effective_on_issue: true）。")
    need(isinstance(data.get("cycle_years"), int) and data["cycle_years"] >= 1, "评选周期 cycle_years 必须是正整数（年）。")
    quota = data.get("quota")
    if need(isinstance(quota, dict), "缺少名额 quota。"):
        for key in ("organization", "individual"):
            need(isinstance(quota.get(key), int) and quota[key] >= 0, f"名额 quota.{key} 必须是非负整数。")
        need(isinstance(quota.get("vacancy_allowed"), bool), "quota.vacancy_allowed 必须是 true 或 false。")
    stages = data.get("stages")
    if need(isinstance(stages, list) and stages, "评审环节 stages 不能为空。"):
        codes = [s.get("code") for s in stages if isinstance(s, dict)]
        unknown = [c for c in codes if c not in STAGE_CODES]
        need(not unknown, f"未知的环节代码：{unknown}。")
        need(len(codes) == len(set(codes)), "环节代码不能重复。")
        need("filing" in codes, "规则必须包含申报（filing）环节。")
        for s in stages:
            if not isinstance(s, dict):
                continue
            need(s.get("actor", "office") in ACTORS, f"环节 {s.get('code')} 的办理角色无效。")
            for key in WINDOW_KEYS:
                w = s.get(key)
                if w is None:
                    continue
                if need(isinstance(w, dict), f"环节 {s.get('code')} 的 {key} 必须是对象。"):
                    need(isinstance(w.get("length"), int) and 0 < w["length"] <= 400, f"环节 {s.get('code')} 的 {key}.length 必须是 1–400 的整数。")
                    need(w.get("unit") in UNITS, f"环节 {s.get('code')} 的 {key}.unit 必须是 working_days 或 calendar_days。")
    rep = data.get("reapply_after_award")
    if rep is not None and need(isinstance(rep, dict), "reapply_after_award 必须是对象或 null。"):
        need(rep.get("unit") in ("cycles", "years"), "reapply_after_award.unit 必须是 cycles 或 years。")
        need(isinstance(rep.get("length"), int) and rep["length"] >= 0, "reapply_after_award.length 必须是非负整数。")
        need(isinstance(rep.get("unless_declared", ""), str),
             "reapply_after_award.unless_declared 必须是申报声明中的一项（如 new_achievements）。")
        need(rep.get("count", "between") in ("between", "after"),
             "reapply_after_award.count 必须是 between（间隔N届：中间隔开N届）或 after（于N届以后：第N届起）。")
    for rule in data.get("eligibility") or []:
        scope = rule.get("applies_to") if isinstance(rule, dict) else None
        if scope is not None:
            need(isinstance(scope, dict) and isinstance(scope.get("declared"), dict)
                 and all(isinstance(k, str) and isinstance(v, bool) for k, v in scope["declared"].items()),
                 f"申报条件 {rule.get('code')} 的 applies_to 须为 {{\"declared\": {{申报声明项: true/false}}, \"text\": 适用对象}}。")
    bans = data.get("bans", [])
    if need(isinstance(bans, list), "bans 必须是列表。"):
        for ban in bans:
            need(isinstance(ban, dict) and ban.get("reason") in BAN_REASONS and ban.get("unit") in ("cycles", "years")
                 and isinstance(ban.get("length"), int), f"禁止申报规则无效：{ban}。")
            if isinstance(ban, dict) and "applies_to" in ban:
                need(ban["applies_to"] in BAN_APPLIES_TO,
                     f"禁止申报规则 {ban.get('reason')} 的 applies_to 必须是 winners（撤销称号后）或 applicants（任何环节查实）。")
    prize = data.get("prize")
    if need(isinstance(prize, dict), "缺少奖金 prize。"):
        for key in ("organization", "individual"):
            value = prize.get(key)
            need(value is None or (isinstance(value, int) and value >= 0), f"prize.{key} 必须是非负整数（元）或 null。")
    return problems
