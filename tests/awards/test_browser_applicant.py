"""In a real browser: an applicant fills the stepped declaration, uploads a PDF (XHR with a progress bar),
sees eligibility with articles and submits; the office's cycle dashboard and the pre-check queue render."""
import datetime as dt

import pytest

from awards import services
from awards.simulation import SIM_PASSWORD
from core import clock
from jurisdictions.calendar import add_working_days
from jurisdictions.models import Award, Body, BodyKind
from tests.conftest import shot

from .factories import org, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orm_beside_playwright():
    """Playwright's sync API leaves its loop registered as running in this thread; Django's async guard is
    told there is none (this process only), as in tests/jurisdictions/test_browser_rulesets.py."""
    import django.utils.asyncio as django_asyncio

    def no_running_loop():
        raise RuntimeError("no running event loop")

    django_asyncio.get_running_loop = no_running_loop


def login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", SIM_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/")


def test_applicant_declares_uploads_checks_and_submits(orm_beside_playwright, page, tmp_path):
    today = clock.today()  # the live server runs on the real clock
    award = Award.objects.get(slug="tacheng-prefecture")
    office = staff("br-tc-office", "office", award.office)
    cycle = services.cycle_open(award=award, actor=office, year=today.year, filing_deadline=today + dt.timedelta(days=40),
                                override_reason="浏览器测试")
    applicant, user = org("br-applicant", "654201", years=10, name="塔城市浏览器测试有限公司")
    checker = staff("br-checker", "precheck", Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))
    pdf = tmp_path / "申报书.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    start = today - dt.timedelta(days=21)
    end = add_working_days(start, 6)

    login(page, "br-applicant")
    page.goto("/apply/")
    assert "可以申报" in page.locator(".open-cycles").inner_text()
    shot(page, "applicant-dashboard")
    page.get_by_role("button", name="开始申报").click()
    page.get_by_role("link", name="下一步：申报事实").click()
    page.get_by_label("被列入经营异常名录").select_option("no")
    page.get_by_label("被列入严重违法失信名单").select_option("no")
    page.get_by_label("申报材料涉及国家秘密").select_option("no")
    page.get_by_label("发生安全、质量、环境等事故的日期").fill("")
    page.get_by_role("button", name="保存并下一步").click()
    page.get_by_label("自我评价报告").fill("我单位对照评审标准逐项开展了自我评价。")
    page.get_by_role("button", name="保存并下一步").click()
    page.get_by_label("内部公示开始日期").fill(start.isoformat())
    page.get_by_label("内部公示结束日期").fill(end.isoformat())
    page.get_by_role("button", name="保存并下一步").click()
    # no 推荐意见 step: 塔城 第十二条 asks it of a branch only
    page.get_by_label("创新能力强、质量管理水平先进、成长性较强的中小型组织（第九条（七））").check()
    page.get_by_role("button", name="保存并下一步").click()
    page.wait_for_url("**step=materials")
    page.get_by_label("材料名称").fill("申报书")
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="上传").click()
    page.locator("#materials").get_by_role("link", name="申报书").wait_for()
    assert "申报书.pdf" in page.locator("#materials").inner_text()
    assert page.locator("#decl-progress").get_attribute("value") == "6"  # all but the submission
    page.get_by_role("link", name="下一步：资格自查与提交").click()
    table = page.locator("#eligibility").inner_text()
    assert "第九条（二）" in table and "年，要求 5 年以上" in table and "需人工审核" in table
    page.get_by_role("button", name="确认无误，提交申报").click()
    page.wait_for_url("**step=status")
    assert page.locator("#app-status").inner_text() == "待办理"
    assert "行业主管部门或县（市）市场监管部门审核" in page.locator("#timeline").inner_text()

    page.get_by_role("button", name="退出（br-applicant）").click()
    login(page, "br-tc-office")
    page.goto(f"/office/cycles/{cycle.pk}/")
    assert page.locator("#funnel").inner_text().count("\t1\t") >= 1
    shot(page, "office-cycle-dashboard")
    page.get_by_role("button", name="退出（br-tc-office）").click()
    login(page, checker.username)
    page.goto("/precheck/")
    assert "塔城市浏览器测试有限公司" in page.locator("#precheck-queue").inner_text()
    shot(page, "precheck-queue")

    # the county pre-check (塔城 第十二条): open the application, record the opinion, pass it, publish the list
    page.locator("#precheck-queue").get_by_role("link").first.click()
    assert "塔城市浏览器测试有限公司" in page.locator("h1").inner_text()
    assert "申报书" in page.locator("main").inner_text()  # the materials beside the declaration
    opinion = page.locator("#opinion-form")
    opinion.get_by_label("意见类型").select_option(index=0)
    opinion.get_by_label("出具单位").fill("塔城市市场监督管理局")
    opinion.get_by_role("textbox", name="意见").fill("材料齐全，情况属实，同意推荐。")
    with page.expect_navigation():
        opinion.get_by_role("button", name="保存意见").click()
    assert "材料齐全，情况属实，同意推荐。" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator("#action-form").get_by_role("button", name="审查通过").click()
    assert page.locator("#app-status").inner_text() == "已通过，待公示/推进", page.locator("main").inner_text()[:600]
    page.goto("/precheck/")
    page.get_by_role("button", name="发布公示名单").click()
    assert "已发布" in page.locator("ul.messages").inner_text()
    from publicity.models import Notice

    notice = Notice.objects.get(cycle=cycle, stage="pre_check")
    assert notice.unit == "working_days" and notice.length == 5
    page.goto(f"/notices/{notice.pk}/")
    assert "塔城市浏览器测试有限公司" in page.locator("main").inner_text()
    assert "（5个工作日）" in page.locator(".pub-window").inner_text()
