"""POST /api/v1/auth/token/: a DRF token, issued only to a browser session that passed the second factor.

The caller re-enters username and password (checked through django.contrib.auth.authenticate, so
django-axes counts failures and locks out, and the audit log records the attempt) and must already hold a
session for the same user that is OTP-verified when the second factor applies (core.otp). Each issue
replaces the user's previous token.
"""
from django.contrib.auth import authenticate, user_logged_in
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import otp
from .audit import log_action


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


def _error(detail: str, code: str, http_status: int) -> Response:
    return Response({"detail": detail, "code": code}, status=http_status)


try:
    from drf_spectacular.utils import extend_schema
except ImportError:  # pragma: no cover
    def extend_schema(**kwargs):
        return lambda f: f


@extend_schema(request=TokenRequest, responses={200: TokenResponse}, tags=["auth"],
               summary="为已完成双因素认证的会话签发接口令牌")
@api_view(["POST"])
@authentication_classes([SessionAuthentication])
@permission_classes([AllowAny])
@throttle_classes([])
def issue_token(request):
    form = TokenRequest(data=request.data)
    form.is_valid(raise_exception=True)
    django_request = request._request
    user = authenticate(django_request, username=form.validated_data["username"],
                        password=form.validated_data["password"])
    if getattr(django_request, "axes_locked_out", False):
        # Answer in JSON here; AxesMiddleware would otherwise replace the response with the HTML page.
        django_request.axes_locked_out = False
        return _error("登录失败次数过多，账户已暂时锁定，请稍后再试或联系管理员。", "locked_out",
                      status.HTTP_403_FORBIDDEN)
    if user is None:
        return _error("用户名或密码不正确。", "invalid_credentials", status.HTTP_400_BAD_REQUEST)
    session_user = request.user
    if not (session_user.is_authenticated and session_user.pk == user.pk) or (
        otp.otp_required_for(user) and not otp.is_verified(session_user)
    ):
        log_action("auth.token", actor=user, outcome="failure", data={"reason": "session_not_verified"})
        return _error("请先在网页登录并完成双因素认证，再申请接口令牌。", "otp_required", status.HTTP_403_FORBIDDEN)
    # A successful API login: audit (core.signals) and reset the axes counter like any other login.
    user_logged_in.send(sender=user.__class__, request=django_request, user=user)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    log_action("auth.token", actor=user, data={"issued": True})
    return Response({"token": token.key})

