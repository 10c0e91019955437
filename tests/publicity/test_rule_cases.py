"""Rule cases (规则用例, ../shared/contract/rule-cases.md): the file format, the command's output and exit
status, the isolation of each case, and every shared example and every case the product ships, run through
the product. A case that fails because of a known defect (issue #15) is marked xfail(strict) with that
defect: fixing the defect makes the mark fail, and the mark is then removed."""
import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from publicity import rulecases

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _contract_dir() -> Path | None:
    """The shared examples: $RULE_CASES_CONTRACT_DIR, or shared/contract/rule-cases beside the checkout."""
    if os.environ.get("RULE_CASES_CONTRACT_DIR"):
        return Path(os.environ["RULE_CASES_CONTRACT_DIR"])
    for parent in ROOT.parents:
        candidate = parent / "shared" / "contract" / "rule-cases"
        if candidate.is_dir():
            return candidate
    return None


CONTRACT = _contract_dir()

# (file stem, case name) → the product defect that makes the case fail today, from issue #15.
DEFECTS = {
    # shared examples
    # 兴安盟
    ("xam-leader", "公示期内提出的异议应予接收：审查期限跨入日历尚未收录的年度时也不得拒收"):
        "#15 defect 8: an objection inside an open window is refused when its review date falls in an unknown year",
    # 内蒙古
    ("nm-chairman", "每届授奖总数不超过5个：审议结果超过名额的不能作为拟授奖名单"):
        "#15 defect 7: the quota is checked only at 表彰, not when the committee result is applied",
    # 二连浩特
    ("erenhot-mayor", "组织授奖名额1个：审议通过两个组织的，不能形成拟授奖名单"):
        "#15 defect 7: the quota is checked only at 表彰, not when the committee result is applied",
    # 瀍河
    ("chanhe-head", "每届名额不超过5个：审议表决通过6个的，不能形成拟奖名单"):
        "#15 defect 7: the quota is checked only at 表彰, not when the committee result is applied",
    # 塔城
    ("tacheng-prefecture", "获奖建议名单由领导小组成员单位投票产生：一个成员单位一票"):
        "#15 defect 6: 塔城 第二十二条 votes are counted per login, not per member unit",
    ("tacheng-prefecture", "异议须提供相应证明：没有证明材料的异议不予受理"):
        "#15 defect 11: an objection without its 相应证明 is accepted",
    ("tacheng-prefecture", "质量奖名额每届不超过3个组织：投票产生4个的，不能形成获奖建议名单"):
        "#15 defect 7: the quota is checked only at 表彰, not when the committee result is applied",
}


def _params(files):
    out = []
    for path in files:
        for case in rulecases.parse_file(path):
            reason = DEFECTS.get((path.stem, case.name))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(case, id=f"{path.stem}::{case.name}", marks=marks))
    return out


SHIPPED = rulecases.shipped_files()
SHARED = sorted(CONTRACT.glob("*.json")) if CONTRACT else []


@pytest.fixture(autouse=True)
def _criteria():
    """Review rehearsals score on the built-in criteria (a transactional test elsewhere may have flushed them)."""
    from review.models import CriteriaSet
    from review.services import criteria_load_builtin

    if CriteriaSet.objects.filter(builtin=True).count() < 3:
        criteria_load_builtin()


def _check(case):
    report = rulecases.run_case(case)
    assert report["passed"], rulecases.text_report({"cases": [report], "passed": 0, "failed": 1})


# ---- every shared example and every shipped case ----------------------------------------------------------
@pytest.mark.skipif(not SHARED, reason="shared/contract/rule-cases not found beside the checkout (set RULE_CASES_CONTRACT_DIR)")
@pytest.mark.parametrize("case", _params(SHARED) or [None])
def test_shared_example(case):
    _check(case)


@pytest.mark.parametrize("case", _params(SHIPPED))
def test_shipped_case(case):
    _check(case)


def test_every_seed_award_ships_cases_citing_its_articles():
    from jurisdictions.services import SEED_SLUGS

    by_award = {path.stem: rulecases.parse_file(path) for path in SHIPPED}
    assert set(by_award) == set(SEED_SLUGS)
    for slug, cases in by_award.items():
        assert len(cases) >= 8, slug
        assert all(c.award == slug for c in cases), slug
        assert all(c.article.startswith("第") and "条" in c.article for c in cases), slug
        assert len({c.name for c in cases}) == len(cases), f"{slug}: case names must be unique"


# ---- the file format: malformed files exit 2, naming the file, the case and the key ------------------------
GOOD = {"award": "xam-leader", "name": "用例甲", "article": "第三条", "applicants": {"A": {"kind": "organization"}},
        "steps": [{"on": "2025-12-01", "do": "open_cycle"}, {"on": "2025-12-15", "do": "submit", "applicant": "A"}]}


def _copy(**changes):
    data = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        target = data
        keys = path.split("/")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize("data, key", [
    (_copy(**{"steps/1/do": "sumbit"}), "steps[1].do"),
    (_copy(**{"steps/1/applicant": _DELETE}), "steps[1].applicant"),
    (_copy(**{"steps/0/on": "2025-13-01"}), "steps[0].on"),
    (_copy(**{"steps/1/applicant": "Z"}), "steps[1].applicant"),
    (_copy(**{"steps/1/on": "2025-11-30"}), "steps[1].on"),
    (_copy(**{"steps/1/expect": {"okay": False}}), "steps[1].expect.okay"),
    (_copy(**{"steps/1/expect": {"banned_until": {"Z": None}}}), "steps[1].expect.banned_until.Z"),
    (_copy(**{"steps/1/facts": {"accident": ["2024-01-01"]}}), "steps[1].facts.accident"),
    (_copy(**{"steps/1/facts": {"accidents": ["2024/01/01"]}}), "steps[1].facts.accidents[0]"),
    (_copy(**{"steps/1/at": "25:00"}), "steps[1].at"),
    (_copy(**{"applicants/A/kind": "company"}), "applicants.A.kind"),
    (_copy(**{"applicants/A/colour": "red"}), "applicants.A.colour"),
    (_copy(**{"award": "no-such-award"}), "award"),
    (_copy(**{"article": _DELETE}), "article"),
    (_copy(**{"steps/0/expect": {"stage": "pre_check"}}), "steps[0].expect.stage"),
])
def test_a_malformed_case_exits_2_naming_file_case_and_key(tmp_path, data, key):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([GOOD, data], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("check_rule_cases", str(path))
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert str(path) in message and "用例“用例甲”" in message and f"键 {key}：" in message, message


def test_a_file_that_is_not_json_exits_2_naming_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"award": "xam-leader",', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("check_rule_cases", str(path))
    assert caught.value.returncode == 2
    assert str(path) in str(caught.value) and "不是有效的 JSON" in str(caught.value)


def test_nothing_to_run_exits_2():
    with pytest.raises(CommandError) as caught:
        call_command("check_rule_cases")
    assert caught.value.returncode == 2


def test_a_step_dated_before_the_clock_a_rehearsal_moved_is_malformed(tmp_path):
    """reach_stage waits for the pre-check publicity to close (5 working days): a next step on the same
    day would run in the past, which the contract makes a malformed case (exit 2, naming the step)."""
    data = _copy()
    data["steps"] += [{"on": "2025-12-16", "do": "reach_stage", "applicants": ["A"], "stage": "qualification_review"},
                      {"on": "2025-12-16", "at": "11:00", "do": "run_deadlines"}]
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("check_rule_cases", str(path))
    assert caught.value.returncode == 2
    assert "键 steps[3].on：" in str(caught.value) and "用例的时钟已被演练推进到" in str(caught.value)


# ---- the output, with and without --json, and the exit status -----------------------------------------------
PASSING = {"award": "erenhot-mayor", "name": "个人须从事质量工作5年以上", "article": "第十一条",
           "applicants": {"P": {"kind": "individual", "quality_work_years": 4}},
           "steps": [{"on": "2025-03-03", "do": "open_cycle"},
                     {"on": "2025-03-20", "do": "submit", "applicant": "P", "expect": {"ok": False, "article": "第十一条"}}]}
FAILING = {"award": "erenhot-mayor", "name": "故意写错的期望", "article": "第十一条",
           "applicants": {"P": {"kind": "individual", "quality_work_years": 4}},
           "steps": [{"on": "2025-03-03", "do": "open_cycle"},
                     {"on": "2025-03-20", "do": "submit", "applicant": "P", "expect": {"ok": True}}]}


def _run(tmp_path, cases, *args):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    from io import StringIO

    out = StringIO()
    code = 0
    try:
        call_command("check_rule_cases", str(path), *args, stdout=out)
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue(), path


def test_json_output_has_the_contract_shape(tmp_path):
    code, out, path = _run(tmp_path, [PASSING, FAILING], "--json")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"cases", "passed", "failed"} and (report["passed"], report["failed"]) == (1, 1)
    good, bad = report["cases"]
    assert set(good) == {"file", "name", "award", "passed", "steps"}
    assert (good["file"], good["name"], good["award"], good["passed"]) == (str(path), "个人须从事质量工作5年以上", "erenhot-mayor", True)
    for step in good["steps"] + bad["steps"]:
        assert set(step) == {"index", "do", "ok", "article", "code", "message", "passed", "expected", "got"}
    refused = good["steps"][1]
    assert (refused["index"], refused["do"], refused["ok"], refused["passed"]) == (1, "submit", False, True)
    assert "第十一条" in refused["article"] and refused["code"] == "ineligible" and "从事质量或质量有关工作5年以上" in refused["message"]
    assert refused["expected"] == {"ok": False, "article": "第十一条"}
    assert refused["got"] == {"ok": False, "stage": "filing", "status": "draft"}
    assert bad["passed"] is False and bad["steps"][1]["passed"] is False and bad["steps"][1]["expected"] == {"ok": True}
    assert good["steps"][0]["expected"] == {"ok": True} and good["steps"][0]["got"] == {"ok": True}


def test_text_output_is_one_line_per_case_and_a_total(tmp_path):
    code, out, _ = _run(tmp_path, [PASSING, FAILING])
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0] == "✓ 个人须从事质量工作5年以上（erenhot-mayor）"
    assert lines[1].startswith("✗ 故意写错的期望（erenhot-mayor）：steps[1] submit 期望 {\"ok\":true}，实际 {\"ok\":false")
    assert "从事质量或质量有关工作5年以上" in lines[1]
    assert lines[-1] == "1 passed, 1 failed"


def test_exit_status_0_when_every_expectation_holds(tmp_path):
    code, out, _ = _run(tmp_path, [PASSING])
    assert code == 0 and out.strip().splitlines()[-1] == "1 passed, 0 failed"


def test_a_crash_is_never_a_refusal(tmp_path):
    """decide_objection with no objection filed cannot be carried out: the step fails even though the case
    expected a refusal, and the output says what went wrong."""
    case = {"award": "erenhot-mayor", "name": "没有异议可处理", "article": "第二十二条", "applicants": {"A": {"kind": "organization"}},
            "steps": [{"on": "2025-03-03", "do": "open_cycle"}, {"on": "2025-03-20", "do": "submit", "applicant": "A"},
                      {"on": "2025-03-21", "do": "decide_objection", "against": "A", "upheld": True, "expect": {"ok": False}}]}
    code, out, _ = _run(tmp_path, [case], "--json")
    step = json.loads(out)["cases"][0]["steps"][2]
    assert code == 1 and step["passed"] is False and step["ok"] is None
    assert "没有针对 A 的异议" in step["message"] and "CaseError" in step["got"]["crash"]


# ---- isolation ------------------------------------------------------------------------------------------
def _counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in ("awards", "review", "publicity", "jurisdictions", "core", "auth", "guardian")}


def test_a_case_leaves_nothing_behind(tmp_path, settings):
    """A case that registers applicants, opens a cycle, publishes a list, takes an objection with its uploads,
    decides it and commends: afterwards every table has the rows it had, and the uploads are gone."""
    case = {"award": "chanhe-head", "name": "走完一届", "article": "第十九条",
            "applicants": {"A": {"kind": "organization"}, "B": {"kind": "organization"}},
            "steps": [{"on": "2026-03-02", "do": "open_cycle"},
                      {"on": "2026-03-16", "do": "submit", "applicant": "A"},
                      {"on": "2026-03-16", "do": "submit", "applicant": "B"},
                      {"on": "2026-03-17", "do": "reach_stage", "applicants": ["A", "B"], "stage": "award_publicity", "status": "approved"},
                      {"on": "2026-03-23", "do": "publish_list", "stage": "award_publicity"},
                      {"on": "2026-03-25", "do": "file_objection", "against": "B"},
                      {"on": "2026-03-30", "at": "00:30", "do": "run_deadlines", "applicant": "B", "expect": {"status": "held"}},
                      {"on": "2026-03-31", "do": "decide_objection", "against": "B", "upheld": True, "expect": {"status": "rejected"}},
                      {"on": "2026-04-07", "do": "commend", "expect": {"winners": ["A"]}}]}
    from awards.models import Applicant

    before = _counts()
    code, out, _ = _run(tmp_path, [case])
    assert (code, out.strip().splitlines()[-1]) == (0, "1 passed, 0 failed"), out
    assert _counts() == before
    assert not Applicant.objects.filter(name__in=["A", "B"]).exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_two_cases_with_the_same_applicant_names_do_not_interfere(tmp_path):
    """The first case's A won (塔城 第十条: no second filing on the same achievements for 5 years) in cycle 1
    and is refused in cycle 2; the second case's A, same name, same award, same dates, has no history and
    its first cycle is cycle 1. Run in both orders."""
    winner = {"award": "tacheng-prefecture", "name": "获奖者", "article": "第十条", "applicants": {"A": {"kind": "organization"}},
              "steps": [{"on": "2023-12-01", "do": "history_grant", "applicant": "A", "cycle": 1},
                        {"on": "2025-09-01", "do": "open_cycle", "number": 2},
                        {"on": "2025-09-15", "do": "submit", "applicant": "A", "facts": {"new_achievements": False},
                         "expect": {"ok": False, "article": "第十条"}}]}
    newcomer = {"award": "tacheng-prefecture", "name": "新申报者", "article": "第九条", "applicants": {"A": {"kind": "organization"}},
                "steps": [{"on": "2025-09-01", "do": "open_cycle", "number": 1},
                          {"on": "2025-09-15", "do": "submit", "applicant": "A", "expect": {"ok": True}}]}
    for order in ([winner, newcomer], [newcomer, winner], [winner, winner]):
        code, out, _ = _run(tmp_path, order)
        assert code == 0, out


def test_the_awards_own_cycles_and_committee_do_not_decide_a_case(tmp_path):
    """瀍河 already has a cycle (2025) and a committee member in the database: a case still opens its own
    first cycle in 2026 (a second cycle would not be due until 2027, 第四条) and its committee is exactly the
    members the case names (one member voting for is a quorum of one)."""
    from jurisdictions.models import Award, Membership, Role
    from tests.awards import factories

    award = Award.objects.get(slug="chanhe-head")
    factories.open_cycle("chanhe-head")
    Membership.objects.create(user=factories.staff("chanhe-committee-t", None, None), body=award.committee, role=Role.COMMITTEE)
    case = {"award": "chanhe-head", "name": "一人表决", "article": "第十八条", "applicants": {"A": {"kind": "organization"}},
            "steps": [{"on": "2026-03-02", "do": "open_cycle", "number": 1},
                      {"on": "2026-03-16", "do": "submit", "applicant": "A"},
                      {"on": "2026-03-17", "do": "reach_stage", "applicants": ["A"], "stage": "deliberation"},
                      {"on": "2026-03-23", "do": "vote", "applicants": ["A"], "ballots": [{"member": "主任", "choice": "for"}],
                       "expect": {"passed": {"A": True}, "stage": "award_publicity"}}]}
    code, out, _ = _run(tmp_path, [case])
    assert code == 0, out
    assert award.cycles.count() == 1


def test_a_cases_calendar_enters_the_years_the_calendar_does_not_know(tmp_path):
    """2027 is not in the working-day calendar: a submission whose internal publicity (5 working days before
    it) falls in 2027 is refused exactly as in the product, unless the case enters 2027 as staff would."""
    case = {"award": "xam-leader", "name": "2027年的申报", "article": "第十六条", "applicants": {"A": {"kind": "organization"}},
            "steps": [{"on": "2026-12-01", "do": "open_cycle"}, {"on": "2027-01-11", "do": "submit", "applicant": "A"}]}
    code, out, _ = _run(tmp_path, [case], "--json")
    step = json.loads(out)["cases"][0]["steps"][1]
    assert code == 1 and (step["ok"], step["code"]) == (False, "calendar_unknown_year") and "2027" in step["message"]
    case["calendar"] = {"2027": {"holidays": ["2027-01-01"], "workdays": []}}
    code, out, _ = _run(tmp_path, [case], "--json")
    assert code == 0, out
    from jurisdictions.models import CalendarOverride, CalendarYear

    assert not CalendarYear.objects.filter(year=2027).exists() and not CalendarOverride.objects.filter(day__year=2027).exists()


def test_what_a_refused_step_registered_is_taken_back_and_registered_again_when_needed(tmp_path):
    """兴安盟 takes no branches (第十三条): the check for branch C is refused, and its savepoint takes back the
    registration of C and of its parent P; P and C are registered again by the steps that need them."""
    case = {"award": "xam-leader", "name": "拒绝后再用", "article": "第十三条",
            "applicants": {"P": {"kind": "organization"}, "C": {"kind": "organization", "legal_form": "branch", "parent": "P"}},
            "steps": [{"on": "2025-12-01", "do": "open_cycle"},
                      {"on": "2025-12-15", "do": "check_eligibility", "applicant": "C", "expect": {"ok": False}},
                      {"on": "2025-12-15", "do": "submit", "applicant": "P", "expect": {"ok": True}},
                      {"on": "2025-12-15", "do": "submit", "applicant": "C", "expect": {"ok": False, "article": "第十三条"}}]}
    code, out, _ = _run(tmp_path, [case])
    assert code == 0, out
