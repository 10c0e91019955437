"""Writes for jurisdictions, awards, rulesets and the calendar."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from core import clock
from core.audit import log_action
from core.errors import DomainError

from . import rule_checks
from .models import Award, Body, BodyKind, CalendarOverride, CalendarYear, Jurisdiction, Level, Ruleset
from .rules import validate_ruleset_data

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
SEED_SLUGS = ("nm-chairman", "xam-leader", "erenhot-mayor", "chanhe-head", "tacheng-prefecture")


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def market_regulation_name(jurisdiction: Jurisdiction) -> str:
    return f"{jurisdiction.name}市场监督管理局"


@transaction.atomic
def jurisdiction_tree_load() -> int:
    """Loads the GB/T 2260 divisions the seeds need, each with its market-regulation body. Idempotent."""
    tree = json.loads((SEEDS_DIR / "tree.json").read_text(encoding="utf-8"))
    created = 0
    by_code: dict[str, Jurisdiction] = {}
    for code, name, level, parent in tree["divisions"]:
        obj, was_created = Jurisdiction.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": by_code.get(parent) if parent else None}
        )
        by_code[code] = obj
        created += was_created
        Body.objects.get_or_create(jurisdiction=obj, kind=BodyKind.MARKET_REGULATION, name=market_regulation_name(obj))
    for code, names in tree["industry_departments"].items():
        for name in names:
            Body.objects.get_or_create(jurisdiction=by_code[code], kind=BodyKind.INDUSTRY_DEPARTMENT, name=name,
                                       defaults={"industry": name})
    return created


@transaction.atomic
def jurisdiction_add(*, code: str, name: str, parent: Jurisdiction, actor=None) -> Jurisdiction:
    """Grows the tree: a six-digit code under its parent's prefix (GB/T 2260)."""
    if not (len(code) == 6 and code.isdigit()):
        raise DomainError("行政区划代码必须是6位数字。", field="code")
    prefix = parent.code[:2] if parent.level == Level.PROVINCE else parent.code[:4]
    if not code.startswith(prefix) or code == parent.code:
        raise DomainError(f"代码 {code} 不在上级 {parent.name}（{parent.code}）的代码段 {prefix}xxxx 内。", field="code")
    if Jurisdiction.objects.filter(code=code).exists():
        raise DomainError(f"行政区划代码 {code} 已存在。", field="code")
    level = Level.PREFECTURE if parent.level == Level.PROVINCE else Level.COUNTY
    obj = Jurisdiction.objects.create(code=code, name=name, level=level, parent=parent)
    Body.objects.create(jurisdiction=obj, kind=BodyKind.MARKET_REGULATION, name=market_regulation_name(obj))
    log_action("jurisdiction.add", actor=actor, obj=obj, jurisdiction_code=parent.code, role="admin")
    return obj


def seed_ruleset_data(slug: str) -> dict:
    return json.loads((SEEDS_DIR / f"{slug}.json").read_text(encoding="utf-8"))


@transaction.atomic
def award_load_seed(*, slug: str) -> Award:
    """Creates the award, its office and committee bodies and ruleset version 1 from the seed. Idempotent:
    an existing award keeps its versions (staff edits are never overwritten)."""
    data = seed_ruleset_data(slug)
    info = data["award"]
    jurisdiction = Jurisdiction.objects.get(code=info["jurisdiction"])
    office, _ = Body.objects.get_or_create(jurisdiction=jurisdiction, kind=BodyKind.AWARD_OFFICE, name=info["office"])
    committee, _ = Body.objects.get_or_create(jurisdiction=jurisdiction, kind=BodyKind.COMMITTEE, name=info["committee"])
    award, _ = Award.objects.get_or_create(
        slug=slug, defaults={"jurisdiction": jurisdiction, "name": info["name"], "office": office, "committee": committee}
    )
    if not award.rulesets.exists():
        _ruleset_create(award=award, data=data, version=1, note="依据原文初始录入", actor=None)
    return award


def _ruleset_create(*, award: Award, data: dict, version: int, note: str, actor, save_reason: str = "",
                    broken_cases: list | None = None) -> Ruleset:
    problems = validate_ruleset_data(data)
    if problems:
        raise DomainError("规则有误：" + "；".join(problems), code="invalid_ruleset")
    doc = data["document"]
    ruleset = Ruleset.objects.create(
        award=award,
        version=version,
        document_number=doc["number"],
        issued=_date(doc.get("issued")),
        effective_from=_date(doc.get("effective_from")),
        effective_until=_date(doc.get("effective_until")),
        data=data,
        note=note,
        save_reason=save_reason,
        broken_cases=broken_cases or [],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit = {"version": version, "note": note}
    if broken_cases:
        audit.update(save_reason=save_reason, broken_cases=[b["name"] for b in broken_cases])
    log_action("ruleset.create", actor=actor, obj=ruleset, role="office" if actor else "",
               jurisdiction_code=award.jurisdiction.code, data=audit)
    return ruleset


def ruleset_save_new_version(*, award: Award, data: dict, note: str, actor, save_reason: str = "") -> Ruleset:
    """Editing a ruleset makes a new version; cycles already open keep the version they opened under.

    Before saving, every rule case of the award is run on the candidate (the checkers publicity registers in
    rule_checks). A version that breaks a case that holds today is refused (RulesetBreaksCases, listing them)
    unless `save_reason` says why it is saved anyway; the reason and the broken cases are recorded on it.
    The cases run before the transaction: each runs in a rolled-back world of its own, and inside a longer
    transaction their audit entries would hold the audit log's lock for the whole run."""
    last = award.rulesets.order_by("-version").first()
    if last is not None and last.data == data:
        raise DomainError("规则没有任何改动，无需保存新版本。", code="unchanged")
    problems = validate_ruleset_data(data)
    if problems:
        raise DomainError("规则有误：" + "；".join(problems), code="invalid_ruleset")
    broken = rule_checks.broken_cases(award=award, data=data)
    reason = save_reason.strip()
    if broken and not reason:
        raise rule_checks.RulesetBreaksCases(broken)
    with transaction.atomic():
        Award.objects.select_for_update().get(pk=award.pk)  # serialise version numbers
        last = award.rulesets.order_by("-version").first()
        if last is not None and last.data == data:
            raise DomainError("规则没有任何改动，无需保存新版本。", code="unchanged")
        return _ruleset_create(award=award, data=data, version=(last.version + 1 if last else 1), note=note, actor=actor,
                               save_reason=reason if broken else "", broken_cases=broken)


@transaction.atomic
def load_all_seeds() -> list[Award]:
    jurisdiction_tree_load()
    return [award_load_seed(slug=slug) for slug in SEED_SLUGS]


@transaction.atomic
def calendar_override_set(*, day: dt.date, is_working: bool, name: str, source: str, actor) -> CalendarOverride:
    if not source.strip():
        raise DomainError("请填写依据文件（如国务院办公厅关于某年部分节假日安排的通知）。", field="source")
    obj, _ = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_working": is_working, "name": name, "source": source, "created_by": actor}
    )
    log_action("calendar.override", actor=actor, obj=obj, role="office",
               data={"day": day.isoformat(), "is_working": is_working, "source": source})
    return obj


@transaction.atomic
def calendar_year_declare(*, year: int, source: str, actor) -> CalendarYear:
    """Staff confirm every holiday and make-up day of `year` has been entered from its notice."""
    if not source.strip():
        raise DomainError("请填写依据文件。", field="source")
    if not CalendarOverride.objects.filter(day__year=year).exists():
        raise DomainError(f"{year} 年尚未录入任何节假日或调休日，请先逐日录入通知中的安排。", field="year")
    obj, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    log_action("calendar.declare_year", actor=actor, obj=obj, role="office", data={"year": year, "source": source})
    return obj


def today():
    return clock.today()
