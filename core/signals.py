"""Cross-cutting security audit: every login, failed login, logout and lockout writes an audit entry.

Connected in CoreConfig.ready(). The password never reaches the log: Django hands `user_login_failed`
credentials with the password already masked, and only the attempted username is kept.
"""
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .audit import log_action

from .middleware import SESSION_AUTH_AT, SESSION_LAST_SEEN


def login_channel(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and login_channel(request) != "api":
        # Start of the absolute session lifetime (see core.middleware.RequestContextMiddleware).
        request.session[SESSION_AUTH_AT] = time.time()
        request.session[SESSION_LAST_SEEN] = time.time()
    log_action("auth.login", actor=user, outcome="success",
               data={"username": user.get_username(), "channel": login_channel(request)})


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    log_action("auth.login", outcome="failure", actor_label=username or "anonymous",
               data={"username": username, "channel": login_channel(request)})


def _on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "_logout_reason", "") if request is not None else ""
    log_action("auth.logout", actor=user, data={"reason": reason or "user"})


def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    log_action("auth.lockout", outcome="failure", actor_label=(username or "anonymous")[:150],
               data={"username": username or "", "channel": login_channel(request)})


def connect():
    from axes.signals import user_locked_out

    user_logged_in.connect(_on_logged_in, dispatch_uid="core.audit.logged_in")
    user_login_failed.connect(_on_login_failed, dispatch_uid="core.audit.login_failed")
    user_logged_out.connect(_on_logged_out, dispatch_uid="core.audit.logged_out")
    user_locked_out.connect(_on_locked_out, dispatch_uid="core.audit.locked_out")
