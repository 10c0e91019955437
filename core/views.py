from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from core import otp
from core.errors import DomainError


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
