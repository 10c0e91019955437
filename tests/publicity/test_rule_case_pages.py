"""/rules/<slug>/cases/ (issue #15, rule cases): an award's cases with their article and ✓/✗ against the
version in force, the office adding one, and the ruleset editor refusing a version that breaks a case unless
a reason is recorded, the version's page then naming the broken case.

Every case builds a world of its own (about a second each), so these tests keep the shipped cases of the
award to the one or two they need (`only_shipped`); the whole shipped set runs in test_rule_cases.py."""
import html
import json

import pytest

from jurisdictions.models import Award, Ruleset
from publicity.models import RuleCase, RuleCaseRun
from publicity.rulecases import library

pytestmark = pytest.mark.django_db
SLUG = "xam-leader"

# 兴安盟 第十七条: the pre-check list is published for 5 working days (a shipped case, word for word).
PRE_CHECK_CASE = "旗县初审结果向社会公示不少于5个工作日，期满后进入资格审查"
# 兴安盟 第十六条 (an office's own case): 4 working days of internal publicity before filing are too few.
SHORT_PUBLICITY = {
    "name": "单位内部公示只有4个工作日的，不予受理",
    "article": "第十六条",
    "applicants": {"A": {"kind": "organization"}},
    "steps": [
        {"on": "2025-12-01", "do": "open_cycle"},
        {"on": "2025-12-15", "do": "submit", "applicant": "A",
         "facts": {"internal_publicity": {"from": "2025-12-09", "to": "2025-12-12"}},
         "expect": {"ok": False, "article": "第十六条"}},
    ],
}
# The same history with the wrong outcome written down: the product must show it failing, and where.
WRONG_EXPECTATION = {**SHORT_PUBLICITY, "name": "（写错的用例）内部公示4个工作日即可受理",
                     "steps": [SHORT_PUBLICITY["steps"][0], {**SHORT_PUBLICITY["steps"][1], "expect": {"ok": True}}]}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def _criteria():
    from review.models import CriteriaSet
    from review.services import criteria_load_builtin

    if CriteriaSet.objects.filter(builtin=True).count() < 3:
        criteria_load_builtin()


@pytest.fixture
def only_shipped(monkeypatch):
    """Keeps the award's shipped cases to those named (the file itself is unchanged)."""
    def keep(*names):
        real = library.shipped_cases

        def shipped(award):
            return [c for c in real(award) if c.name in names]
        monkeypatch.setattr(library, "shipped_cases", shipped)
    return keep


@pytest.fixture
def award():
    return Award.objects.get(slug=SLUG)


@pytest.fixture
def office(make_user, award):
    return make_user(role="office", body=award.office)


def run_queued(award):
    """What the Celery task does once the request's transaction commits."""
    run = RuleCaseRun.objects.get(award=award, state=RuleCaseRun.State.QUEUED)
    return library.rule_case_run_execute(run_id=run.pk)


def add(client, case):
    return client.post(f"/rules/{SLUG}/cases/add/", {"body": json.dumps(case, ensure_ascii=False)})


def test_the_page_lists_each_case_with_its_article_and_whether_it_holds(client, office, award, only_shipped):
    only_shipped(PRE_CHECK_CASE)
    client.force_login(office)
    assert add(client, SHORT_PUBLICITY).status_code == 302
    assert add(client, WRONG_EXPECTATION).status_code == 302
    assert RuleCaseRun.objects.filter(award=award, state=RuleCaseRun.State.QUEUED).count() == 1  # one run waits for both
    run = run_queued(award)
    assert run.state == RuleCaseRun.State.DONE and run.ruleset.version == 1

    client.logout()  # the cases are public, like the rules
    page = client.get(f"/rules/{SLUG}/cases/")
    body = text(page)
    rows = {r["entry"].name: r for r in page.context["rows"]}
    assert [(n, r["entry"].article, r["state"], r["source"]) for n, r in rows.items()] == [
        (PRE_CHECK_CASE, "第十七条", "passed", "随产品提供"),
        (SHORT_PUBLICITY["name"], "第十六条", "passed", "办公室添加"),
        (WRONG_EXPECTATION["name"], "第十六条", "failed", "办公室添加"),
    ]
    assert rows[WRONG_EXPECTATION["name"]]["failure"].startswith("第2步（提交申报）期望办理成功；实际被拒绝，引用")
    assert "第十六条" in rows[WRONG_EXPECTATION["name"]]["failure"]
    assert "2 个通过，1 个不通过" in body and "第1版" in body
    assert body.count("✓") == 2 and body.count("✗") == 1
    assert "重新运行" not in body and "添加用例" not in body  # the public reads, the office acts


def test_rerun_queues_a_run_on_the_version_in_force_and_the_page_says_it_is_running(client, office, award, only_shipped):
    only_shipped(PRE_CHECK_CASE)
    client.force_login(office)
    page = text(client.get(f"/rules/{SLUG}/cases/"))
    assert "尚未在现行第1版上运行" in page and "未运行" in page and "重新运行" in page
    assert client.post(f"/rules/{SLUG}/cases/run/").status_code == 302
    assert "正在重新运行" in text(client.get(f"/rules/{SLUG}/cases/"))
    run_queued(award)
    page = text(client.get(f"/rules/{SLUG}/cases/"))
    assert "1 个通过，0 个不通过" in page and "正在重新运行" not in page


def test_another_jurisdictions_office_cannot_add_or_run_cases(client, make_user, award):
    other = make_user(role="office", body=Award.objects.get(slug="erenhot-mayor").office)
    client.force_login(other)
    assert client.get(f"/rules/{SLUG}/cases/").status_code == 200  # reading is public
    assert add(client, SHORT_PUBLICITY).status_code == 404
    assert client.post(f"/rules/{SLUG}/cases/run/").status_code == 404
    assert not RuleCase.objects.exists() and not RuleCaseRun.objects.exists()
    client.logout()
    assert add(client, SHORT_PUBLICITY)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("body,message", [
    ({k: v for k, v in SHORT_PUBLICITY.items() if k != "article"}, "用例有误，键 article：缺少必填键"),
    ({**SHORT_PUBLICITY, "steps": [{"on": "2025-12-01", "do": "open_cyle"}]}, "用例有误，键 steps[0].do：未知的操作 'open_cyle'"),
    ({**SHORT_PUBLICITY, "steps": [{"on": "2025-12-1", "do": "open_cycle"}]}, "用例有误，键 steps[0].on：应为日期 YYYY-MM-DD"),
    ({**SHORT_PUBLICITY, "award": "nm-chairman"}, "用例有误，键 award：本页是兴安盟盟长质量奖"),
    ({**SHORT_PUBLICITY, "name": PRE_CHECK_CASE}, "用例有误，键 name：已有名为"),
])
def test_a_malformed_case_is_refused_naming_the_key(client, office, body, message):
    client.force_login(office)
    response = add(client, body)
    assert response.status_code == 400
    assert message in text(response)
    assert not RuleCase.objects.exists() and not RuleCaseRun.objects.exists()


def test_text_that_is_not_json_says_where(client, office):
    client.force_login(office)
    response = client.post(f"/rules/{SLUG}/cases/add/", {"body": '{"name": "x",}'})
    assert response.status_code == 400 and "JSON 格式有误：第1行第14列附近" in text(response)


# ---- the ruleset editor ----------------------------------------------------------------------------------
def edit_post(client, **changes):
    page = client.get(f"/rules/{SLUG}/edit/")
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if field.__class__.__name__ == "BooleanField":
            if value:
                data[name] = "on"
            continue
        data[name] = value
    data.update(changes)
    return client.post(f"/rules/{SLUG}/edit/", data)


def test_a_version_that_breaks_a_case_is_saved_only_with_a_reason_and_its_page_names_the_case(client, office, award, only_shipped):
    """Cutting 兴安盟's pre-check publicity (第十七条: 不少于5个工作日) to 3 working days closes the window on
    25 March; the shipped case expects the list still public on 27 March at 23:00."""
    only_shipped(PRE_CHECK_CASE, "报送材料前在单位内部公示不少于5个工作日：公示须已结束")
    client.force_login(office)
    # under a new document: under the same 文号 the editor refuses a window below the text's minimum outright
    cut = {"stage__pre_check__publicity__length": 3, "document_number": "兴署办发〔2027〕1号", "note": "公示期改为3个工作日（测试）"}

    refused = edit_post(client, **cut)
    assert refused.status_code == 200
    page = text(refused)
    assert [b["name"] for b in refused.context["broken"]] == [PRE_CHECK_CASE]  # the 第十六条 case still holds
    assert "新版本使以下规则用例不通过" in page and PRE_CHECK_CASE in page and "（第十七条）" in page
    assert "第5步（期限任务运行）期望环节为“初审”，状态为“公示中”；实际" in page
    assert "请填写保存理由" in page
    assert list(award.rulesets.values_list("version", flat=True)) == [1]

    saved = edit_post(client, **cut, save_reason="依据新文件缩短公示期，用例待按新文件修订。")
    assert saved.status_code == 302 and saved["Location"] == f"/rules/{SLUG}/v/2/"
    v2 = Ruleset.objects.get(award=award, version=2)
    assert v2.save_reason == "依据新文件缩短公示期，用例待按新文件修订。"
    assert [(b["name"], b["article"]) for b in v2.broken_cases] == [(PRE_CHECK_CASE, "第十七条")]
    version_page = text(client.get(f"/rules/{SLUG}/v/2/"))
    assert "本版本保存时不通过的规则用例" in version_page and PRE_CHECK_CASE in version_page
    assert "保存理由：依据新文件缩短公示期，用例待按新文件修订。" in version_page
    assert "本版本保存时不通过的规则用例" not in text(client.get(f"/rules/{SLUG}/v/1/"))


def test_a_version_that_breaks_nothing_is_saved_without_a_reason(client, office, award, only_shipped):
    only_shipped(PRE_CHECK_CASE)
    client.force_login(office)
    saved = edit_post(client, quota_organization=4, note="名额调整（测试）")
    assert saved.status_code == 302
    v2 = Ruleset.objects.get(award=award, version=2)
    assert v2.broken_cases == [] and v2.save_reason == ""


def test_a_case_already_failing_today_is_not_broken_by_an_edit(client, office, award, only_shipped):
    only_shipped()
    client.force_login(office)
    assert add(client, WRONG_EXPECTATION).status_code == 302
    saved = edit_post(client, quota_organization=4, note="名额调整（测试）")
    assert saved.status_code == 302
    assert Ruleset.objects.get(award=award, version=2).broken_cases == []


def test_the_page_does_not_query_per_case(client, office, award, only_shipped):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    only_shipped(PRE_CHECK_CASE)
    client.force_login(office)

    def queries_with(n):
        for i in range(RuleCase.objects.count(), n):
            name = f"{SHORT_PUBLICITY['name']}（{i}）"
            RuleCase.objects.create(award=award, name=name, article="第十六条", body={**SHORT_PUBLICITY, "name": name}, created_by=office)
        client.get(f"/rules/{SLUG}/cases/")  # the session and the like warm up
        with CaptureQueriesContext(connection) as captured:
            page = client.get(f"/rules/{SLUG}/cases/")
        assert len(page.context["rows"]) == 1 + n
        return len(captured)

    assert queries_with(1) == queries_with(3)


def test_a_case_whose_rehearsal_overtakes_a_later_step_fails_saying_so_and_the_others_still_run(client, office, award, only_shipped):
    """Rehearsing to 资格审查 waits for the pre-check list to close (第十七条, 5 working days), which moves the
    case's clock past the next step's date: that case is malformed on this version, the run goes on."""
    only_shipped(PRE_CHECK_CASE)
    overtaken = {"name": "演练越过下一步的时间", "article": "第十七条", "applicants": {"A": {"kind": "organization"}},
                 "steps": [{"on": "2026-03-02", "do": "open_cycle"},
                           {"on": "2026-03-16", "do": "submit", "applicant": "A"},
                           {"on": "2026-03-17", "do": "reach_stage", "applicants": ["A"], "stage": "qualification_review"},
                           {"on": "2026-03-18", "do": "run_deadlines"}]}
    client.force_login(office)
    assert add(client, overtaken).status_code == 302
    run = run_queued(award)
    rows = {r["name"]: r for r in run.results}
    assert rows[PRE_CHECK_CASE]["passed"] is True
    assert rows["演练越过下一步的时间"]["passed"] is False
    assert rows["演练越过下一步的时间"]["failure"].startswith("用例无法运行（键 steps[3].on）：用例的时钟已被演练推进到")


def test_a_run_waiting_too_long_is_sent_again_and_a_second_delivery_changes_nothing(office, award, only_shipped, monkeypatch):
    import datetime as dt

    from core.clock import SHANGHAI, frozen_at
    from publicity import tasks

    only_shipped()
    sent = []
    monkeypatch.setattr(tasks.run_rule_cases, "delay", sent.append)
    with frozen_at(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)), pytest.MonkeyPatch.context() as m:
        m.setattr("django.db.transaction.on_commit", lambda fn: fn())
        run = library.rule_case_run_request(award=award, actor=office)
        assert library.rule_case_run_request(award=award, actor=office) == run and sent == [run.pk]
    with frozen_at(dt.datetime(2026, 12, 1, 9, 11, tzinfo=SHANGHAI)), pytest.MonkeyPatch.context() as m:
        m.setattr("django.db.transaction.on_commit", lambda fn: fn())
        assert library.rule_case_run_request(award=award, actor=office) == run and sent == [run.pk, run.pk]
    assert library.rule_case_run_execute(run_id=run.pk).state == RuleCaseRun.State.DONE
    finished = RuleCaseRun.objects.get(pk=run.pk).finished_at
    library.rule_case_run_execute(run_id=run.pk)
    assert RuleCaseRun.objects.get(pk=run.pk).finished_at == finished
