"""Login auditing (item 1) and django-axes lockout on every login path (item 2), incl. the API token endpoint."""
import json

import pytest
from axes.models import AccessAttempt
from django.urls import include, path

from core.models import AuditEntry

PASSWORD = "Zlj-test-2026!"

# The token endpoint lives in core.api_urls, mounted at /api/v1/ (config.urls mounts it for the app).
urlpatterns = [path("api/v1/", include("core.api_urls")), path("", include("config.urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def login_entries():
    return list(AuditEntry.objects.filter(action="auth.login").order_by("id"))


def test_web_login_success_and_failure_are_audited_without_the_password(client, make_user):
    make_user("zhangsan")
    bad = client.post("/accounts/login/", {"username": "zhangsan", "password": "Wrong-pass-1"}, REMOTE_ADDR="10.1.2.3")
    assert bad.status_code == 200
    good = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert good.status_code == 302 and good["Location"] == "/"
    failure, success = login_entries()
    assert (failure.outcome, failure.actor_id, failure.actor_label) == ("failure", None, "zhangsan")
    assert failure.data == {"username": "zhangsan", "channel": "web"}
    assert failure.source_ip == "10.1.2.3"
    assert (success.outcome, success.actor_label, success.data["channel"]) == ("success", "zhangsan", "web")
    dumped = json.dumps([e.data for e in AuditEntry.objects.all()], ensure_ascii=False)
    assert "Wrong-pass-1" not in dumped and PASSWORD not in dumped


def test_logout_is_audited(client, make_user):
    user = make_user("lisi")
    client.post("/accounts/login/", {"username": "lisi", "password": PASSWORD})
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="auth.logout").get()
    assert (entry.actor_id, entry.data) == (user.pk, {"reason": "user"})


def test_admin_login_is_audited(client, django_user_model):
    django_user_model.objects.create_superuser("root-a", password=PASSWORD)
    client.post("/admin/login/?next=/admin/", {"username": "root-a", "password": "nope-Nope-1"})
    response = client.post("/admin/login/?next=/admin/", {"username": "root-a", "password": PASSWORD})
    assert response.status_code == 302
    assert [(e.outcome, e.data["channel"]) for e in login_entries()] == [("failure", "admin"), ("success", "admin")]


def test_api_token_login_failure_is_audited(client, make_user):
    make_user("wangwu")
    response = client.post("/api/v1/auth/token/", {"username": "wangwu", "password": "Bad-pass-99"},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码不正确。", "code": "invalid_credentials"}
    [entry] = login_entries()
    assert (entry.outcome, entry.data) == ("failure", {"username": "wangwu", "channel": "api"})


def _fail(client, url, username, n, **extra):
    for i in range(n):
        client.post(url, {"username": username, "password": f"Wrong-{i}-x"}, **extra)


def test_five_web_failures_lock_the_account_even_with_the_right_password_and_a_new_forwarded_for(client, make_user):
    make_user("zhaoliu")
    for i in range(5):
        client.post("/accounts/login/", {"username": "zhaoliu", "password": f"Wrong-{i}-x"},
                    REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = client.post("/accounts/login/", {"username": "zhaoliu", "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # PROXY_COUNT=0: the counter is keyed on REMOTE_ADDR, never on the spoofable header.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert AuditEntry.objects.filter(action="auth.lockout", actor_label="zhaoliu").exists()
    assert [e.outcome for e in login_entries()] == ["failure"] * 6


def test_behind_one_proxy_only_the_trusted_hop_counts(client, make_user, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    make_user("sunqi")
    for i in range(5):
        # The client controls everything left of the hop nginx appends (10.9.8.7 = the real client).
        client.post("/accounts/login/", {"username": "sunqi", "password": f"Wrong-{i}-x"},
                    REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 10.9.8.7")
    response = client.post("/accounts/login/", {"username": "sunqi", "password": PASSWORD},
                           REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="8.8.8.8, 10.9.8.7")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.9.8.7"}
    assert set(AuditEntry.objects.filter(action="auth.login").values_list("source_ip", flat=True)) == {"10.9.8.7"}


def test_garbage_forwarded_for_falls_back_to_remote_addr(client, make_user, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    make_user("garbage")
    client.post("/accounts/login/", {"username": "garbage", "password": "x"}, REMOTE_ADDR="172.18.0.5",
                HTTP_X_FORWARDED_FOR="<script>, not-an-ip")
    assert login_entries()[0].source_ip == "172.18.0.5"


def test_five_admin_failures_lock_the_admin_login(client, django_user_model):
    django_user_model.objects.create_superuser("root-b", password=PASSWORD)
    _fail(client, "/admin/login/", "root-b", 5)
    response = client.post("/admin/login/?next=/admin/", {"username": "root-b", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_five_api_failures_lock_the_token_endpoint(client, make_user):
    make_user("zhouba")
    for i in range(5):
        client.post("/api/v1/auth/token/", {"username": "zhouba", "password": f"Wrong-{i}-x"},
                    content_type="application/json")
    response = client.post("/api/v1/auth/token/", {"username": "zhouba", "password": PASSWORD},
                           content_type="application/json", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"
    assert "锁定" in response.json()["detail"]
