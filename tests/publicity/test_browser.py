import pytest

from tests.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_objection_filed_and_followed_by_receipt(orm_beside_playwright, tacheng, page, tmp_path):
    """The notice window is open at the real 'now' only if we move it: publish-time windows are in 2025, so the
    browser test re-opens this notice's window around today (the live server uses the real clock)."""
    import datetime as dt

    from core import clock
    from publicity.models import Notice

    today = clock.today()
    Notice.objects.filter(pk=tacheng.notice.pk).update(first_day=today, last_day=today + dt.timedelta(days=7),
                                                       closes_at=clock.end_of_day(today + dt.timedelta(days=7)), unit="calendar_days", length=8)
    proof = tmp_path / "proof.pdf"
    proof.write_bytes(b"%PDF-1.4\n%%EOF")
    page.goto(f"/notices/{tacheng.notice.pk}/")
    page.get_by_role("link", name="在线提出异议").click()
    page.get_by_label("单位（加盖公章）").check()
    page.get_by_label("姓名/单位名称").fill("塔城市某建材有限公司")
    page.get_by_label("联系电话").fill("0901-6123456")
    page.get_by_label("通讯地址").fill("塔城市建设路8号")
    page.get_by_label("异议对象（公示名单中的申报单位）").select_option(label="乌苏市天山建材有限责任公司")
    page.get_by_label("异议事实与理由").fill("该单位近三年发生过安全事故。")
    page.get_by_label("身份证明（个人）或加盖公章的扫描件（单位）").set_input_files(str(proof))
    page.get_by_role("button", name="提交异议").click()
    receipt = page.locator("#receipt-no").inner_text()
    assert receipt.startswith("YY")
    shot(page, "public-objection")
    page.get_by_role("link", name="查询办理进度").click()
    assert page.locator("#objection-state").inner_text() == "已收到，待审查"
    assert "0901-6123456" not in page.content()
