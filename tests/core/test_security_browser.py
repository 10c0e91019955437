"""In a real browser: a staff member's first login sets up TOTP from the inline-SVG QR code, under the
site's Content-Security-Policy without a single violation."""
import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jurisdictions.models import Body
from tests.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Zlj-test-2026!"


@pytest.fixture(scope="session")
def orm_beside_playwright():
    """See tests/jurisdictions/test_browser_rulesets.py: Playwright's sync loop stays registered in the main
    thread; nothing runs concurrently with it, so Django's async guard is told there is none (this process only)."""
    import django.utils.asyncio as django_asyncio

    def no_running_loop():
        raise RuntimeError("no running event loop")

    django_asyncio.get_running_loop = no_running_loop


def test_staff_first_login_sets_up_totp_without_csp_violations(orm_beside_playwright, make_user, page, settings):
    settings.OTP_REQUIRED = True
    make_user("office-browser", role="office", body=Body.objects.order_by("id").first())
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/accounts/login/?next=/rules/")
    page.fill("#id_username", "office-browser")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/accounts/otp/?next=%2Frules%2F")
    assert page.locator("figure.otp-qr svg").is_visible()
    assert len(page.locator("code.otp-secret").inner_text()) == 32
    shot(page, "otp-setup")
    device = TOTPDevice.objects.get(user__username="office-browser", confirmed=False)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.fill("#id_code", f"{code:06d}")
    page.click("form.form button.primary")
    page.wait_for_url("**/rules/")
    assert "双因素认证已完成" in page.locator(".messages").inner_text()
    assert problems == []
