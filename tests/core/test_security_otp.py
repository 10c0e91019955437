"""Second factor (item 3): TOTP for staff roles and superusers, opt-in for applicants, and the API token
endpoint that only serves OTP-verified sessions."""
import re

import pytest
from django.urls import include, path
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core.models import AuditEntry
from jurisdictions.models import Body

PASSWORD = "Zlj-test-2026!"
urlpatterns = [path("api/v1/", include("core.api_urls")), path("", include("config.urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _otp_on(settings):
    settings.OTP_REQUIRED = True


@pytest.fixture
def officer(make_user):
    return make_user("office-zhang", role="office", body=Body.objects.order_by("id").first())


def code_for(device, offset=0):
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def login(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def set_up_device(client):
    page = client.get("/accounts/otp/")
    device = TOTPDevice.objects.get(confirmed=False)
    return page, device


def test_staff_login_goes_to_otp_and_everything_private_waits_for_it(client, officer):
    response = login(client, "office-zhang")
    assert (response.status_code, response["Location"]) == (302, "/accounts/otp/?next=%2F")
    private = client.get("/workspace/")
    assert (private.status_code, private["Location"]) == (302, "/accounts/otp/?next=%2Fworkspace%2F")
    api = client.get("/api/v1/awards/")
    assert (api.status_code, api.json()["code"]) == (403, "otp_required")
    assert client.get("/notices/").status_code != 302  # public pages stay open


def test_first_use_shows_a_qr_code_then_a_code_confirms_the_device(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a slow machine must not outlast the brake
    login(client, "office-zhang")
    page, device = set_up_device(client)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "您的岗位须使用动态验证码登录" in html
    assert re.search(r'<code class="otp-secret">[A-Z2-7]{32}</code>', html)
    wrong = client.post("/accounts/otp/?next=/workspace/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确或已过期" in wrong.content.decode()
    # django-otp throttling: right after a wrong code even the right one waits (brute-force brake).
    throttled = client.post("/accounts/otp/", {"code": code_for(device)})
    assert throttled.status_code == 400 and "验证码错误次数过多" in throttled.content.decode()
    device.throttle_reset()
    key_before = client.session.session_key
    right = client.post("/accounts/otp/", {"code": code_for(device), "next": "/workspace/"})
    assert (right.status_code, right["Location"]) == (302, "/workspace/")
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session.session_key != key_before
    assert client.get("/workspace/").get("Location", "") != "/accounts/otp/?next=%2Fworkspace%2F"
    outcomes = list(AuditEntry.objects.filter(action="auth.otp").values_list("outcome", flat=True))
    assert outcomes == ["failure", "failure", "success"]


def test_a_code_cannot_be_replayed_and_later_logins_ask_without_a_qr(client, officer):
    login(client, "office-zhang")
    _page, device = set_up_device(client)
    code = code_for(device)
    client.post("/accounts/otp/", {"code": code})
    client.post("/accounts/logout/")
    login(client, "office-zhang")
    page = client.get("/accounts/otp/")
    assert "<svg" not in page.content.decode()
    replay = client.post("/accounts/otp/", {"code": code})
    assert replay.status_code == 400
    device.throttle_reset()
    fresh = client.post("/accounts/otp/", {"code": code_for(device, offset=1)})
    assert fresh.status_code == 302


def test_wrong_format_and_open_redirect_are_refused(client, officer):
    login(client, "office-zhang")
    _page, device = set_up_device(client)
    bad = client.post("/accounts/otp/", {"code": "12ab"})
    assert "请输入身份验证器显示的 6 位数字验证码" in bad.content.decode()
    device.throttle_reset()
    ok = client.post("/accounts/otp/", {"code": code_for(device), "next": "https://evil.example/"})
    assert ok["Location"] == "/"


def test_superuser_admin_requires_otp(client, django_user_model):
    django_user_model.objects.create_superuser("root-c", password=PASSWORD)
    client.post("/admin/login/?next=/admin/", {"username": "root-c", "password": PASSWORD})
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/otp/?next=%2Fadmin%2F")


def test_applicants_are_not_forced_but_may_opt_in(client, make_user):
    make_user("applicant-li")
    response = login(client, "applicant-li")
    assert response["Location"] == "/"
    assert client.get("/workspace/").get("Location", "").startswith("/accounts/otp/") is False
    page, device = set_up_device(client)
    assert "您可以自愿启用双因素认证" in page.content.decode()
    client.post("/accounts/otp/", {"code": code_for(device)})
    client.post("/accounts/logout/")
    assert login(client, "applicant-li")["Location"] == "/accounts/otp/?next=%2F"


def test_otp_required_false_switches_the_requirement_off(client, officer, settings):
    settings.OTP_REQUIRED = False
    assert login(client, "office-zhang")["Location"] == "/"


def test_token_only_for_an_otp_verified_session_of_the_same_user(client, officer, make_user):
    body = {"username": "office-zhang", "password": PASSWORD}
    # No session at all.
    anonymous = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert (anonymous.status_code, anonymous.json()["code"]) == (403, "otp_required")
    # Password session, second factor not yet passed: the API refuses before the view.
    login(client, "office-zhang")
    unverified = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert (unverified.status_code, unverified.json()["code"]) == (403, "otp_required")
    _page, device = set_up_device(client)
    client.post("/accounts/otp/", {"code": code_for(device)})
    # Another user's credentials from this session: refused.
    make_user("someone-else")
    other = client.post("/api/v1/auth/token/", {"username": "someone-else", "password": PASSWORD},
                        content_type="application/json")
    assert other.status_code == 403
    issued = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert issued.status_code == 200
    token = issued.json()["token"]
    assert Token.objects.get(user=officer).key == token
    again = client.post("/api/v1/auth/token/", body, content_type="application/json").json()["token"]
    assert again != token and not Token.objects.filter(key=token).exists()
    assert AuditEntry.objects.filter(action="auth.login", outcome="success", data__channel="api").count() == 2


def test_api_tokens_expire_after_the_absolute_session_lifetime(officer, settings):
    import datetime as dt

    from django.utils import timezone
    from rest_framework.exceptions import AuthenticationFailed

    from core.authentication import ExpiringTokenAuthentication

    assert settings.API_TOKEN_TTL_SECONDS == 8 * 3600
    token = Token.objects.create(user=officer)
    assert ExpiringTokenAuthentication().authenticate_credentials(token.key)[0] == officer
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(hours=8, seconds=1))
    with pytest.raises(AuthenticationFailed, match="接口令牌已过期"):
        ExpiringTokenAuthentication().authenticate_credentials(token.key)
    assert not Token.objects.filter(user=officer).exists()
