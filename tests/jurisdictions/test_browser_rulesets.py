"""In a real browser: the award office changes a publicity length and the public page shows the new version."""
import pytest

from jurisdictions.models import Award, Ruleset
from tests.conftest import shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def orm_beside_playwright():
    """Playwright's sync API leaves its asyncio loop registered as running in the main thread for as long as
    the session-scoped browser lives, so Django's async-safety guard would refuse every ORM call made by this
    test and by any test after it. Nothing here runs concurrently with that loop, so the guard is told there
    is no loop, in this process only (not via DJANGO_ALLOW_ASYNC_UNSAFE, which subprocesses would inherit and
    `check --deploy` rightly refuses). It stays so because the browser outlives the test; the shared
    conftest's `browser` fixture is the better home for this. Session-scoped so that it is in place before
    the session-scoped browser starts."""
    import django.utils.asyncio as django_asyncio

    def no_running_loop():
        raise RuntimeError("no running event loop")

    django_asyncio.get_running_loop = no_running_loop


PASSWORD = "Zlj-test-2026!"


def test_office_edits_publicity_length_and_public_page_shows_version_2(orm_beside_playwright, make_user, page, without_rule_case_checks):
    award = Award.objects.get(slug="chanhe-head")
    make_user("chanhe-office", role="office", body=award.office, password=PASSWORD)

    page.goto("/accounts/login/?next=/rules/chanhe-head/edit/")
    page.fill("#id_username", "chanhe-office")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/rules/chanhe-head/edit/")

    length = page.locator('[name="stage__award_publicity__publicity__length"]')
    assert length.input_value() == "7"  # 瀍河 第十九条: 公示7天
    length.fill("10")
    page.fill("#id_note", "依据区政府常务会议决定延长拟奖名单公示期")
    shot(page, "office-ruleset-editor")
    page.click("text=保存为第2版")
    page.wait_for_url("**/rules/chanhe-head/v/2/")
    assert "已保存为第2版" in page.locator(".messages").inner_text()

    page.goto("/rules/chanhe-head/")
    body = page.locator("main").inner_text()
    assert "第2版" in body and "现行有效" in body
    assert "公示10天（第十九条）" in body and "公示7天" not in body
    assert Ruleset.objects.get(award=award, version=1).data["stages"][7]["publicity"]["length"] == 7

    page.goto("/rules/chanhe-head/diff/?a=1&b=2")
    assert page.locator("del.diff-del").inner_text() == "7"
    assert page.locator("ins.diff-add").inner_text() == "10"
