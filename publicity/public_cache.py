"""Short-lived caching of the public notice list for anonymous visitors (the most read page of the site, the
same for everyone who is not logged in). Logged-in users always get a fresh page.

The cache key carries a version of the notices and the clock's minute, so a published, corrected or closed
notice shows at once, and a moved clock (tests, rehearsals) never reads another moment's page; between
changes the page is served from the cache for 30 seconds.

The version: where the cache is shared by every web and worker process (Redis), the notices table's version
kept by core.pagecache, which every write through Django bumps (model save and delete, queryset update,
bulk_create, bulk_update, delete, raw SQL), once at the first write of a transaction and again after the
commit, so a reader between the two cannot keep a page of the old data under the new version. An anonymous
request then costs one read of the version and the cached page, and no query. Where the cache is per process
(locmem under `make run`, whose Celery worker closes notices in another process), the version is a
fingerprint read from the database instead (newest id, last closing, number open)."""
from functools import wraps

from django.db import connection
from django.views.decorators.cache import cache_page

from core import clock, pagecache

PUBLIC_CACHE_SECONDS = 30


def _version() -> str:
    from .models import Notice

    return pagecache.table_versions([Notice._meta.db_table])


def _fingerprint() -> str:
    """Newest notice, last closing and number open, in one statement (written as SQL: the ORM spent longer
    compiling this aggregate than the database took to answer it)."""
    from .models import Notice

    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL.format(table=connection.ops.quote_name(Notice._meta.db_table)), [Notice.State.OPEN])
        last, closed, n_open = cursor.fetchone()
    closed = "".join(ch for ch in str(closed or 0) if ch.isalnum())  # a datetime (PostgreSQL) or text (SQLite)
    return f"{last}.{closed}.{n_open}"


_FINGERPRINT_SQL = "SELECT MAX(id), MAX(closed_at), COUNT(*) FILTER (WHERE state = %s) FROM {table}"


def public_key() -> str:
    version = _version() if pagecache.shared() else _fingerprint()
    return f"{version}.{clock.now().strftime('%Y%m%d%H%M')}"


def anonymous_cache(view, seconds: int = PUBLIC_CACHE_SECONDS):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if request.method == "GET" and not (user and user.is_authenticated):
            return cache_page(seconds, key_prefix=f"notices.{public_key()}")(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
