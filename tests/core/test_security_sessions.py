"""Sessions (item 4): idle and absolute timeouts, key rotation at login, disabled users lose live sessions;
password policy with Chinese messages."""
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import AuditEntry

PASSWORD = "Zlj-test-2026!"
pytestmark = pytest.mark.django_db


def _age_session(client, **stamps):
    session = client.session
    for key, seconds_ago in stamps.items():
        session[key] = time.time() - seconds_ago
    session.save()


def logged_in(client):
    return SESSION_KEY in client.session


def test_idle_session_ends_after_session_idle_seconds(client, make_user, settings):
    assert settings.SESSION_IDLE_SECONDS == 1800
    user = make_user("idle-user")
    client.post("/accounts/login/", {"username": "idle-user", "password": PASSWORD})
    _age_session(client, _last_seen=1790)
    client.get("/")
    assert logged_in(client)
    _age_session(client, _last_seen=1801)
    client.get("/")
    assert not logged_in(client)
    entry = AuditEntry.objects.filter(action="auth.logout").get()
    assert (entry.actor_id, entry.data) == (user.pk, {"reason": "idle"})


def test_absolute_timeout_ends_an_active_session(client, make_user, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 8 * 3600
    make_user("busy-user")
    client.post("/accounts/login/", {"username": "busy-user", "password": PASSWORD})
    _age_session(client, _last_seen=10, _auth_at=8 * 3600 - 60)
    client.get("/")
    assert logged_in(client)
    _age_session(client, _last_seen=10, _auth_at=8 * 3600 + 1)
    client.get("/")
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action="auth.logout").get().data == {"reason": "absolute"}


def test_login_rotates_the_session_key(client, make_user):
    make_user("rotate-user")
    session = client.session
    session["cart"] = "pre-login"
    session.save()
    before = session.session_key
    client.post("/accounts/login/", {"username": "rotate-user", "password": PASSWORD})
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_disabling_a_user_ends_their_live_session_for_good(client, make_user):
    user = make_user("leaver")
    client.force_login(user)
    client.get("/")
    assert logged_in(client)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.get("/")
    assert not logged_in(client)
    user.is_active = True
    user.save(update_fields=["is_active"])
    client.get("/")
    assert not logged_in(client)  # re-enabling does not bring the old session back
    entry = AuditEntry.objects.filter(action="auth.logout").get()
    assert (entry.actor_id, entry.data) == (user.pk, {"reason": "disabled"})


def messages_for(password, username="zhangsan"):
    from django.contrib.auth.models import User

    with translation.override("zh-hans"):
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            return exc.messages
    return []


def test_password_policy_messages_are_chinese():
    assert messages_for("Ab1!x") == ["密码太短，至少需要 8 个字符。"]
    assert messages_for("abcdefgh-only") == ["密码须包含大写字母、小写字母、数字、符号中的至少三类。"]
    assert "密码不能包含用户名。" in messages_for("Zhangsan-2026")
    assert messages_for("Password1") == ["这个密码太常见了。"]
    assert messages_for("Zlj-test-2026!") == []
