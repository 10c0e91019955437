"""Review cites the award's own article, read from its ruleset (Rules.article), and no other award's: 兴安盟 and
内蒙古 第九条 govern review panels in their regulations; 塔城's regulation has no such article, so its refusals
cite nothing rather than someone else's article or an empty "（）"."""
import pytest

from core.errors import DomainError
from jurisdictions.models import Award
from jurisdictions.rules import Rules
from jurisdictions.selectors import ruleset_current
from review import services

from . import factories as f

pytestmark = pytest.mark.django_db

REFUSAL = "符合条件（行业不限、无利益冲突）的专家只有1人，不足5人"


def rules(slug) -> Rules:
    return Rules(ruleset_current(Award.objects.get(slug=slug)).data)


def test_rules_article_reads_the_sections_own_article():
    assert rules("xam-leader").article("review_panels") == "第九条"  # 兴安盟 第九条: 成立评审组…自动撤销
    assert rules("nm-chairman").article("review_panels") == "第九条"  # 内蒙古 第九条
    assert rules("erenhot-mayor").article("two_way_feedback") == "第二十六条"  # 二连浩特 第二十六条
    assert rules("tacheng-prefecture").article("review_panels") == ""
    assert rules("xam-leader").article("two_way_feedback") == ""
    assert rules("xam-leader").article("cycle_years") == ""  # not a section: no article


def _one_expert_cycle(slug):
    award = f.award(slug)
    cycle = f.cycle(slug)
    f.expert(award, "唯一专家", employer="某大学")
    return cycle, f.office_user(award)


@pytest.mark.parametrize("slug,message,article", [
    ("xam-leader", f"{REFUSAL}（第九条）。", "第九条"),
    ("nm-chairman", f"{REFUSAL}（第九条）。", "第九条"),
    ("tacheng-prefecture", f"{REFUSAL}。", None),
])
def test_panel_too_small_refusal_cites_the_awards_own_article(slug, message, article, client):
    cycle, office = _one_expert_cycle(slug)
    with pytest.raises(DomainError) as e:
        services.panel_draw(cycle=cycle, stage="material_review", size=5, actor=office)
    assert (e.value.code, e.value.message, e.value.article) == ("pool_too_small", message, article)
    assert e.value.as_dict().get("article") == article  # the API's 400 carries it only when there is one

    client.force_login(office)
    r = client.post(f"/review/cycles/{cycle.pk}/material_review/", {"action": "draw", "size": 5}, follow=True)
    page = r.content.decode()
    assert f'<li class="msg-error" role="status">{message}</li>' in page
    assert not cycle.panels.exists()


def test_award_without_the_article_shows_no_foreign_one(client):
    cycle, office = _one_expert_cycle("tacheng-prefecture")
    client.force_login(office)
    r = client.post(f"/review/cycles/{cycle.pk}/material_review/", {"action": "draw", "size": 5}, follow=True)
    page = r.content.decode()
    for foreign in ("第九条", "内蒙古", "兴安盟", "二连浩特", "（）", "：。"):
        assert foreign not in page, foreign
    assert "评审组自动撤销，专家不再能查看申报材料。" in page  # the dissolve help, without a citation

    xam_cycle, xam_office = _one_expert_cycle("xam-leader")
    client.force_login(xam_office)
    page = client.get(f"/review/cycles/{xam_cycle.pk}/material_review/").content.decode()
    assert "评审组自动撤销，专家不再能查看申报材料（第九条）。" in page


def test_feedback_pages_cite_the_feedback_article_of_the_award(client):
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    client.force_login(f.office_user(award))
    page = client.get(f"/review/feedback/cycles/{cycle.pk}/").content.decode()
    assert "管理办法第二十六条：受评组织、个人对评审人员纪律执行情况作评价" in page
