import ipaddress
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .context import request_ip

SESSION_LAST_SEEN = "_last_seen"
SESSION_AUTH_AT = "_auth_at"
# _last_seen is rewritten at most this often: a session write on every request costs each page three
# queries and a row lock, while the 30-minute idle timeout only loses up to a minute of precision.
SESSION_TOUCH_SECONDS = 60


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client address. With PROXY_COUNT=0 it is REMOTE_ADDR and X-Forwarded-For is ignored (anyone can
    send it). With PROXY_COUNT=N only the hop appended by the N-th trusted proxy counts: the N-th entry
    from the right; whatever the client put further left is ignored. Also used by django-axes
    (AXES_CLIENT_IP_CALLABLE), so a spoofed header cannot reset a lockout counter."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            ip = _valid_ip(hops[-proxies])
            if ip:
                return ip
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def _end_session(request, reason: str) -> None:
    request._logout_reason = reason
    logout(request)


def _flush_refused_session(request) -> None:
    """A session still names a user the auth backend refused (ModelBackend refuses is_active=False):
    end it for good, so re-enabling the account does not bring the old session back."""
    from django.contrib.auth import SESSION_KEY, get_user_model

    user_id = request.session.get(SESSION_KEY)
    if user_id is None:
        return
    from .audit import log_action

    former = get_user_model()._default_manager.filter(pk=user_id).first()
    request.session.flush()
    if former is not None:
        log_action("auth.logout", actor=former, data={"reason": "disabled" if not former.is_active else "refused"})


class RequestContextMiddleware:
    """Records the client IP for the audit log and ends sessions that are idle longer than
    SESSION_IDLE_SECONDS, older than SESSION_ABSOLUTE_SECONDS, or whose user has been disabled.

    Wall-clock time on purpose (not core.clock: simulations move the business clock)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(client_ip(request))
        try:
            self._check_session(request)
            return self.get_response(request)
        finally:
            request_ip.reset(token)

    @staticmethod
    def _check_session(request):
        user = getattr(request, "user", None)
        if user is None or not hasattr(request, "session"):
            return
        if not user.is_authenticated:
            _flush_refused_session(request)
            return
        stamp = time.time()
        session = request.session
        last = session.get(SESSION_LAST_SEEN)
        started = session.get(SESSION_AUTH_AT)
        absolute = getattr(settings, "SESSION_ABSOLUTE_SECONDS", settings.SESSION_COOKIE_AGE)
        if not user.is_active:
            _end_session(request, "disabled")
        elif last and stamp - last > settings.SESSION_IDLE_SECONDS:
            _end_session(request, "idle")
        elif started and stamp - started > absolute:
            _end_session(request, "absolute")
        else:
            if not started:
                session[SESSION_AUTH_AT] = stamp
            if not last or stamp - last >= SESSION_TOUCH_SECONDS:
                session[SESSION_LAST_SEEN] = stamp


# What an authenticated session that has not passed the second factor may still reach, by URL name
# ("namespace:name" as resolve() reports it), never by path prefix: a prefix also let through every staff
# page that happened to live under it (the ruleset editor under /rules/, the correction of a notice under
# /notices/: issue #16 item 1). A route that is in neither set, including any route added later, waits for
# the second factor.
# Any method: signing in and out and the second-factor page itself.
OTP_OPEN_URL_NAMES = frozenset({"login", "logout", "otp-verify", "admin:login", "admin:logout"})
# Reading only (GET/HEAD): the public pages anyone without a login reads. A POST there (a form a page
# grows later) still waits for the second factor: every staff write needs it.
OTP_PUBLIC_READ_URL_NAMES = frozenset({
    "home", "healthz",
    "rules-index", "ruleset-detail", "ruleset-version", "ruleset-diff",
    "criteria-index", "criteria-detail",
    "publicity:notice-list", "publicity:notice-detail", "publicity:notice-pdf", "publicity:notice-feed",
    "publicity:winners", "publicity:verify",
})
SAFE_METHODS = ("GET", "HEAD")


def _otp_open(request) -> bool:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    if match.view_name in OTP_OPEN_URL_NAMES:
        return True
    return request.method in SAFE_METHODS and match.view_name in OTP_PUBLIC_READ_URL_NAMES


class OTPRequiredMiddleware:
    """Until a session that needs the second factor (see core.otp) has passed /accounts/otp/, every
    non-public page redirects there and the API answers 403. Token-authenticated API requests carry no
    session user here: tokens are only issued to OTP-verified sessions (core.api_auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .otp import needs_verification

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _otp_open(request) and needs_verification(user):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "需要先完成双因素认证（动态验证码）。", "code": "otp_required"},
                                    status=403, json_dumps_params={"ensure_ascii": False})
            return redirect("/accounts/otp/?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


CSP_DEFAULT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
               "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI (drf-spectacular) loads its bundle from a CDN and boots with an inline script: only there.
CSP_API_DOCS = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
                "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://cdn.jsdelivr.net; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


class ContentSecurityPolicyMiddleware:
    """Adds Content-Security-Policy (same-origin only) unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = CSP_API_DOCS if request.path.startswith("/api/docs/") else CSP_DEFAULT
            response["Content-Security-Policy"] = policy
        return response
