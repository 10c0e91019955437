"""In a real browser: the pool, a history import with a bad row, onboarding a new county award."""
import datetime as dt

import pytest

from awards.models import Applicant, Ban, Cycle, Grant
from awards.models import PoolMember
from core import clock
from jurisdictions.models import Award, Body, BodyKind, Membership
from tests.conftest import shot

from .helpers import PASSWORD, credit, workbook

pytestmark = pytest.mark.browser


def login(page, username, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"**{next_url}")


def test_office_adds_a_pool_member_and_a_county_sees_it(orm_beside_playwright, make_user, page, browser, live_server):
    award = Award.objects.get(slug="xam-leader")
    make_user("xam-pool-office", role="office", body=award.office, password=PASSWORD)
    county_body = Body.objects.get(jurisdiction__code="152201", kind=BodyKind.MARKET_REGULATION)
    make_user("wlht-pool-precheck", role="precheck", body=county_body, password=PASSWORD)
    make_user("aes-pool-precheck", role="precheck", body=Body.objects.get(jurisdiction__code="152202", kind=BodyKind.MARKET_REGULATION),
              password=PASSWORD)
    code = credit("152201", 31)

    login(page, "xam-pool-office", "/programme/pool/")
    page.fill("#id_name", "乌兰浩特培育乳业有限公司")
    page.fill("#id_credit_code", code)
    page.select_option("#id_county", label="乌兰浩特市（152201）")
    page.select_option("#id_route", "county_recommendation")
    page.select_option("#id_recommended_by_body", label=county_body.name)
    page.fill("#id_recommended_by_person", "李科长")
    page.fill("#id_joined_on", "2025-03-01")
    page.fill("#id_notes", "已开展卓越绩效自评诊断")
    shot(page, "programme-pool-add")
    page.click("#pool-add button.primary")
    page.wait_for_url("**/programme/pool/*/")
    assert "乌兰浩特培育乳业有限公司已纳入兴安盟盟长质量奖培育库。" in page.locator(".messages").inner_text()
    main = page.locator("main").inner_text()
    assert "旗县（市、区）推荐，推荐单位：乌兰浩特市市场监督管理局，推荐人：李科长" in main and "2025-03-01" in main
    member = PoolMember.objects.get(credit_code=code)
    shot(page, "programme-pool-detail")

    county = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    login(county, "wlht-pool-precheck", "/programme/pool/")
    assert "乌兰浩特培育乳业有限公司" in county.locator("table.pool").inner_text()
    county.context.close()
    other = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    login(other, "aes-pool-precheck", "/programme/pool/")
    assert "暂无您可查看的培育库成员" in other.locator("table.pool").inner_text()
    assert other.goto(f"/programme/pool/{member.pk}/").status == 404
    other.context.close()


def test_history_import_shows_the_bad_rows_chinese_error_and_commits_nothing(orm_beside_playwright, make_user, page, tmp_path):
    make_user("tc-import-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office, password=PASSWORD)
    good = ["tacheng-prefecture", "2023", "1", "组织", "塔城市历史好公司", credit("654201", 41), "654201", "塔行发〔2023〕12号", "2023-12-20",
            "", "", "", ""]
    bad = ["tacheng-prefecture", "2023", "1", "组织", "错码公司", "91654201MA7X0000X0", "654201", "塔行发〔2023〕12号", "2023-12-20",
           "", "", "", ""]
    path = tmp_path / "history.xlsx"
    path.write_bytes(workbook([good, bad]).getvalue())
    before = (Applicant.objects.count(), Grant.objects.count(), Ban.objects.count(), Cycle.objects.count())

    login(page, "tc-import-office", "/programme/history/")
    with page.expect_download() as download:
        page.click("text=下载 Excel 模板")
    assert download.value.suggested_filename == "award-history-template.xlsx"
    page.set_input_files("#id_file", str(path))
    page.click("button.primary")
    page.wait_for_url("**/programme/history/*/")
    assert "共 2 行，1 行有错误" in page.locator(".summary").inner_text()
    assert page.locator('tr[data-row="2"] .error-cell').inner_text() == ""
    assert "新建申报主体；获奖记录：第 1 届（2023年）塔行发〔2023〕12号" in page.locator('tr[data-row="2"]').inner_text()
    assert page.locator('tr[data-row="3"] .error-cell').inner_text() == "统一社会信用代码校验位不正确，请核对营业执照上的代码"
    shot(page, "programme-history-dry-run")
    page.click("text=确认导入")
    assert "有 1 行存在错误（第 3 行），未导入任何记录" in page.locator("[role=alert]").inner_text()
    shot(page, "programme-history-refused")
    assert (Applicant.objects.count(), Grant.objects.count(), Ban.objects.count(), Cycle.objects.count()) == before


def test_jurisdiction_admin_onboards_a_county_award_and_opens_its_first_cycle(orm_beside_playwright, make_user, page):
    admin = make_user("tc-admin-web", password=PASSWORD)
    Membership.objects.create(user=admin, body=Body.objects.get(jurisdiction__code="654200", kind=BodyKind.MARKET_REGULATION), role="admin")

    login(page, "tc-admin-web", "/programme/onboard/")
    page.fill("#id_code", "654221")
    page.fill("#id_award_name", "额敏县县长质量奖")
    page.fill("#id_slug", "emin-county")
    page.select_option("#id_template", "tacheng-prefecture")
    page.fill("#id_document_number", "额政办发〔2026〕1号")
    page.fill("#id_effective_from", "2026-01-01")
    shot(page, "programme-onboard-form")
    page.click("#onboard button.primary")
    page.wait_for_url("**/programme/onboard/emin-county/")
    assert "已设立额敏县县长质量奖，规则第1版已生效。" in page.locator(".messages").inner_text()
    assert page.locator("a", has_text="逐条修改规则").get_attribute("href") == "/rules/emin-county/edit/"
    assert "额敏县（654221），办公室“额敏县质量奖办公室”" in page.locator("main").inner_text()
    deadline = clock.today() + dt.timedelta(days=30)
    page.fill("#id_filing_deadline", deadline.isoformat())
    page.click("#open-cycle button.primary")
    page.wait_for_url("**/programme/onboard/emin-county/")
    assert f"申报截止 {deadline:%Y-%m-%d}" in page.locator(".messages").inner_text()
    shot(page, "programme-onboard-cycle")
    cycle = Cycle.objects.get(award__slug="emin-county")
    assert (cycle.number, cycle.ruleset.version, cycle.award.jurisdiction.code) == (1, 1, "654221")
    page.goto("/rules/emin-county/edit/")
    assert page.locator("h1").count() == 1 and "额敏县县长质量奖" in page.locator("main").inner_text()
