"""Short-lived caching of the public notice list for anonymous visitors (the most read page of the site, the
same for everyone who is not logged in). Logged-in users always get a fresh page.

The cache key carries a fingerprint of the notices (newest id, last closing, number open) and the clock's
minute, so a published, corrected or closed notice shows at once, and a moved clock (tests, rehearsals)
never reads another moment's page; between changes the page is served from the cache for 30 seconds."""
from functools import wraps

from django.db import connection
from django.views.decorators.cache import cache_page

from core import clock

PUBLIC_CACHE_SECONDS = 30


def _fingerprint() -> str:
    """Newest notice, last closing and number open, in one statement. Written as SQL because it runs on every
    anonymous request and the ORM spent longer compiling this aggregate than the database took to answer it
    (same result as Notice.objects.aggregate(Max("id"), Max("closed_at"), Count("id", filter=Q(state=OPEN))))."""
    from .models import Notice

    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL.format(table=connection.ops.quote_name(Notice._meta.db_table)), [Notice.State.OPEN])
        last, closed, n_open = cursor.fetchone()
    minute = clock.now().strftime("%Y%m%d%H%M")
    closed = "".join(ch for ch in str(closed or 0) if ch.isalnum())  # a datetime (PostgreSQL) or text (SQLite)
    return f"{last}.{closed}.{n_open}.{minute}"


_FINGERPRINT_SQL = "SELECT MAX(id), MAX(closed_at), COUNT(*) FILTER (WHERE state = %s) FROM {table}"


def anonymous_cache(view, seconds: int = PUBLIC_CACHE_SECONDS):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if request.method == "GET" and not (user and user.is_authenticated):
            return cache_page(seconds, key_prefix=f"notices.{_fingerprint()}")(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
