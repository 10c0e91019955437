import time

from django.conf import settings
from django.contrib.auth import logout

from .context import request_ip


def client_ip(request) -> str | None:
    """The client address: X-Forwarded-For only through the configured number of trusted proxies."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Records the client IP for the audit log and ends sessions idle longer than SESSION_IDLE_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(client_ip(request))
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and hasattr(request, "session"):
                stamp = time.time()
                last = request.session.get("_last_seen")
                if last and stamp - last > settings.SESSION_IDLE_SECONDS:
                    logout(request)
                else:
                    request.session["_last_seen"] = stamp
            return self.get_response(request)
        finally:
            request_ip.reset(token)
