"""DRF authentication classes (kept apart from views: DRF settings import this module early)."""
import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF token authentication whose tokens expire API_TOKEN_TTL_SECONDS after issue (default: the absolute
    session lifetime), so a token never outlives the second-factor check it was issued after
    (tokens come only from core.api_auth.issue_token)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        ttl = getattr(settings, "API_TOKEN_TTL_SECONDS", settings.SESSION_COOKIE_AGE)
        if token.created < timezone.now() - dt.timedelta(seconds=ttl):
            token.delete()
            raise exceptions.AuthenticationFailed("接口令牌已过期，请重新申请。")
        return user, token
