import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from core import clock, otp
from core.errors import DomainError


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # health check reports any failure
        return False, f"{type(exc).__name__}: {exc}"


def _check_broker() -> tuple[bool, str]:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_name
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _check_calendar() -> tuple[bool, dict]:
    from jurisdictions.calendar import known_years

    try:
        years = known_years()
    except Exception as exc:
        return False, {"error": str(exc)}
    this_year = clock.today().year
    return this_year in years, {"years": [min(years), max(years)] if years else [], "covers_this_year": this_year in years,
                                "next_year_known": this_year + 1 in years}


def healthz(request):
    db_ok, db_info = _check_database()
    broker_ok, broker_info = _check_broker()
    cal_ok, cal_info = _check_calendar() if db_ok else (False, {"error": "database unavailable"})
    body = {
        "database": {"ok": db_ok, "detail": db_info},
        "broker": {"ok": broker_ok, "detail": broker_info},
        "calendar": {"ok": cal_ok, **cal_info},
        "time": dt.datetime.now(clock.SHANGHAI).isoformat(timespec="seconds"),
    }
    # The database and the broker decide whether this node can serve (503 takes it out of the balancer). A
    # year whose holidays staff have not entered yet is a warning for the office, not an outage: the app keeps
    # serving and refuses only the windows that fall in that year, with a message saying what to enter.
    failing = [name for name in ("database", "broker") if not body[name]["ok"]]
    body["status"] = ("ok" if not failing else "failing: " + ", ".join(failing)) + (
        f"; warning: calendar does not cover {clock.today().year}" if db_ok and not cal_ok else "")
    return JsonResponse(body, status=200 if not failing else 503, json_dumps_params={"ensure_ascii": False})


def home(request):
    from jurisdictions.selectors import awards_public

    return render(request, "core/home.html", {"awards": awards_public()})


class LoginView(auth_views.LoginView):
    """Password login; users who need the second factor continue at /accounts/otp/ (see core.otp)."""

    template_name = "core/login.html"

    def get_success_url(self):
        url = super().get_success_url()
        if otp.needs_verification(self.request.user):
            return "/accounts/otp/?" + urlencode({"next": url})
        return url


def _safe_next(request, default="/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@login_required
def otp_verify(request):
    """Set up a TOTP device on first use (QR code), then verify a 6-digit code. Applicants may opt in here."""
    user = request.user
    if otp.is_verified(user):
        return redirect(_safe_next(request))
    confirmed = otp.has_confirmed_device(user)
    error = ""
    if request.method == "POST":
        try:
            otp.verify(request, request.POST.get("code", ""))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "双因素认证已完成。" if confirmed else "身份验证器已绑定，双因素认证已完成。")
            return redirect(_safe_next(request))
    context = {"confirmed": confirmed, "error": error, "next": _safe_next(request, default=""),
               "required": otp.otp_required_for(user)}
    if not confirmed:
        device = otp.pending_device(user)
        context.update(qr_svg=mark_safe(otp.qr_svg(device)), secret=otp.secret_base32(device))
    return render(request, "core/otp.html", context, status=400 if error else 200)
