"""A complete cycle per seed award: every stage its ruleset names, in order, by the right roles, windows as
the regulation says, winners within the quota (simulate_cycle drives the same services as UI and API)."""
import datetime as dt
import json

import pytest
from django.core.management import call_command

from awards.models import Application, Grant, StageEvent, Status
from awards.simulation import simulate_cycle
from jurisdictions.models import Award
from jurisdictions.rules import Rules
from publicity.models import Notice

pytestmark = pytest.mark.django_db

EXPECTED = {
    "nm-chairman": {"windows": {"pre_check": (5, "working_days"), "qualification_review": (5, "working_days"), "award_publicity": (5, "working_days")}},
    "xam-leader": {"windows": {"pre_check": (5, "working_days"), "qualification_review": (5, "working_days"), "award_publicity": (5, "working_days")}},
    "erenhot-mayor": {"windows": {"announcement": (10, "working_days"), "composite_evaluation": (30, "working_days"), "award_publicity": (7, "working_days")}},
    "chanhe-head": {"windows": {"award_publicity": (7, "calendar_days")}},
    "tacheng-prefecture": {"windows": {"pre_check": (5, "working_days"), "qualification_review": (5, "working_days"), "award_publicity": (5, "working_days")}},
}


@pytest.mark.parametrize("slug", list(EXPECTED))
def test_complete_cycle(slug):
    out = simulate_cycle(slug, applicants=10, seed=3)
    award = Award.objects.get(slug=slug)
    rules = Rules(award.rulesets.get(version=out["ruleset_version"]).data)
    # every stage, in the ruleset's order
    assert [t["stage"] for t in out["timeline"]] == rules.stage_codes
    # windows as the regulation says, computed on the working-day calendar
    for stage, (length, unit) in EXPECTED[slug]["windows"].items():
        notice = next(t["notice"] for t in out["timeline"] if t["stage"] == stage)
        assert (notice["length"], notice["unit"]) == (length, unit), stage
    # every winner walked every application stage in order, each move by its role
    winners = Grant.objects.filter(award=award, cycle_id=out["cycle"]["id"])
    assert 1 <= winners.count() <= (rules.quota_total or sum(rules.quota(c) for c in rules.categories))
    for category in rules.categories:
        assert winners.filter(category=category).count() <= rules.quota(category)
    stages_walked = [s.code for s in rules.application_stages()]
    for grant in winners:
        events = list(StageEvent.objects.filter(application=grant.application).order_by("at", "pk"))
        visited = []
        for e in events:
            if e.to_stage not in visited:
                visited.append(e.to_stage)
        assert visited == [s for s in stages_walked if s not in ("internal_publicity", "filing")][: len(visited)]
        assert visited[-1] == "commendation"
        for e in events:
            stage = rules.stage(e.from_stage)
            if e.action in ("approve", "advance") and e.from_stage not in ("deliberation",):
                assert e.role == stage.actor, (e.action, e.from_stage, e.role)
            if e.action == "close_publicity":
                assert e.role == "system" and e.actor is None and e.data["notice"]
    assert {w["name"] for w in out["winners"]} == {g.applicant.name for g in winners}


def test_window_close_is_the_right_day_across_the_holiday_for_chanhe_calendar_days():
    out = simulate_cycle("chanhe-head", applicants=6, seed=5, start=dt.date(2025, 9, 1))
    notice = next(t["notice"] for t in out["timeline"] if t["stage"] == "award_publicity")
    first, last = dt.date.fromisoformat(notice["first_day"]), dt.date.fromisoformat(notice["last_day"])
    assert (last - first).days == 6  # 瀍河 第十九条: 公示期7天 (calendar days, opening day is day 1)


def test_simulate_cycle_command_prints_the_contract_json(capsys, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    call_command("simulate_cycle", "tacheng-prefecture", "--applicants", "6", "--seed", "2", "--json")
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["award"] == "tacheng-prefecture" and data["winners"]
    from tests.test_contract import CHECKER as checker
    if checker.exists():
        path = tmp_path / "sim.json"
        path.write_text(out, encoding="utf-8")
        # the simulate shape only: the server part is checked in tests/test_contract.py
        result = subprocess.run([sys.executable, "-c", f"import sys, json; sys.argv=['x']; exec(open({str(checker)!r}).read().replace('if __name__ == \"__main__\":', 'if False:')); check_simulation({str(path)!r}); print(problems)"],
                                capture_output=True, text=True)
        assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_panels_dissolve_when_the_review_ends_and_reviewers_lose_access():
    from review.models import ApplicationUserObjectPermission, Panel

    out = simulate_cycle("xam-leader", applicants=8, seed=2)
    cycle_id = out["cycle"]["id"]
    assert Panel.objects.filter(cycle_id=cycle_id).exists()
    assert not Panel.objects.filter(cycle_id=cycle_id, dissolved_at__isnull=True).exists()  # 兴安盟 第九条
    assert not ApplicationUserObjectPermission.objects.filter(content_object__cycle_id=cycle_id,
                                                              permission__codename="view_application").exists()
