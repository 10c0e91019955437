"""Running rule cases: each in a world of its own, rolled back when it ends, with the business clock at each
step's time; every expectation of every step compared with what the product did."""
from __future__ import annotations

import datetime as dt
import json
import traceback
from pathlib import Path

from django.db import transaction

from core import clock
from core.errors import DomainError

from . import verbs
from .schema import Case, Malformed, Step, collect, parse_file
from .world import World

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "jurisdictions" / "seeds" / "cases"


def shipped_files() -> list[Path]:
    """The cases the product ships, one file per award (`--all`)."""
    return sorted(SHIPPED_DIR.glob("*.json")) if SHIPPED_DIR.is_dir() else []


def _award_exists(slug: str) -> bool:
    from jurisdictions.models import Award

    return Award.objects.filter(slug=slug).exists()


def load(paths: list[Path]) -> list[Case]:
    """Every case of the files and folders named, checked before anything runs (Malformed otherwise)."""
    return [case for path in collect(paths) for case in parse_file(path, award_exists=_award_exists)]


def plain(value):
    """JSON-ready: dates as YYYY-MM-DD."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---- one step -----------------------------------------------------------------------------------------------
def _default_ok(step: Step) -> bool:
    expect = step.expect or {}
    if "ok" in expect:
        return expect["ok"]
    return not ("article" in expect and step.do != "check_eligibility")


def _per_name(value: dict, read) -> dict:
    return {name: read(name) for name in value}


def run_step(world: World, step: Step) -> dict:
    crash = None
    try:
        with transaction.atomic():  # a refused or failed step leaves nothing half done
            outcome = verbs.VERBS[step.do](world, step)
    except DomainError as exc:
        outcome = verbs.Outcome.refused(exc)
    except Malformed:
        raise
    except Exception as exc:  # noqa: BLE001 - a crash fails the step, whatever was expected
        outcome = verbs.Outcome(False, f"{type(exc).__name__}: {exc}")
        crash = traceback.format_exc(limit=8)
    if crash or not outcome.ok:
        world.forget_rolled_back()
    expected = step.expect or {}
    got: dict = {"ok": None if crash else outcome.ok}
    checks: list[bool] = [crash is None, (not crash) and outcome.ok == _default_ok(step)]
    article = outcome.error.article if outcome.error is not None else None
    if step.do == "check_eligibility" and outcome.ok:
        got["failing"] = outcome.extra.get("failing", [])
        got["articles"] = outcome.extra.get("articles", [])
        article = "、".join(a for a in got["articles"] if a) or None
    try:
        names = step.names
        if names:
            states = {n: verbs.state_of(world, n) for n in names}
            if len(names) == 1:
                got["stage"], got["status"] = states[names[0]]
            else:
                got["stage"] = {n: s[0] for n, s in states.items()}
                got["status"] = {n: s[1] for n, s in states.items()}
            for key, position in (("stage", 0), ("status", 1)):
                if key in expected:
                    checks.append(all(states[n][position] == expected[key] for n in names))
        if "article" in expected:
            if step.do == "check_eligibility":
                checks.append(any(expected["article"] in a for a in got.get("articles", [])))
            else:
                checks.append(bool(article) and expected["article"] in article)
        if "failing" in expected:
            checks.append(set(got.get("failing", [])) == set(expected["failing"]))
        readers = {"banned_until": verbs.banned_until, "eligible_from_cycle": verbs.eligible_from_cycle,
                   "valid_until": verbs.valid_until}
        for key, read in readers.items():
            if key in expected:
                got[key] = _per_name(expected[key], lambda n, read=read: read(world, n))
                checks.append(got[key] == expected[key])
        if "passed" in expected:
            got["passed"] = {n: outcome.extra.get("passed", {}).get(n) for n in expected["passed"]}
            checks.append(got["passed"] == expected["passed"])
        if "winners" in expected:
            got["winners"] = outcome.extra.get("winners", [])
            checks.append(sorted(got["winners"]) == sorted(expected["winners"]))
    except Exception as exc:  # noqa: BLE001 - reading the state crashed: the step fails
        crash = crash or traceback.format_exc(limit=8)
        checks.append(False)
        outcome.message = outcome.message or f"{type(exc).__name__}: {exc}"
    if crash:
        got["crash"] = crash
    return {"index": step.index, "do": step.do, "ok": got["ok"], "article": article,
            "code": outcome.error.code if outcome.error is not None else None, "message": outcome.message,
            "passed": all(checks), "expected": plain(step.expect if step.expect is not None else {"ok": True}),
            "got": plain(got)}


# ---- one case -----------------------------------------------------------------------------------------------
def run_case(case: Case, *, ruleset_data: dict | None = None) -> dict:
    """Runs the case in a world of its own and rolls that world back: nothing of it stays in the database.
    `ruleset_data`: a ruleset version not saved yet, run as the award's newest version."""
    result = {"file": case.file, "name": case.name, "award": case.award, "passed": False, "steps": []}
    world = None
    with transaction.atomic():
        try:
            with clock.frozen_at(case.steps[0].moment):
                try:
                    world = World(case, ruleset_data=ruleset_data)
                    world.enter_calendar()
                except (Malformed, KeyboardInterrupt):
                    raise
                except Exception as exc:  # noqa: BLE001 - the world could not be built: the case fails at its first step
                    result["steps"].append({
                        "index": 0, "do": case.steps[0].do, "ok": None, "article": getattr(exc, "article", None),
                        "code": getattr(exc, "code", None), "message": f"用例准备失败：{getattr(exc, 'message', exc)}",
                        "passed": False, "expected": plain(case.steps[0].expect or {"ok": True}),
                        "got": {"ok": None, "crash": traceback.format_exc(limit=8)}})
                    return result
                case_clock = case.steps[0].moment
                for step in case.steps:
                    if step.moment < case_clock:
                        raise Malformed(case.file, case.name, f"steps[{step.index}].on",
                                        f"用例的时钟已被演练推进到 {case_clock.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}，"
                                        f"本步的时间 {step.moment:%Y-%m-%d %H:%M} 早于它")
                    clock.set_now(step.moment)
                    result["steps"].append(run_step(world, step))
                    case_clock = max(case_clock, clock.now())
            result["passed"] = all(s["passed"] for s in result["steps"])
            return result
        finally:
            if world is not None:
                for field_file in world.stored_files:  # the rollback takes back the rows, not the stored files
                    try:
                        field_file.storage.delete(field_file.name)
                    except Exception:  # noqa: BLE001 - a file already gone is fine
                        pass
            transaction.set_rollback(True)


def run(cases: list[Case]) -> dict:
    results = [run_case(c) for c in cases]
    passed = sum(1 for r in results if r["passed"])
    return {"cases": results, "passed": passed, "failed": len(results) - passed}


# ---- output -------------------------------------------------------------------------------------------------
def _brief(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def text_report(report: dict) -> str:
    lines = []
    for case in report["cases"]:
        mark = "✓" if case["passed"] else "✗"
        line = f"{mark} {case['name']}（{case['award']}）"
        failing = next((s for s in case["steps"] if not s["passed"]), None)
        if failing is not None:
            got = {k: v for k, v in failing["got"].items() if k != "crash"}
            line += (f"：steps[{failing['index']}] {failing['do']} 期望 {_brief(failing['expected'])}，实际 {_brief(got)}"
                     + (f"（{failing['message']}）" if failing["message"] else ""))
        lines.append(line)
    lines.append(f"{report['passed']} passed, {report['failed']} failed")
    return "\n".join(lines)
