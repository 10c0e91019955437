"""In a real browser: the 兴安盟 office cuts the pre-check publicity below 第十七条's 5 working days, the editor
names the case it breaks and saves only with a reason, the new version's page lists the case; then the office
adds a case of its own on the cases page."""
import json

import pytest

from jurisdictions.models import Award, Ruleset
from publicity.models import RuleCase
from publicity.rulecases import library
from tests.conftest import shot
from tests.jurisdictions.test_browser_rulesets import PASSWORD, orm_beside_playwright  # noqa: F401 - a fixture

from .test_rule_case_pages import PRE_CHECK_CASE, SHORT_PUBLICITY

pytestmark = pytest.mark.browser


def test_office_saves_a_version_breaking_a_case_with_a_reason_and_adds_a_case(orm_beside_playwright, make_user, page,  # noqa: F811
                                                                                monkeypatch):
    real = library.shipped_cases
    monkeypatch.setattr(library, "shipped_cases", lambda award: [c for c in real(award) if c.name == PRE_CHECK_CASE])
    award = Award.objects.get(slug="xam-leader")
    make_user("xam-office", role="office", body=award.office, password=PASSWORD)

    page.goto("/accounts/login/?next=/rules/xam-leader/edit/")
    page.fill("#id_username", "xam-office")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/rules/xam-leader/edit/")
    page.locator('[name="stage__pre_check__publicity__length"]').fill("3")
    page.fill("#id_document_number", "兴署办发〔2027〕1号")  # a new document: the same 文号 may not cut a 不少于 window
    page.fill("#id_note", "初审公示期改为3个工作日")
    page.click("text=保存为第2版")
    broken = page.locator("#broken-cases")
    broken.wait_for()
    assert PRE_CHECK_CASE in broken.inner_text() and "（第十七条）" in broken.inner_text()
    assert "请填写保存理由" in page.locator("main").inner_text()
    shot(page, "ruleset-editor-breaks-a-case")
    assert page.locator('[name="stage__pre_check__publicity__length"]').input_value() == "3"  # what was typed is kept
    page.fill("#id_save_reason", "依据新文件缩短公示期，用例待修订。")
    page.click("text=保存为第2版")
    page.wait_for_url("**/rules/xam-leader/v/2/")
    section = page.locator("#broken-cases").inner_text()
    assert PRE_CHECK_CASE in section and "保存理由：依据新文件缩短公示期，用例待修订。" in section
    assert Ruleset.objects.get(award=award, version=2).broken_cases[0]["name"] == PRE_CHECK_CASE

    page.click('a[href="/rules/xam-leader/cases/"]')
    page.wait_for_url("**/rules/xam-leader/cases/")
    page.fill("#id_body", json.dumps(SHORT_PUBLICITY, ensure_ascii=False))
    page.click("text=添加并运行")
    page.wait_for_url("**/rules/xam-leader/cases/")
    assert f"已添加用例“{SHORT_PUBLICITY['name']}”" in page.locator(".messages").inner_text()
    assert SHORT_PUBLICITY["name"] in page.locator("#rule-cases").inner_text()
    assert RuleCase.objects.filter(award=award, name=SHORT_PUBLICITY["name"]).exists()
