"""A ruleset's data rendered as readable Chinese, rule by rule with its article; and a readable diff of two
versions. Pure functions over the ruleset's JSON: no database, no request."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from .calendar import UNIT_LABELS
from .rules import ACTOR_LABELS, BAN_REASONS, CATEGORY_LABELS, STAGE_CODES, STAGE_LABELS, ban_applies_to

PERIOD_UNITS = {"years": "年", "cycles": "届"}
LEVEL_LABELS = {"county": "县级（旗、县、县级市、区）", "prefecture": "地市级（盟、地区、地级市）", "province": "省级"}
BODY_LABELS = {
    "award_office": "质量奖办公室",
    "market_regulation": "市场监督管理部门",
    "industry_department": "行业主管部门",
    "parent_organization": "其所属的法人或非法人组织",
    "industry_department_or_market_regulation": "行业主管部门或市场监督管理部门",
}
WINDOW_PREFIX = {"publicity": "公示", "public_comment": "公开征求意见", "deadline": "办理时限"}
REVOCATION_REASONS = {**BAN_REASONS, "serious_accident": "获奖后发生较大及以上事故或严重违法行为"}


@dataclasses.dataclass
class Item:
    """One rule: its text, the article it comes from, and finer points under it."""

    text: str
    article: str | None = None
    details: list["Item"] = dataclasses.field(default_factory=list)
    muted: bool = False


@dataclasses.dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    article: str | None = None
    ordered: bool = False


# ---------------------------------------------------------------- small formatters

def cn_date(value) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def money(amount) -> str:
    """200000 -> 20万元; 12345 -> 12,345元."""
    amount = int(amount)
    if amount and amount % 10000 == 0:
        return f"{amount // 10000}万元"
    return f"{amount:,}元"


def percent(value) -> str:
    try:
        return f"{format((Decimal(str(value)) * 100).normalize(), 'f')}%"
    except (InvalidOperation, ValueError):
        return str(value)


def period(length, unit) -> str:
    return f"{length}{PERIOD_UNITS.get(unit, unit)}"


def with_article(text: str, article: str | None) -> str:
    return f"{text}（{article}）" if article else text


def window_text(window: dict, kind: str, stage_code: str | None = None) -> str:
    """公示不少于5个工作日（第十九条）; 公示7天（第十九条）; 自收到申报材料之日起10个工作日内完成（第十六条）."""
    length, unit = window["length"], UNIT_LABELS.get(window["unit"], window["unit"])
    if kind == "deadline":
        start = "自收到申报材料之日起" if window.get("from") == "receipt" else "办理时限："
        through = window.get("through")
        scope = f"（至“{STAGE_LABELS.get(through, through)}”完成）" if through else ""
        return with_article(f"{start}{length}{unit}内完成{scope}", window.get("article"))
    prefix = "公告" if kind == "publicity" and stage_code == "announcement" else WINDOW_PREFIX[kind]
    minimum = "不少于" if window.get("minimum", True) else ""
    return with_article(f"{prefix}{minimum}{length}{unit}", window.get("article"))


def fraction_text(value: str) -> str:
    return f"{value}" if value else "未规定"


# ---------------------------------------------------------------- sections

def _document(data: dict) -> Section:
    doc = data.get("document") or {}
    items = [Item(f"文号：{doc.get('number') or '未载'}")]
    if doc.get("title"):
        items.append(Item(f"名称：《{doc['title']}》"))
    if doc.get("issuer"):
        items.append(Item(f"发文机关：{doc['issuer']}"))
    items.append(Item(f"发布日期：{cn_date(doc.get('issued')) or '原文未载'}"))
    if doc.get("effective_from"):
        items.append(Item(f"施行日期：{cn_date(doc.get('effective_from'))}"))
    else:
        items.append(Item("施行日期：自印发之日起施行（原文未载印发日期）", doc.get("article")))
    items.append(Item(f"有效期至：{cn_date(doc.get('effective_until'))}" if doc.get("effective_until") else "有效期：未规定截止日期"))
    if doc.get("replaces"):
        items.append(Item(f"同时废止：{doc['replaces']}"))
    if doc.get("note"):
        items.append(Item(doc["note"], muted=True))
    return Section("document", "文件信息", items, article=doc.get("article"))


def _cycle(data: dict) -> Section:
    cycle = data.get("cycle") or {}
    items = [Item(f"每{data.get('cycle_years')}年评选一次", cycle.get("article"))]
    alt = cycle.get("alternate_with")
    if alt:
        years = alt.get("region_award_years") or []
        text = f"与{alt.get('name')}交替组织评选年度"
        details = [Item(f"{alt['name']}的评选年度：" + ("、".join(f"{y}年" for y in years) if years else "尚未录入"))]
        if alt.get("note"):
            details.append(Item(alt["note"], muted=True))
        items.append(Item(text, alt.get("article"), details))
    validity = data.get("award_validity_years")
    if validity:
        items.append(Item(f"荣誉称号有效期{validity['length']}年", validity.get("article")))
    return Section("cycle", "评选周期", items)


def _quota(data: dict) -> Section:
    quota = data.get("quota") or {}
    categories = data.get("categories") or ["organization"]
    article = quota.get("article")
    items = []
    for cat in ("organization", "individual"):
        if cat in categories:
            items.append(Item(f"{CATEGORY_LABELS[cat]}：每届不超过{quota.get(cat) or 0}个", article))
        elif cat == "individual":
            items.append(Item("不设个人奖", article))
    if quota.get("combined_total"):
        items.append(Item(f"每届合计不超过{quota['combined_total']}个", article))
    items.append(Item("达不到条件的，名额可以空缺" if quota.get("vacancy_allowed", True) else "名额不得空缺", article))
    if quota.get("note"):
        items.append(Item(quota["note"], muted=True))
    return Section("quota", "授奖名额", items)


def _applicants(data: dict) -> Section:
    app = data.get("applicants") or {}
    article = app.get("article")

    def may(flag: bool) -> str:
        return "可以申报" if flag else "不可申报"

    items = [
        Item(f"具有法人资格的组织：{may(app.get('legal_person'))}", article),
        Item(f"非法人组织：{may(app.get('non_legal_person'))}", article),
    ]
    branch = f"分支、内设、派出机构：{may(app.get('branch'))}"
    if app.get("branch") and app.get("branch_requires_parent_recommendation"):
        branch += "（须由其所属组织推荐）"
    items.append(Item(branch, article))
    items.append(Item(f"个人：{may(app.get('individual'))}", article))
    if app.get("note"):
        items.append(Item(app["note"], muted=True))
    return Section("applicants", "申报主体", items)


def _routing(data: dict) -> Section:
    routing = data.get("routing") or {"first": "award_office"}
    first, level = routing.get("first", "award_office"), routing.get("level")
    if first == "award_office":
        text = "申报材料直接报送质量奖办公室"
    else:
        where = BODY_LABELS.get(first, first)
        if level:
            where = where.replace("市场监督管理部门", f"所在地{LEVEL_LABELS.get(level, level)}市场监督管理部门")
        text = f"申报材料先报送{where}，审核后报质量奖办公室"
    items = [Item(text, routing.get("article"))]
    if routing.get("note"):
        items.append(Item(routing["note"], muted=True))
    return Section("routing", "报送途径", items)


def _recommendation(data: dict) -> Section:
    rec = data.get("recommendation") or {}
    items = []
    if rec.get("required"):
        items.append(Item(f"须由{BODY_LABELS.get(rec.get('by'), rec.get('by') or '有关部门')}出具推荐意见", rec.get("article")))
    elif rec.get("branch_required"):
        items.append(Item(f"分支、内设、派出机构须由{BODY_LABELS.get(rec.get('by'), rec.get('by'))}出具推荐意见", rec.get("article")))
    else:
        items.append(Item("无须推荐，可自行申报", rec.get("article")))
    if rec.get("text"):
        items.append(Item(rec["text"], muted=True))
    return Section("recommendation", "推荐", items)


def _eligibility(data: dict) -> Section:
    items = []
    for rule in data.get("eligibility") or []:
        text = rule.get("text") or rule.get("code")
        if rule.get("category"):
            text = f"【{CATEGORY_LABELS.get(rule['category'], rule['category'])}】{text}"
        if rule.get("judgement"):
            text += "（由评审判断）"
        details = []
        scope = rule.get("applies_to") or {}
        if scope.get("text"):
            details.append(Item(f"仅适用于{scope['text']}", muted=True))
        if isinstance(rule.get("years"), int):
            details.append(Item(_years_window(rule), muted=True))
        items.append(Item(text, rule.get("article"), details))
    return Section("eligibility", "申报条件", items or [Item("未规定")])


# How awards.eligibility counts a rule's `years` (the rule-case contract's counting section): per fiscal year
# for these codes (FISCAL_YEARS_FREE there), otherwise the dates of the N years before the submission.
FISCAL_YEAR_RULES = frozenset({"no_losses_years"})


def _years_window(rule: dict) -> str:
    n = rule["years"]
    if rule.get("code") in FISCAL_YEAR_RULES:
        return f"看申报前已结束的最近{n}个会计年度（申报当年不计：某年申报的，看此前{n}个年度）"
    return f"自申报之日起往前计算{n}年（含往前第{n}年的同一日），按事件发生或被查处、认定的日期判断"


def _encouraged(data: dict) -> Section:
    items = [Item(e.get("label") or e.get("code"), e.get("article")) for e in data.get("encouraged") or []]
    return Section("encouraged", "鼓励申报", items or [Item("未规定")])


STAGE_FLAGS = {
    "requires_plan_approval": lambda v: f"评审工作方案须报{v.get('body')}批准",
    "supplements_all_at_once": lambda v: "材料需要补正的，一次性告知",
    "checks_abnormal_lists": lambda v: "核查是否列入经营异常名录或严重违法失信名单",
    "return_materials_on_rejection": lambda v: "不予受理的，退还申报材料",
    "feedback_to_not_advanced": lambda v: "向未进入下一环节的单位反馈评审意见",
}


def _stages(data: dict) -> Section:
    items = []
    for stage in data.get("stages") or []:
        code = stage.get("code")
        label = stage.get("name") or STAGE_LABELS.get(code, code)
        details = [Item(f"办理：{ACTOR_LABELS.get(stage.get('actor', 'office'), stage.get('actor'))}")]
        for key in ("publicity", "public_comment", "deadline"):
            window = stage.get(key)
            if window:
                details.append(Item(window_text(window, key, code)))
                if window.get("note"):
                    details.append(Item(window["note"], muted=True))
        for flag, render in STAGE_FLAGS.items():
            value = stage.get(flag)
            if value:
                value = value if isinstance(value, dict) else {}
                details.append(Item(with_article(render(value), value.get("article"))))
        items.append(Item(label, stage.get("article"), details))
    return Section("stages", "评审环节（依次进行）", items, ordered=True)


def _reapply(data: dict) -> Section:
    rep = data.get("reapply_after_award")
    if not rep:
        return Section("reapply", "获奖后再次申报", [Item("办法未限制获奖单位再次申报")])
    if rep["unit"] == "cycles" and rep.get("count") == "after":
        text = f"获奖届次后的第{rep['length']}届起方可再次申报"
    elif rep["unit"] == "cycles":
        text = f"获奖后须间隔{rep['length']}届方可再次申报"
    elif rep.get("unless_declared"):
        text = f"获奖后{rep['length']}年内不得以原获奖成果再次申报；以新的成果申报的，由审查人员判断"
    else:
        text = f"获奖后{rep['length']}年内不得再次申报"
    items = [Item(text, rep.get("article"))]
    if rep.get("text"):
        items.append(Item(f"原文：{rep['text']}", muted=True))
    return Section("reapply", "获奖后再次申报", items)


def _bans(data: dict) -> Section:
    items = []
    for ban in data.get("bans") or []:
        reason = BAN_REASONS.get(ban["reason"], ban["reason"])
        if ban["unit"] == "cycles":
            text = f"{reason}的：今后{ban['length']}届不受理其申报"
        else:
            text = f"{reason}的：{ban['length']}年内不受理其申报"
        details = [Item(f"原文：{ban['text']}", muted=True)] if ban.get("text") else []
        if ban_applies_to(ban) == "applicants":
            scope = "在初审、资格审查、评审、异议等任何环节查实即禁止申报"
        else:
            scope = "随撤销奖励一并禁止申报" + ("；未获奖的申报者被查实的，取消本届资格，不因此禁止申报" if ban["reason"] == "fraud" else "")
        details.insert(0, Item(scope))
        items.append(Item(text, ban.get("article"), details))
    return Section("bans", "禁止申报", items or [Item("未规定")])


def _revocation(data: dict) -> Section:
    items = []
    for rule in data.get("revocation") or []:
        reason = REVOCATION_REASONS.get(rule["reason"], rule["reason"])
        if rule.get("within_years"):
            reason = f"获奖后{rule['within_years']}年内{reason.removeprefix('获奖后')}"
        consequence = "撤销奖励，收回证书、奖牌" + ("和奖金" if rule.get("recover_prize") else "")
        if rule.get("public_notice"):
            consequence += "，并向社会公告"
        items.append(Item(f"{reason}的：{consequence}", rule.get("article")))
    return Section("revocation", "撤销奖励", items or [Item("未规定")])


def _post_award(data: dict) -> Section:
    post = data.get("post_award") or {}
    items = []
    reports = post.get("performance_reports")
    if reports:
        items.append(Item(f"获奖后{reports['years']}年内每年向{reports.get('to')}报送质量绩效报告", reports.get("article")))
    tracking = post.get("tracking")
    if tracking:
        who = BODY_LABELS.get(tracking.get("by"), tracking.get("by"))
        if tracking.get("level"):
            who = f"{LEVEL_LABELS.get(tracking['level'], tracking['level'])}{who}"
        span = f"{tracking['years']}年" if tracking.get("years") else ""
        text = f"由{who}对获奖单位进行{span}跟踪管理"
        details = [Item(tracking["note"], muted=True)] if tracking.get("note") else []
        items.append(Item(text, tracking.get("article"), details))
    for rule in post.get("usage_rules") or []:
        items.append(Item(rule["text"], rule.get("article")))
    return Section("post_award", "获奖后义务", items or [Item("未规定")])


def _prize(data: dict) -> Section:
    prize = data.get("prize") or {}
    categories = data.get("categories") or ["organization"]
    items = []
    for cat in categories:
        value = prize.get(cat)
        text = f"{CATEGORY_LABELS[cat]}：奖金{money(value)}" if value is not None else f"{CATEGORY_LABELS[cat]}：不设奖金"
        items.append(Item(text, prize.get("article")))
    if prize.get("note"):
        items.append(Item(prize["note"], muted=True))
    spending = prize.get("spending")
    if spending:
        text = "奖金用于：" + "、".join(spending.get("uses") or [])
        if spending.get("report_required"):
            text += "；须报告使用情况"
        items.append(Item(text, spending.get("article")))
    return Section("prize", "奖金", items)


def _committee(data: dict) -> Section:
    com = data.get("committee") or {"quorum": "2/3", "majority": "1/2"}
    items = [
        Item(f"到会成员不少于全体成员的{fraction_text(com.get('quorum'))}方可表决", com.get("article")),
        Item(f"赞成票超过到会成员的{fraction_text(com.get('majority'))}方为通过", com.get("article")),
    ]
    if com.get("note"):
        items.append(Item(com["note"], muted=True))
    return Section("committee", "审议表决", items)


def _weights(data: dict) -> Section:
    weights = data.get("composite_weights") or {}
    # stage order, not the stored key order (jsonb sorts keys)
    parts = [f"{STAGE_LABELS[code]} {percent(weights[code])}" for code in STAGE_CODES if code in weights]
    items = [Item("、".join(parts) if parts else "未设定", weights.get("article"))]
    if weights.get("note"):
        items.append(Item(weights["note"], muted=True))
    return Section("composite_weights", "综合评价权重", items)


def _objections(data: dict) -> Section:
    deadline = (data.get("objections") or {}).get("review_deadline") or {"length": 5, "unit": "working_days"}
    text = f"收到异议后{deadline['length']}{UNIT_LABELS.get(deadline['unit'], deadline['unit'])}内完成核查"
    items = [Item(text, deadline.get("article"))]
    if deadline.get("note"):
        items.append(Item(deadline["note"], muted=True))
    return Section("objections", "异议处理", items)


SECTION_BUILDERS = (
    _document, _cycle, _quota, _applicants, _routing, _recommendation, _eligibility, _encouraged, _stages,
    _reapply, _bans, _revocation, _post_award, _prize, _committee, _weights, _objections,
)


def present_ruleset(data: dict) -> list[Section]:
    """Every rule of a ruleset in readable Chinese, in the order a reader of the regulation expects."""
    return [build(data) for build in SECTION_BUILDERS]


# ---------------------------------------------------------------- diff

KEY_LABELS = {
    "document": "文件信息", "number": "文号", "title": "名称", "issuer": "发文机关", "issued": "发布日期",
    "effective_from": "施行日期", "effective_until": "失效日期", "replaces": "废止文件",
    "cycle_years": "评选周期（年）", "cycle": "评选周期", "years": "年数", "alternate_with": "交替评选",
    "region_award_years": "上级奖项评选年度", "quota": "授奖名额", "organization": "组织", "individual": "个人",
    "combined_total": "合计", "vacancy_allowed": "可以空缺", "award_validity_years": "荣誉有效期",
    "categories": "奖项类别", "applicants": "申报主体", "legal_person": "法人组织", "non_legal_person": "非法人组织",
    "branch": "分支机构", "branch_requires_parent_recommendation": "分支机构须推荐", "routing": "报送途径",
    "first": "首先报送", "level": "层级", "alternatives": "其他途径", "recommendation": "推荐", "required": "必须",
    "by": "由谁", "eligibility": "申报条件", "encouraged": "鼓励申报", "stages": "评审环节", "name": "名称",
    "actor": "办理角色", "publicity": "公示期", "public_comment": "征求意见期", "deadline": "办理时限",
    "length": "长度", "unit": "单位", "minimum": "不少于", "reapply_after_award": "获奖后再次申报",
    "bans": "禁止申报", "revocation": "撤销奖励", "within_years": "年限", "recover_prize": "收回奖金",
    "public_notice": "向社会公告", "post_award": "获奖后义务", "performance_reports": "绩效报告",
    "tracking": "跟踪管理", "usage_rules": "称号使用", "prize": "奖金", "spending": "奖金用途",
    "objections": "异议处理", "review_deadline": "核查期限", "committee": "审议表决", "quorum": "法定人数",
    "majority": "通过比例", "composite_weights": "综合评价权重", "criteria": "评审标准", "article": "条款",
    "note": "说明", "text": "原文", "label": "名称", "min": "最低年限", "judgement": "由评审判断",
    **STAGE_LABELS, **REVOCATION_REASONS,
}
VALUE_LABELS = {**UNIT_LABELS, "years": "年", "cycles": "届", True: "是", False: "否", None: "（无）"}


@dataclasses.dataclass(frozen=True)
class Change:
    path: str  # e.g. stages[award_publicity].publicity.length
    label: str  # e.g. 评审环节 › 拟授奖名单公示 › 公示期 › 长度
    old: object
    new: object
    kind: str  # "changed" | "added" | "removed"

    @property
    def old_text(self) -> str:
        return value_text(self.old)

    @property
    def new_text(self) -> str:
        return value_text(self.new)


def value_text(value) -> str:
    if isinstance(value, (bool, type(None))) or (isinstance(value, str) and value in VALUE_LABELS):
        return VALUE_LABELS[value]
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _list_key(item) -> str | None:
    if isinstance(item, dict):
        for key in ("code", "reason"):
            if isinstance(item.get(key), str):
                return item[key]
    return None


def _keyed(items: list) -> dict | None:
    """A list of rules addressed by code/reason, when every item has a distinct one."""
    keys = [_list_key(i) for i in items]
    if all(keys) and len(set(keys)) == len(keys):
        return dict(zip(keys, items))
    return None


def ruleset_diff(old: dict, new: dict) -> list[Change]:
    """Which rules changed between two versions, as readable key paths (leaves only)."""
    changes: list[Change] = []

    def walk(a, b, path: str, labels: list[str]):
        if a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in list(a) + [k for k in b if k not in a]:
                sub = f"{path}.{key}" if path else key
                sub_labels = labels + [KEY_LABELS.get(key, key)]
                if key not in b:
                    changes.append(Change(sub, " › ".join(sub_labels), a[key], None, "removed"))
                elif key not in a:
                    changes.append(Change(sub, " › ".join(sub_labels), None, b[key], "added"))
                else:
                    walk(a[key], b[key], sub, sub_labels)
            return
        if isinstance(a, list) and isinstance(b, list):
            ka, kb = _keyed(a), _keyed(b)
            if ka is not None and kb is not None:
                for key in list(ka) + [k for k in kb if k not in ka]:
                    item = ka.get(key) or kb.get(key)
                    name = item.get("name") or KEY_LABELS.get(key, key) if isinstance(item, dict) else key
                    sub, sub_labels = f"{path}[{key}]", labels + [name]
                    if key not in kb:
                        changes.append(Change(sub, " › ".join(sub_labels), ka[key], None, "removed"))
                    elif key not in ka:
                        changes.append(Change(sub, " › ".join(sub_labels), None, kb[key], "added"))
                    else:
                        walk(ka[key], kb[key], sub, sub_labels)
                if list(ka) != list(kb) and set(ka) == set(kb):
                    changes.append(Change(f"{path}[*]", " › ".join(labels + ["顺序"]), list(ka), list(kb), "changed"))
                return
            if len(a) == len(b) and all(isinstance(x, dict) for x in a + b):
                for i, (x, y) in enumerate(zip(a, b)):
                    walk(x, y, f"{path}[{i}]", labels + [f"第{i + 1}项"])
                return
        changes.append(Change(path, " › ".join(labels), a, b, "changed"))

    walk(old, new, "", [])
    return changes
