"""Public ruleset pages (readable rules with articles, versions, diff) and the office's ruleset editor."""
import copy
import datetime as dt
import html
import json

import pytest

from core import clock
from core.models import AuditEntry
from jurisdictions import presenters
from jurisdictions.forms import field_specs
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction, Ruleset
from jurisdictions.services import seed_ruleset_data

IN_FORCE_DAY = dt.datetime(2026, 3, 2, 10, 0)  # every seed is in force (二连浩特 until 2026-08-31)


@pytest.fixture
def frozen():
    with clock.frozen_at(IN_FORCE_DAY):
        yield


def text(response) -> str:
    return html.unescape(response.content.decode())


def office_of(make_user, slug):
    award = Award.objects.get(slug=slug)
    return make_user(role="office", body=award.office)


# ---------------------------------------------------------------- presenters (pure)

@pytest.mark.unit
class TestPresenters:
    def test_window_text_minimum_and_exact_and_units(self):
        assert presenters.window_text({"length": 5, "unit": "working_days", "minimum": True, "article": "第十九条"},
                                      "publicity") == "公示不少于5个工作日（第十九条）"
        assert presenters.window_text({"length": 7, "unit": "calendar_days", "minimum": False, "article": "第十九条"},
                                      "publicity") == "公示7天（第十九条）"
        assert presenters.window_text({"length": 10, "unit": "working_days", "article": "第十四条"},
                                      "publicity", "announcement") == "公告不少于10个工作日（第十四条）"
        assert presenters.window_text({"length": 10, "unit": "working_days", "from": "receipt", "article": "第十六条"},
                                      "deadline") == "自收到申报材料之日起10个工作日内完成（第十六条）"

    def test_money_and_percent(self):
        assert presenters.money(200000) == "20万元"
        assert presenters.money(12345) == "12,345元"
        assert presenters.percent("0.3") == "30%"
        assert presenters.percent("0.25") == "25%"

    def test_erenhot_rules_with_articles(self):
        sections = {s.key: s for s in presenters.present_ruleset(seed_ruleset_data("erenhot-mayor"))}
        stages = sections["stages"].items
        assert [(i.text, i.article) for i in stages][:2] == [("发布申报公告", "第十四条"), ("自我评价并报送申报材料", "第十五条")]
        assert "公告不少于10个工作日（第十四条）" in [d.text for d in stages[0].details]
        comment = next(i for i in stages if i.text == "公开征求意见与综合排序")
        assert "公开征求意见不少于30个工作日（第十九条）" in [d.text for d in comment.details]
        assert [(i.text, i.article) for i in sections["quota"].items][:2] == [
            ("组织：每届不超过1个", "第三条"), ("个人：每届不超过1个", "第三条")]
        assert (sections["prize"].items[0].text, sections["prize"].items[0].article) == ("组织：奖金20万元", "第二十三条")
        assert (sections["bans"].items[0].text, sections["bans"].items[0].article) == ("弄虚作假的：5年内不受理其申报", "第二十八条")
        assert sections["composite_weights"].items[0].text == "材料评审 30%、现场评审 50%、陈述答辩 20%"

    def test_reapply_in_cycles_and_tacheng_alternation(self):
        nm = {s.key: s for s in presenters.present_ruleset(seed_ruleset_data("nm-chairman"))}
        assert (nm["reapply"].items[0].text, nm["reapply"].items[0].article) == ("获奖届次后的第3届起方可再次申报", "第三条")
        tc = {s.key: s for s in presenters.present_ruleset(seed_ruleset_data("tacheng-prefecture"))}
        alt = tc["cycle"].items[1]
        assert (alt.text, alt.article) == ("与新疆维吾尔自治区人民政府质量奖交替组织评选年度", "第四条")
        assert (tc["routing"].items[0].article, tc["reapply"].items[0].text) == ("第十三条", "获奖后5年内不得以原获奖成果再次申报；以新的成果申报的，由审查人员判断")

    def test_diff_names_the_changed_rule_by_readable_path(self):
        old = seed_ruleset_data("chanhe-head")
        new = json.loads(json.dumps(old))
        new["stages"][7]["publicity"]["length"] = 10
        new["bans"][0]["length"] = 5
        new["quota"]["vacancy_allowed"] = False
        changes = presenters.ruleset_diff(old, new)
        assert [(c.path, c.label, c.old_text, c.new_text) for c in changes] == [
            ("quota.vacancy_allowed", "授奖名额 › 可以空缺", "是", "否"),
            ("stages[award_publicity].publicity.length", "评审环节 › 拟奖名单公示 › 公示期 › 长度", "7", "10"),
            ("bans[fraud].length", "禁止申报 › 弄虚作假 › 长度", "4", "5"),
        ]

    def test_diff_reports_added_and_removed_stages(self):
        old = seed_ruleset_data("chanhe-head")
        new = json.loads(json.dumps(old))
        removed = new["stages"].pop(4)
        changes = presenters.ruleset_diff(old, new)
        assert [(c.path, c.kind, c.old) for c in changes] == [("stages[on_site_review]", "removed", removed)]


# ---------------------------------------------------------------- public pages

@pytest.mark.django_db
class TestPublicPages:
    def test_index_lists_every_award_with_its_document(self, client, frozen):
        body = text(client.get("/rules/"))
        for award in Award.objects.all():
            assert f'<a href="/rules/{award.slug}/">{award.name}</a>' in body
        assert "二政办发〔2021〕36号" in body and "塔行办规〔2023〕1号" in body

    def test_erenhot_page_shows_exact_rules_with_articles(self, client, frozen):
        response = client.get("/rules/erenhot-mayor/")
        assert response.status_code == 200
        body = text(response)
        assert "现行有效" in body
        assert "公告不少于10个工作日（第十四条）" in body
        assert "公开征求意见不少于30个工作日（第十九条）" in body
        assert "自收到申报材料之日起10个工作日内完成（第十六条）" in body
        assert "公示7个工作日（第二十二条）" in body
        # the article beside the rule
        assert '<span class="rule-text">发布申报公告</span> <span class="article">第十四条</span>' in body
        assert '<span class="rule-text">组织：奖金20万元</span> <span class="article">第二十三条</span>' in body
        assert '<span class="rule-text">每2年评选一次</span> <span class="article">第三条</span>' in body
        assert '<span class="rule-text">弄虚作假的：5年内不受理其申报</span> <span class="article">第二十八条</span>' in body
        assert "施行日期：2021年9月1日" in body and "有效期至：2026年8月31日" in body
        assert '<a href="/rules/erenhot-mayor/v/1/">第1版</a>' in body

    def test_chanhe_page_shows_calendar_day_publicity(self, client, frozen):
        body = text(client.get("/rules/chanhe-head/"))
        assert "公示7天（第十九条）" in body
        assert '<span class="rule-text">须由行业主管部门出具推荐意见</span> <span class="article">第十六条</span>' in body
        assert "不设个人奖" in body
        assert '<span class="rule-text">材料评审 40%、现场评审 60%</span> <span class="article">第十四条、第十七条</span>' in body

    def test_tacheng_page_holds_defense_before_on_site_review(self, client, frozen):
        body = text(client.get("/rules/tacheng-prefecture/"))
        assert body.index('<span class="rule-text">陈述答辩</span> <span class="article">第二十条</span>') < \
            body.index('<span class="rule-text">现场评审</span> <span class="article">第二十一条</span>')
        assert "与新疆维吾尔自治区人民政府质量奖交替组织评选年度" in body
        assert '<span class="rule-text">获奖后5年内不得以原获奖成果再次申报；以新的成果申报的，由审查人员判断</span> <span class="article">第十条</span>' in body
        assert "欺骗、贿赂等不正当手段的：10年内不受理其申报" in body

    def test_expired_ruleset_is_shown_marked(self, client):
        with clock.frozen_at(dt.datetime(2026, 9, 1, 9, 0)):
            body = text(client.get("/rules/erenhot-mayor/"))
        assert "已失效" in body and "本版本已于 2026年8月31日 失效" in body
        assert "公告不少于10个工作日（第十四条）" in body

    def test_unknown_award_and_version_are_404(self, client):
        assert client.get("/rules/nope/").status_code == 404
        assert client.get("/rules/chanhe-head/v/9/").status_code == 404
        assert client.get("/rules/chanhe-head/diff/?a=1&b=9").status_code == 404

    def test_index_query_count_does_not_grow_with_awards(self, client, frozen, django_assert_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as five:
            client.get("/rules/")
        jurisdiction = Jurisdiction.objects.get(code="152200")
        office = Body.objects.create(jurisdiction=jurisdiction, kind=BodyKind.AWARD_OFFICE, name="测试办公室")
        award = Award.objects.create(jurisdiction=jurisdiction, slug="extra", name="测试奖", office=office)
        data = seed_ruleset_data("xam-leader")
        Ruleset.objects.create(award=award, version=1, document_number="测试", effective_from=dt.date(2025, 1, 1), data=data)
        with django_assert_num_queries(len(five)):
            client.get("/rules/")


# ---------------------------------------------------------------- editor

def edit_post(client, slug, **changes):
    """The form as the browser would send it, with `changes` applied."""
    page = client.get(f"/rules/{slug}/edit/")
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
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/rules/{slug}/edit/", data)


@pytest.mark.django_db
@pytest.mark.usefixtures("without_rule_case_checks")
class TestEditor:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get("/rules/chanhe-head/edit/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/rules/chanhe-head/edit/"

    def test_office_of_another_jurisdiction_gets_404(self, client, make_user):
        client.force_login(office_of(make_user, "chanhe-head"))
        assert client.get("/rules/erenhot-mayor/edit/").status_code == 404
        assert client.post("/rules/erenhot-mayor/edit/", {"note": "x"}).status_code == 404
        assert Ruleset.objects.filter(award__slug="erenhot-mayor").count() == 1
        assert client.get("/rules/chanhe-head/edit/").status_code == 200

    def test_other_roles_of_the_same_jurisdiction_get_404(self, client, make_user):
        award = Award.objects.get(slug="chanhe-head")
        client.force_login(make_user(role="reviewer", body=award.office))
        assert client.get("/rules/chanhe-head/edit/").status_code == 404

    def test_editor_shows_the_key_numbers(self, client, make_user):
        client.force_login(office_of(make_user, "erenhot-mayor"))
        body = text(client.get("/rules/erenhot-mayor/edit/"))
        assert 'name="stage__announcement__publicity__length" value="10"' in body
        assert 'name="stage__composite_evaluation__public_comment__length" value="30"' in body
        assert 'name="ban__fraud__length" value="5"' in body
        assert 'name="prize_organization" value="200000"' in body
        assert 'name="weight__on_site_review" value="0.5"' in body
        assert 'name="committee_quorum" value="2/3"' in body
        assert "保存为第2版" in body

    def test_saving_creates_version_2_served_by_the_api_and_v1_untouched(self, client, make_user, frozen):
        user = office_of(make_user, "erenhot-mayor")
        client.force_login(user)
        v1_before = Ruleset.objects.get(award__slug="erenhot-mayor", version=1).data
        response = edit_post(client, "erenhot-mayor", stage__award_publicity__publicity__length="10",
                             prize_organization="300000", note="依据市政府常务会议纪要调整公示期和奖金")
        assert response.status_code == 302 and response["Location"] == "/rules/erenhot-mayor/v/2/"
        v1 = Ruleset.objects.get(award__slug="erenhot-mayor", version=1)
        v2 = Ruleset.objects.get(award__slug="erenhot-mayor", version=2)
        assert v1.data == v1_before and v1.data["stages"][8]["publicity"]["length"] == 7
        assert v2.data["stages"][8]["publicity"] == {"length": 10, "unit": "working_days", "minimum": False, "article": "第二十二条"}
        assert v2.data["prize"]["organization"] == 300000
        assert (v2.note, v2.created_by, v2.document_number) == ("依据市政府常务会议纪要调整公示期和奖金", user, "二政办发〔2021〕36号")
        api = client.get("/api/v1/awards/erenhot-mayor/ruleset/").json()
        assert api["version"] == 2 and api["stages"][8]["publicity"]["length"] == 10
        page = text(client.get("/rules/erenhot-mayor/"))
        assert "公示10个工作日（第二十二条）" in page and "组织：奖金30万元" in page and "第2版" in page
        entry = AuditEntry.objects.filter(action="ruleset.create").order_by("-id").first()
        assert (entry.actor_id, entry.data) == (user.pk, {"version": 2, "note": "依据市政府常务会议纪要调整公示期和奖金"})

    def test_a_window_the_regulation_gives_as_a_minimum_cannot_be_cut_under_the_same_document(self, client, make_user):
        """内蒙古 第十九条: 盟市初审公示不少于5个工作日. Cutting it to 1 (or to 5 calendar days, or dropping it)
        under the same 文号 is refused beside the field; lengthening it is fine; a new document may change it."""
        client.force_login(office_of(make_user, "nm-chairman"))
        field = "stage__pre_check__publicity__length"
        for changes in ({field: "1"}, {"stage__pre_check__publicity__unit": "calendar_days"}):
            response = edit_post(client, "nm-chairman", note="缩短公示期", **changes)
            assert response.status_code == 200
            assert "第十九条规定盟市初审（形式审查）公示期不少于5个工作日，同一文件（内政办发〔2025〕28号）下不能缩短" in text(response)
        assert Ruleset.objects.filter(award__slug="nm-chairman").count() == 1
        assert edit_post(client, "nm-chairman", note="延长公示期", **{field: "7"}).status_code == 302
        response = edit_post(client, "nm-chairman", note="依据新办法", document_number="内政发〔2027〕1号", **{field: "3"})
        assert response.status_code == 302
        assert Ruleset.objects.get(award__slug="nm-chairman", version=3).data["stages"][3]["publicity"]["length"] == 3

    def test_diff_shows_the_changed_value(self, client, make_user):
        client.force_login(office_of(make_user, "chanhe-head"))
        edit_post(client, "chanhe-head", stage__award_publicity__publicity__length="10", note="调整公示期")
        client.logout()
        body = text(client.get("/rules/chanhe-head/diff/?a=1&b=2"))
        assert '<tr data-path="stages[award_publicity].publicity.length">' in body
        assert "评审环节 › 拟奖名单公示 › 公示期 › 长度" in body
        assert '<del class="diff-del">7</del>' in body and '<ins class="diff-add">10</ins>' in body
        assert "第2版修订说明：调整公示期" in body
        assert body.count("<tr data-path=") == 1

    def test_new_document_and_effective_date_keep_v1_in_force_until_then(self, client, make_user, frozen):
        client.force_login(office_of(make_user, "chanhe-head"))
        response = edit_post(client, "chanhe-head", cycle_years="3", document_number="瀍政〔2026〕3号",
                             effective_from="2026-07-01", note="新办法")
        assert response.status_code == 302
        v2 = Ruleset.objects.get(award__slug="chanhe-head", version=2)
        assert (v2.document_number, v2.effective_from, v2.data["cycle_years"]) == ("瀍政〔2026〕3号", dt.date(2026, 7, 1), 3)
        assert client.get("/api/v1/awards/chanhe-head/ruleset/").json()["version"] == 1
        assert "未生效" in text(client.get("/rules/chanhe-head/v/2/"))

    def test_advanced_json_edit_is_saved(self, client, make_user):
        client.force_login(office_of(make_user, "chanhe-head"))
        data = Ruleset.objects.get(award__slug="chanhe-head", version=1).data
        data["encouraged"].append({"code": "green", "label": "绿色低碳企业", "article": "第十二条"})
        response = edit_post(client, "chanhe-head", advanced_json=json.dumps(data, ensure_ascii=False), note="增加鼓励类型")
        assert response.status_code == 302
        assert Ruleset.objects.get(award__slug="chanhe-head", version=2).data["encouraged"][-1]["label"] == "绿色低碳企业"

    def test_invalid_input_keeps_what_was_typed_and_explains_in_chinese(self, client, make_user):
        client.force_login(office_of(make_user, "erenhot-mayor"))
        response = edit_post(client, "erenhot-mayor", cycle_years="两年", stage__award_publicity__publicity__length="0",
                             committee_quorum="三分之二", note="")
        assert response.status_code == 200
        body = text(response)
        assert 'name="cycle_years" value="两年"' in body
        assert 'name="stage__award_publicity__publicity__length" value="0"' in body
        assert 'name="committee_quorum" value="三分之二"' in body
        assert '<ul class="errorlist" id="id_cycle_years-errors"><li>请输入整数。</li>' in body
        assert '<ul class="errorlist" id="id_stage__award_publicity__publicity__length-errors"><li>不能小于 1。</li>' in body
        assert "请写成分数形式，如 2/3（分子不大于分母）。" in body
        assert "请填写修订说明（为什么修改、依据什么文件）。" in body
        assert Ruleset.objects.filter(award__slug="erenhot-mayor").count() == 1

    def test_weights_must_sum_to_one(self, client, make_user):
        client.force_login(office_of(make_user, "erenhot-mayor"))
        body = text(edit_post(client, "erenhot-mayor", weight__defense="0.3", note="调权重"))
        assert "综合评价各环节权重之和必须为 1（现为 1.1）。" in body
        assert 'name="weight__defense" value="0.3"' in body

    def test_schema_problem_in_json_shown_beside_the_json_and_text_kept(self, client, make_user):
        client.force_login(office_of(make_user, "chanhe-head"))
        data = Ruleset.objects.get(award__slug="chanhe-head", version=1).data
        data["stages"] = [s for s in data["stages"] if s["code"] != "filing"]
        typed = json.dumps(data, ensure_ascii=False)
        body = text(edit_post(client, "chanhe-head", advanced_json=typed, note="删环节"))
        assert '<ul class="errorlist" id="id_advanced_json-errors"><li>规则必须包含申报（filing）环节。</li>' in body
        assert typed in body
        broken = text(edit_post(client, "chanhe-head", advanced_json='{"cycle_years": 2,', note="x"))
        assert "JSON 格式有误：第1行" in broken and '{"cycle_years": 2,' in broken
        assert Ruleset.objects.filter(award__slug="chanhe-head").count() == 1

    def test_unchanged_ruleset_is_refused(self, client, make_user):
        client.force_login(office_of(make_user, "chanhe-head"))
        body = text(edit_post(client, "chanhe-head", note="没有改"))
        assert "规则没有任何改动，无需保存新版本。" in body

    def test_stale_form_is_not_saved_over_a_newer_version(self, client, make_user):
        client.force_login(office_of(make_user, "chanhe-head"))
        edit_post(client, "chanhe-head", cycle_years="3", note="第一次")
        body = text(edit_post(client, "chanhe-head", base_version="1", quota_organization="4", note="第二次"))
        assert "在您编辑期间规则已更新为第2版" in body
        assert Ruleset.objects.filter(award__slug="chanhe-head").count() == 2

    def test_field_specs_cover_each_window_of_the_ruleset(self):
        names = [s.name for s in field_specs(seed_ruleset_data("tacheng-prefecture"))]
        assert [n for n in names if n.startswith("stage__") and n.endswith("__length")] == [
            "stage__internal_publicity__publicity__length", "stage__pre_check__publicity__length",
            "stage__qualification_review__publicity__length", "stage__award_publicity__publicity__length"]
        assert {"reapply_length", "ban__fraud__length", "ban__bribery__length", "weight__defense"} <= set(names)


@pytest.mark.django_db
class TestRuleCaseCheck:
    """The registry publicity fills (jurisdictions.rule_checks): the editor asks it before saving."""

    BROKEN = [{"name": "初审公示5个工作日", "article": "第十七条", "failure": "第5步（期限任务运行）期望状态为“公示中”；实际状态为“待办理”"}]

    def test_a_version_breaking_a_case_needs_a_reason_which_is_recorded(self, monkeypatch):
        from jurisdictions import rule_checks
        from jurisdictions.services import ruleset_save_new_version

        seen = []
        monkeypatch.setattr(rule_checks, "_CHECKERS", [lambda *, award, data: seen.append(data) or self.BROKEN])
        award = Award.objects.get(slug="chanhe-head")
        data = copy.deepcopy(award.rulesets.get(version=1).data)
        data["document"]["title"] += "（修订）"
        with pytest.raises(rule_checks.RulesetBreaksCases) as refused:
            ruleset_save_new_version(award=award, data=data, note="x", actor=None, save_reason="  ")
        assert refused.value.broken == self.BROKEN and refused.value.field == "save_reason"
        assert "新版本会使 1 个规则用例不通过（“初审公示5个工作日”）" in refused.value.message
        assert award.rulesets.count() == 1 and seen == [data]
        saved = ruleset_save_new_version(award=award, data=data, note="x", actor=None, save_reason="依据新文件")
        assert (saved.version, saved.save_reason, saved.broken_cases) == (2, "依据新文件", self.BROKEN)

    def test_an_unchanged_or_invalid_version_is_refused_before_any_case_runs(self, monkeypatch):
        from core.errors import DomainError
        from jurisdictions import rule_checks
        from jurisdictions.services import ruleset_save_new_version

        monkeypatch.setattr(rule_checks, "_CHECKERS", [lambda *, award, data: pytest.fail("no case should run")])
        award = Award.objects.get(slug="chanhe-head")
        with pytest.raises(DomainError, match="没有任何改动"):
            ruleset_save_new_version(award=award, data=award.rulesets.get(version=1).data, note="x", actor=None)
        with pytest.raises(DomainError, match="规则有误"):
            ruleset_save_new_version(award=award, data={"document": {}}, note="x", actor=None)
