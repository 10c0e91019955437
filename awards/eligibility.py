"""The eligibility engine: every rule of the ruleset against the declaration, the award history and the
ban registry. Each result carries its article; a rule is passed, failed (with why) or needs a staff
judgement. Pure except for the history lookups."""
from __future__ import annotations

import dataclasses
import datetime as dt

from core.period import Period
from jurisdictions.rules import Rules

PASS, FAIL, JUDGEMENT = "pass", "fail", "judgement"
OUTCOME_LABELS = {PASS: "符合", FAIL: "不符合", JUDGEMENT: "需人工审核"}

# Declared yes/no facts: the key in the declaration and the answer that passes.
DECLARED = {
    "policy_compliance": ("policy_compliance", True),
    "licences": ("licences", True),
    "tax_paid_locally": ("tax_paid_locally", True),
    "good_credit": ("good_credit", True),
    "no_state_secrets": ("contains_state_secrets", False),
}
# "近N年无X" (no X in the last N years): the declaration lists the DATES on which X happened (ISO dates); the
# window is the N years before the submission date, both ends counted (from D minus N years to D: the rule-case
# contract's counting section, core.period.Period). Code → (key of the dates, the key declarations filed before
# dates were asked used for the years, what happened).
DATES_FREE = {
    "no_accidents_years": ("accident_dates", "accident_years", "发生事故"),
    "no_violations_years": ("violation_dates", "violation_years", "有违法违规记录"),
    "no_tax_social_insurance_violations_years": ("tax_violation_dates", "tax_violation_years", "税收、社保存在严重违法行为"),
    "no_award_fraud_years": ("award_fraud_dates", "award_fraud_years", "参加政府奖项评定存在弄虚作假"),
    "no_major_complaints_years": ("complaint_dates", "complaint_years", "有重大质量投诉"),
    "employer_no_accidents_years": ("employer_accident_dates", "employer_accident_years", "任职组织发生重大事故"),
}
# "最近N年未发生经营性亏损": losses are counted per fiscal year (in China the calendar year), over the last N
# fiscal years closed before the submission; the declaration lists the fiscal years that closed with a loss.
FISCAL_YEARS_FREE = {
    "no_losses_years": ("loss_years", "出现经营性亏损"),
}
FISCAL_YEAR_END = (12, 31)  # 会计年度自公历1月1日起至12月31日止（《会计法》第十一条）


@dataclasses.dataclass(frozen=True)
class EligibilityResult:
    code: str
    text: str
    article: str | None
    outcome: str
    why: str = ""

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def whole_years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end`: a year is complete on its last day, as Period counts it (from
    29 February, on 28 February)."""
    years = end.year - start.year
    if years > 0 and Period(years, "years").after(start) > end:
        years -= 1
    return years


def window_start(years: int, on: dt.date) -> dt.date:
    """The first day of "近N年" before a submission on `on` (the same date N years earlier; from 29 February,
    28 February): an event on that day or later, up to `on`, is inside."""
    return Period(years, "years").before(on)


def closed_fiscal_years(n: int, on: dt.date) -> list[int]:
    """The last `n` fiscal years closed before `on`: a fiscal year is closed when its last day is before `on`
    (a submission on 1 January looks at the year that ended the day before; one on 31 December does not)."""
    last = on.year if dt.date(on.year, *FISCAL_YEAR_END) < on else on.year - 1
    return list(range(last - n + 1, last + 1))


def read_dates(values) -> tuple[list[dt.date], list[str]]:
    """A declared list of dates: the dates read, and the entries that are no date (kept for staff to see)."""
    dates, unreadable = [], []
    for value in values or []:
        if isinstance(value, dt.date):
            dates.append(value)
            continue
        try:
            dates.append(dt.date.fromisoformat(str(value).strip()))
        except ValueError:
            unreadable.append(str(value))
    return sorted(set(dates)), unreadable


def read_years(values) -> tuple[list[int], list[str]]:
    years, unreadable = [], []
    for value in values or []:
        try:
            year = int(str(value).strip())
        except ValueError:
            year = None
        if year is not None and dt.MINYEAR <= year <= dt.MAXYEAR:
            years.append(year)
        else:
            unreadable.append(str(value))
    return sorted(set(years)), unreadable


def declaration_problems(declaration: dict) -> dict[str, str]:
    """Entries of the date and fiscal-year lists that cannot be read, by key, in words an applicant reads
    (for an interface that takes a declaration as data, such as the API)."""
    problems = {}
    for key, _legacy, _what in DATES_FREE.values():
        values = declaration.get(key)
        if values is None:
            continue
        if not isinstance(values, list):
            problems[key] = "须是日期列表（YYYY-MM-DD），如无则为空列表。"
            continue
        _dates, bad = read_dates(values)
        if bad:
            problems[key] = f"“{'、'.join(bad)}”不是有效日期，请按 YYYY-MM-DD 填写，例如 2024-06-01。"
    for key, _what in FISCAL_YEARS_FREE.values():
        values = declaration.get(key)
        if values is None:
            continue
        if not isinstance(values, list):
            problems[key] = "须是会计年度（四位年份）列表，如无则为空列表。"
            continue
        _years, bad = read_years(values)
        if bad:
            problems[key] = f"“{'、'.join(bad)}”不是有效的会计年度，请填写四位年份，例如 2024。"
    return problems


def _dates_free(rule: dict, key: str, legacy_key: str, what: str, declaration: dict, on: dt.date):
    """(outcome, why) of "近N年无X". Declarations filed before dates were asked list years under `legacy_key`:
    a year wholly inside the window fails, one wholly before it passes, and one the window starts in may or may
    not be inside: that one is left to staff, never passed silently."""
    years = rule["years"]
    start = window_start(years, on)
    span = f"近 {years} 年（{start:%Y-%m-%d} 至 {on:%Y-%m-%d}）"
    if key in declaration or legacy_key not in declaration:
        dates, unreadable = read_dates(declaration.get(key))
        hits = [d for d in dates if start <= d <= on]
        if hits:
            return FAIL, f"{'、'.join(f'{d:%Y-%m-%d}' for d in hits)} {what}，在{span}内"
        if unreadable:
            return JUDGEMENT, f"申报的日期“{'、'.join(unreadable)}”无法识别，由审查人员核实是否在{span}内"
        return PASS, ""
    legacy, unreadable = read_years(declaration.get(legacy_key))
    inside = [y for y in legacy if dt.date(y, 1, 1) >= start]
    straddling = [y for y in legacy if dt.date(y, 1, 1) < start <= dt.date(y, 12, 31)]
    if inside:
        return FAIL, f"{'、'.join(map(str, inside))} 年{what}，在{span}内"
    if straddling or unreadable:
        shown = "、".join([*map(str, straddling), *unreadable])
        return JUDGEMENT, f"申报表只填写了年份（{shown} 年{what}），无法判断是否在{span}内，由审查人员核实具体日期"
    return PASS, ""


def _fiscal_years_free(rule: dict, key: str, what: str, declaration: dict, on: dt.date):
    closed = closed_fiscal_years(rule["years"], on)
    span = f"最近 {rule['years']} 个已结束的会计年度（{closed[0]}—{closed[-1]} 年度）"
    years, unreadable = read_years(declaration.get(key))
    hits = [y for y in years if y in closed]
    if hits:
        return FAIL, f"{'、'.join(map(str, hits))} 年度{what}，在{span}内"
    if unreadable:
        return JUDGEMENT, f"申报的年度“{'、'.join(unreadable)}”无法识别，由审查人员核实"
    return PASS, ""


def out_of_scope(rule: dict, declaration: dict) -> str:
    """Why a rule does not apply to this applicant ("" when it does): a rule's `applies_to` names the declared
    facts it is limited to, e.g. {"declared": {"non_profit": false}, "text": "从事生产、服务经营活动的组织"}. An
    undeclared fact counts as false (the default applicant is no non-profit)."""
    scope = rule.get("applies_to") or {}
    for key, wanted in (scope.get("declared") or {}).items():
        if bool(declaration.get(key, False)) != bool(wanted):
            return f"本条只适用于{scope.get('text') or '特定申报主体'}，不适用于本申报主体"
    return ""


def evaluate_rule(rule: dict, *, applicant, declaration: dict, on: dt.date, award_jurisdiction) -> EligibilityResult:
    code, text, article = rule["code"], rule.get("text", rule["code"]), rule.get("article")

    def result(outcome, why=""):
        return EligibilityResult(code, text, article, outcome, why)

    if not_applicable := out_of_scope(rule, declaration):
        return result(PASS, not_applicable)
    if rule.get("judgement"):
        return result(JUDGEMENT, "由审查人员依据申报材料判断")
    if code == "registered_in_jurisdiction":
        inside = applicant.county.is_within(award_jurisdiction)
        return result(PASS if inside else FAIL, "" if inside else f"登记地 {applicant.county.name} 不在 {award_jurisdiction.name} 行政区域内")
    if code == "independent_legal_person":
        ok = applicant.legal_form == "legal_person"
        return result(PASS if ok else FAIL, "" if ok else "申报主体不具有独立法人资格")
    if code == "years_of_operation":
        if not applicant.registration_date:
            return result(FAIL, "未填写登记注册日期")
        years = whole_years_between(applicant.registration_date, on)
        minimum = rule["min"]
        if declaration.get("new_economy") and rule.get("new_economy_min") is not None:
            minimum = rule["new_economy_min"]
        ok = years >= minimum
        return result(PASS if ok else FAIL, f"已正常经营 {years} 年，要求 {minimum} 年以上")
    if code in ("quality_system_years", "quality_work_years"):
        years = applicant.quality_work_years if code == "quality_work_years" else declaration.get("quality_system_years")
        if years is None:
            return result(FAIL, "未填写年限")
        ok = int(years) >= rule["min"]
        return result(PASS if ok else FAIL, f"{years} 年，要求 {rule['min']} 年以上")
    if code == "not_on_abnormal_lists":
        listed = [name for key, name in (("on_abnormal_list", "经营异常名录"), ("on_serious_violation_list", "严重违法失信名单"))
                  if declaration.get(key)]
        return result(FAIL if listed else PASS, "列入" + "、".join(listed) if listed else "")
    if code in DATES_FREE:
        key, legacy_key, what = DATES_FREE[code]
        if code == "employer_no_accidents_years" and not declaration.get("is_top_manager"):
            return result(PASS, "申报人不是组织最高管理者，本条不适用")
        return result(*_dates_free(rule, key, legacy_key, what, declaration, on))
    if code in FISCAL_YEARS_FREE:
        key, what = FISCAL_YEARS_FREE[code]
        return result(*_fiscal_years_free(rule, key, what, declaration, on))
    if code in DECLARED:
        key, passing = DECLARED[code]
        if key not in declaration:
            return result(JUDGEMENT, "申报表未作声明")
        ok = bool(declaration[key]) == passing
        return result(PASS if ok else FAIL, "" if ok else "申报声明不符合本条")
    return result(JUDGEMENT, "由审查人员判断")


def evaluate(*, rules: Rules, applicant, category: str, declaration: dict, on: dt.date, award,
             cycle_number: int | None = None, history: bool = True) -> list[EligibilityResult]:
    """Every eligibility rule for an application to cycle `cycle_number` of the award (the cycle filed into;
    None only where no cycle is named, which means the next one to open). `history=False` leaves out the
    gaps and bans (a page judging several cycles asks history_results per cycle)."""
    results = [
        evaluate_rule(rule, applicant=applicant, declaration=declaration, on=on, award_jurisdiction=award.jurisdiction)
        for rule in rules.eligibility
        if rule.get("category") in (None, category)
    ]
    if history:
        results.extend(history_results(rules=rules, applicant=applicant, award=award, on=on, cycle_number=cycle_number,
                                       declaration=declaration))
    return results


def history_results(*, rules: Rules, applicant, award, on: dt.date, cycle_number: int | None = None,
                    grants=None, bans=None, declaration: dict | None = None) -> list[EligibilityResult]:
    """Re-application gap after winning and bans (imported history counts the same as history made here),
    judged for cycle `cycle_number`: the cycle the application is filed into. Without one, the next cycle to
    open (latest + 1)."""
    from .models import Ban, Cycle, Grant

    out: list[EligibilityResult] = []
    gap = rules.reapply_after_award
    if cycle_number is None:
        last = Cycle.objects.filter(award=award).order_by("-number").values_list("number", flat=True).first()
        cycle_number = (last or 0) + 1
    if grants is None:  # the applicant's titles and bans at this award, unless the caller read them already
        grants = Grant.objects.filter(applicant=applicant, award=award, revoked_on__isnull=True)
    if bans is None:
        bans = Ban.objects.filter(applicant=applicant, award=award)
    for grant in grants:
        if not gap:
            continue
        period = Period.from_rule(gap)
        if not period.in_cycles:
            # The day of the award is not counted (民法典 第二百零一条): the gap's last day is the same date N years on.
            last_day = period.after(grant.awarded_on)
            blocked = on <= last_day
            why = f"{grant.year} 年获奖，{period}内不得再次申报（{last_day + dt.timedelta(days=1):%Y-%m-%d} 起可申报）"
        else:
            first_allowed = first_cycle_allowed(grant.cycle_number, gap)
            blocked = cycle_number < first_allowed
            why = f"第 {grant.cycle_number} 届获奖，第 {first_allowed} 届起可再次申报，本届为第 {cycle_number} 届"
        if blocked and gap.get("unless_declared") and (declaration or {}).get(gap["unless_declared"]):
            # the bar is on the achievements it won with, not on the applicant (塔城 第十条 不得以原获奖成果再次申报):
            # an applicant declaring new ones is judged by the checkers, not refused
            out.append(EligibilityResult("reapply_after_award", gap.get("text", "获奖后再次申报间隔"), gap.get("article"), JUDGEMENT,
                                         f"{why}；申报单位声明以新的成果申报，由审查人员判断"))
        elif blocked:
            out.append(EligibilityResult("reapply_after_award", gap.get("text", "获奖后再次申报间隔"), gap.get("article"), FAIL, why))
    for ban in bans:
        if ban.ends_on is not None and on <= ban.ends_on:
            out.append(EligibilityResult("ban", "禁止申报", ban.article, FAIL, f"因{ban.reason}被禁止申报至 {ban.ends_on:%Y-%m-%d}"))
        elif ban.through_cycle_number is not None and cycle_number <= ban.through_cycle_number:
            out.append(EligibilityResult("ban", "禁止申报", ban.article, FAIL, f"因{ban.reason}第 {ban.through_cycle_number} 届及以前不受理申报"))
    return out


def first_cycle_allowed(won_in: int, gap: dict) -> int:
    """The first cycle a winner of cycle `won_in` may file in again, for a gap counted in cycles:
    "间隔N届" ("count": "between", the default) leaves N cycles between, so n+N+1; "于N届以后" ("count":
    "after") starts at the N-th cycle after, so n+N."""
    return won_in + gap["length"] + (0 if gap.get("count") == "after" else 1)


def blocking(results: list[EligibilityResult]) -> list[EligibilityResult]:
    return [r for r in results if r.outcome == FAIL]
