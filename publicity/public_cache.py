"""Short-lived caching of the public notice list for anonymous visitors (the most read page of the site, the
same for everyone who is not logged in). Logged-in users always get a fresh page.

The cache key carries a fingerprint of the notices (newest id, last closing, number open) and the clock's
minute, so a published, corrected or closed notice shows at once, and a moved clock (tests, rehearsals)
never reads another moment's page; between changes the page is served from the cache for 30 seconds."""
from functools import wraps

from django.db.models import Count, Max, Q
from django.views.decorators.cache import cache_page

from core import clock

PUBLIC_CACHE_SECONDS = 30


def _fingerprint() -> str:
    from .models import Notice

    f = Notice.objects.aggregate(last=Max("id"), closed=Max("closed_at"), open=Count("id", filter=Q(state=Notice.State.OPEN)))
    minute = clock.now().strftime("%Y%m%d%H%M")
    return f"{f['last']}.{f['closed'].timestamp() if f['closed'] else 0}.{f['open']}.{minute}"


def anonymous_cache(view, seconds: int = PUBLIC_CACHE_SECONDS):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if request.method == "GET" and not (user and user.is_authenticated):
            return cache_page(seconds, key_prefix=f"notices.{_fingerprint()}")(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
