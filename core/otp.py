"""Second factor (TOTP via django-otp) policy: who must verify, device set-up and verification.

Required for superusers and for every user holding an active staff Membership (all roles in
jurisdictions.models.Role: office, precheck, committee, reviewer, agency, supervisor, admin), and for any
user who opted in by confirming a device. `settings.OTP_REQUIRED=False` switches the requirement off
(the general test-suite does; production keeps the default True).
"""
import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import log_action
from .errors import DomainError

STAFF_ROLES = ("office", "precheck", "committee", "reviewer", "agency", "supervisor", "admin")
DEVICE_NAME = "身份验证器"


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_required_for(user) -> bool:
    if not getattr(settings, "OTP_REQUIRED", True) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if user.memberships.filter(role__in=STAFF_ROLES, active=True).exists():
        return True
    return has_confirmed_device(user)


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_verification(user) -> bool:
    """True when this authenticated session must still pass /accounts/otp/."""
    return not is_verified(user) and otp_required_for(user)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device shown as a QR code on first use (reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG (no external image, no script: fits the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title="双因素认证二维码")


def secret_base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def verify(request, code: str) -> TOTPDevice:
    """Checks a 6-digit code against the user's confirmed device (or the pending one on first use),
    marks the session verified and rotates its key. Raises DomainError in Chinese otherwise."""
    user = request.user
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        log_action("auth.otp", actor=user, outcome="failure", data={"reason": "format"})
        raise DomainError("请输入身份验证器显示的 6 位数字验证码。", code="otp_format", field="code")
    confirmed = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    candidates = confirmed or [pending_device(user)]
    if not any(device.verify_is_allowed()[0] for device in candidates):
        log_action("auth.otp", actor=user, outcome="failure", data={"reason": "throttled"})
        raise DomainError("验证码错误次数过多，请稍候片刻再试。", code="otp_throttled", field="code")
    with transaction.atomic():
        for device in candidates:
            if device.verify_token(code):
                first_use = not device.confirmed
                if first_use:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                request.session.cycle_key()  # privilege raised: new session key
                otp_login(request, device)
                log_action("auth.otp", actor=user, data={"setup": first_use})
                return device
    log_action("auth.otp", actor=user, outcome="failure", data={"reason": "mismatch"})
    raise DomainError("验证码不正确或已过期，请重新输入。", code="otp_invalid", field="code")
