"""A per-session cache for the busiest logged-in pages, kept exactly as fresh as the tables they read.

Every SQL statement that goes through Django's database connections passes `_watch` (an execute wrapper
put on each new connection, see `install`):

* a write (INSERT, UPDATE, DELETE) bumps the version of its table in one Redis hash, once at the first
  write of a transaction and once more after the commit (`transaction.on_commit`), so a reader that
  computes a page between the two cannot keep the old data under the new version; a TRUNCATE starts a
  new epoch, which is a new version of everything;
* while a cached page is being computed, a read records the tables it named (FROM and JOIN).

`session_page_cache` wraps a view. On a GET by a logged-in user it looks up the page under a key made of
the view, the full path, the session, the CSRF cookie, the language and the business clock's minute; an
entry is served only while every table the page read still has the version taken before it was computed
(one HMGET). Otherwise the view runs, and its response is stored with the versions of the tables it read.

So another user's write — through a model, a queryset `update`/`bulk_create`/`delete`, or raw SQL through
Django's connection — shows on the next request; what depends on the clock alone is at most a minute
behind (the key changes with the minute). A page with a flash message pending, a response other than 200,
a request without a CSRF cookie (the cached form token must match the browser's cookie) or a session
without a key is never cached. Writes that bypass Django (psql by hand, another program) are not seen:
entries expire after ENTRY_SECONDS whatever happens. Where REDIS_URL is set Redis is required already (broker,
sessions); a write whose first bump cannot reach it fails with it rather than leave pages stale.

Only where the cache is shared by every web and worker process (REDIS_URL) and PAGE_CACHE is on (the
default); without Redis (`make run`) the pages are always computed.
"""
from __future__ import annotations

import contextvars
import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import translation

from core import clock

ENTRY_SECONDS = 600
VERSIONS_KEY = "pagecache:tables"
EPOCH = "_epoch"
# Tables whose rows are not page content: every request may write them (sessions, lockout bookkeeping).
IGNORED = frozenset({"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"})

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
_READ = re.compile(r'(?:FROM|JOIN)\s+"([A-Za-z0-9_]+)"', re.IGNORECASE)
_reading: contextvars.ContextVar[set | None] = contextvars.ContextVar("pagecache_reading", default=None)


def shared() -> bool:
    """The cache is shared by every web and worker process (Redis): the only place table versions mean anything."""
    return bool(getattr(settings, "REDIS_URL", ""))


def enabled() -> bool:
    """Pages are served from the cache. Writes bump versions wherever the cache is shared, whatever PAGE_CACHE
    says, so a process running with PAGE_CACHE=0 (a worker, a bench server) never leaves another's pages stale."""
    return shared() and getattr(settings, "PAGE_CACHE", True)


def _redis():
    return cache._cache.get_client(write=True)


def _versions_key() -> str:
    return cache.make_and_validate_key(VERSIONS_KEY)


# ---------------------------------------------------------------------------------------------- writes
def _bump(table: str) -> None:
    _redis().hincrby(_versions_key(), table, 1)


def new_epoch() -> None:
    """Every cached page becomes stale (a TRUNCATE, a restore, a test's fresh database)."""
    if shared():
        _redis().hset(_versions_key(), EPOCH, f"{time.time():.6f}")


class _AfterCommit:
    """One per table per transaction: finds itself in connection.run_on_commit (which Django empties or trims
    on rollback), so a loop of saves costs one bump at the first and one after the commit. Versions read on
    the same connection in between (that reader sees the transaction's own writes: a test's transaction
    around its requests) make the next write bump again."""

    def __init__(self, table: str, reads: int):
        self.table = table
        self.reads = reads

    def __call__(self):
        _bump(self.table)


def _wrote(connection, table: str) -> None:
    if table in IGNORED:
        return
    if not connection.in_atomic_block:  # autocommit: the statement is committed already
        _bump(table)
        return
    reads = getattr(connection, "_pagecache_reads", 0)
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _AfterCommit) and func.table == table:
            if func.reads != reads:
                func.reads = reads
                _bump(table)
            return
    _bump(table)
    connection.on_commit(_AfterCommit(table, reads), robust=True)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not isinstance(sql, str):
        return result
    head = sql.lstrip()[:8].upper()
    if head.startswith(("INSERT", "UPDATE", "DELETE")):
        m = _WRITE.match(sql)
        if m:
            _wrote(context["connection"], m.group(1))
    elif head.startswith("TRUNCATE"):
        new_epoch()
    else:
        reading = _reading.get()
        if reading is not None:
            reading.update(_READ.findall(sql))
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """connection_created receiver: watch every statement on this connection (once per wrapper)."""
    if connection is not None and shared() and _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)  # outermost: a temporary wrapper popped later is never this one


# ---------------------------------------------------------------------------------------------- reads
def _key(request, view_name: str) -> str | None:
    session_key = request.session.session_key
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not session_key or not csrf_cookie:
        return None
    raw = "\x1f".join([view_name, request.get_full_path(), session_key, csrf_cookie, translation.get_language() or "",
                       clock.now().strftime("%Y%m%d%H%M")])
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and len(storage))


def _note_read() -> None:
    """Versions were read on this connection (see _AfterCommit)."""
    connection._pagecache_reads = getattr(connection, "_pagecache_reads", 0) + 1


def _seed_epoch(r, key) -> str:
    """A missing epoch (first use, or the hash evicted) starts from a value no earlier entry can hold."""
    r.hsetnx(key, EPOCH, f"{time.time():.6f}")
    return r.hget(key, EPOCH).decode()


def _snapshot() -> dict[str, str]:
    _note_read()
    r, key = _redis(), _versions_key()
    versions = {k.decode(): v.decode() for k, v in r.hgetall(key).items()}
    if EPOCH not in versions:
        versions[EPOCH] = _seed_epoch(r, key)
    return versions


def _fresh(deps: dict[str, str]) -> bool:
    _note_read()
    names = list(deps)
    current = _redis().hmget(_versions_key(), names)
    return all((v.decode() if v is not None else "0") == deps[n] for n, v in zip(names, current))


def table_versions(tables: list[str]) -> str:
    """The epoch and the versions of these tables as one string, for a cache key that must change with any
    write to them (publicity.public_cache keys the anonymous notice list on the notices' version)."""
    _note_read()
    r, key = _redis(), _versions_key()
    values = r.hmget(key, [EPOCH, *tables])
    epoch = values[0].decode() if values[0] is not None else _seed_epoch(r, key)
    return ".".join([epoch, *(v.decode() if v is not None else "0" for v in values[1:])])


def session_page_cache(view):
    """Serve the view's GET page from the cache while nothing it read has changed (see the module doc)."""
    view_name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if request.method != "GET" or not enabled() or not (user and user.is_authenticated) or _has_messages(request):
            return view(request, *args, **kwargs)
        key = _key(request, view_name)
        if key is None:
            return view(request, *args, **kwargs)
        entry = cache.get(key)
        if entry is not None and _fresh(entry["deps"]):
            response = HttpResponse(entry["content"], status=200)
            for name, value in entry["headers"]:
                response[name] = value
            return response
        before = _snapshot()
        reading: set = set()
        token = _reading.set(reading)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
        finally:
            _reading.reset(token)
        if response.status_code == 200 and not response.streaming and not response.cookies and not _has_messages(request):
            deps = {t: before.get(t, "0") for t in reading - IGNORED}
            deps[EPOCH] = before[EPOCH]
            cache.set(key, {"deps": deps, "content": response.content, "headers": list(response.items())}, ENTRY_SECONDS)
        return response

    return wrapper
