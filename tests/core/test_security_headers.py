"""Security headers (item 7): CSP on every page, HSTS and secure cookies in production, and
`manage.py check --deploy --fail-level WARNING` clean with the production environment the README documents."""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SECURE_", "SESSION_", "OTP_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(32),
               SECURE_COOKIES="true", SECURE_SSL_REDIRECT="true", SECURE_HSTS_SECONDS="31536000",
               BEHIND_PROXY="true", ALLOWED_HOSTS="zlj.example.cn", VAR_DIR=str(tmp_path / "var"),
               DJANGO_SETTINGS_MODULE="config.settings")
    return env


def test_check_deploy_passes_with_the_production_environment(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_environment_turns_on_secure_cookies_hsts_and_the_second_factor(tmp_path):
    code = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps(["
            "s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT,"
            "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, list(s.SECURE_PROXY_SSL_HEADER), s.OTP_REQUIRED,"
            "s.X_FRAME_OPTIONS, s.SESSION_IDLE_SECONDS, s.SESSION_ABSOLUTE_SECONDS]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=production_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        False, True, True, True, True, 31536000, True, ["HTTP_X_FORWARDED_PROTO", "https"], True, "DENY", 1800, 28800]


@pytest.mark.django_db
def test_pages_carry_a_same_origin_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    # Redirects and errors carry it too.
    assert "default-src 'self'" in client.get("/accounts/otp/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_only_the_swagger_page_may_load_its_cdn_bundle(client, make_user):
    client.force_login(make_user("api-reader"))
    docs = client.get("/api/docs/")
    assert "https://cdn.jsdelivr.net" in docs["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" not in client.get("/api/v1/awards/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_hsts_and_https_redirect_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/healthz")
    assert (plain.status_code, plain["Location"]) == (301, "https://testserver/healthz")
    secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
