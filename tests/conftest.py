"""Shared fixtures. `make test` exports DATABASE_URL/REDIS_URL for a throwaway PostgreSQL and Redis;
tests marked `integration` skip (with the reason) when those are absent, `browser` when Chromium is."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

HAS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
HAS_CHROMIUM = os.path.exists(CHROMIUM)

requires_postgres = pytest.mark.skipif(not HAS_POSTGRES, reason="PostgreSQL not available (DATABASE_URL unset)")
requires_redis = pytest.mark.skipif(not HAS_REDIS, reason="Redis not available (REDIS_URL unset)")
requires_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian chromium not installed at /usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("integration"):
            if not HAS_POSTGRES:
                item.add_marker(pytest.mark.skip(reason="PostgreSQL not available"))
            elif not HAS_REDIS:
                item.add_marker(pytest.mark.skip(reason="Redis not available"))
        if item.get_closest_marker("browser") and not HAS_CHROMIUM:
            item.add_marker(pytest.mark.skip(reason="Chromium not available"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database carries the seed jurisdictions and awards, loaded through the real command."""
    from jurisdictions.services import load_all_seeds

    with django_db_blocker.unblock():
        load_all_seeds()
    yield


@pytest.fixture(autouse=True)
def _seed_awards(request):
    """Transactional tests flush the database; every test that touches it starts with the seeds."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from jurisdictions.models import Award
    from jurisdictions.services import load_all_seeds

    if Award.objects.count() < 5:
        load_all_seeds()


@pytest.fixture
def real_clock_calendar(request, _seed_awards):
    """For tests that run on the real clock (the live server, the browser): near or after the end of the
    last year chinesecalendar knows, their windows reach a year whose holidays nobody has entered, which the
    calendar rightly refuses. Such a year is declared here as a staff member would, marked as a test
    calendar of weekends only, so these tests keep testing the flow rather than the date they run on.
    (The refusal itself is tested with fixed dates in tests/jurisdictions.)"""
    from jurisdictions.calendar import library_years
    from jurisdictions.models import CalendarYear

    names = request.fixturenames
    if not ({"db", "transactional_db", "live_server"} & set(names) or request.node.get_closest_marker("django_db")):
        return  # a browser test that never touches the database
    from core import clock

    today = clock.today()  # the real date, or CLOCK_FROZEN_AT when a run rehearses another
    for year in (today.year, today.year + 1):
        if year not in library_years():
            CalendarYear.objects.get_or_create(year=year, defaults={"source": "测试用临时日历（仅按周末计算）"})


@pytest.fixture(autouse=True)
def _browser_tests_on_the_real_clock(request):
    if request.node.get_closest_marker("browser"):
        request.getfixturevalue("real_clock_calendar")


@pytest.fixture(autouse=True)
def _fresh_public_cache():
    """Each test starts a new epoch of the table versions that key the public notice list and the logged-in
    page cache: a page cached by an earlier test, whose database was rolled back without a write going through
    Django, is never served to this one."""
    from core.pagecache import new_epoch

    new_epoch()


@pytest.fixture
def computed_pages(settings):
    """Query counts are of the page computed, not of core.pagecache's stored copy."""
    settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _isolate_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AXES_ENABLED = True
    settings.OTP_REQUIRED = False  # second-factor tests switch it on explicitly


def test_db_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real Celery worker process (with beat when asked) on the test Redis and the test database."""
    if not (HAS_POSTGRES and HAS_REDIS):
        pytest.skip("needs PostgreSQL and Redis")
    procs = []

    def start(*, beat=False, sweep_seconds=1.0, extra_env=None):
        env = dict(os.environ, DATABASE_URL=test_db_url(), DEADLINE_SWEEP_SECONDS=str(sweep_seconds),
                   VAR_DIR=str(tmp_path / "var"), MEDIA_ROOT=str(tmp_path / "media"), **(extra_env or {}))
        cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--pool=solo",
               "--concurrency=1", "-n", f"test{len(procs)}@%h", "--without-mingle", "--without-gossip"]
        if beat:
            cmd += ["-B", "-s", str(tmp_path / f"beat-{len(procs)}")]
        log = open(tmp_path / f"worker-{len(procs)}.log", "w")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = tmp_path / f"worker-{len(procs)}.log"
        procs.append(proc)
        deadline = time.time() + 60
        while time.time() < deadline:
            if "ready" in proc.log_path.read_text(errors="replace"):
                return proc
            if proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("celery worker did not start:\n" + proc.log_path.read_text(errors="replace"))

    start.procs = procs
    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def browser():
    if not HAS_CHROMIUM:
        pytest.skip("Chromium not available")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from the
    # test body unless told that this is deliberate (tests only; subprocesses drop it where it matters).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def shot(page, name: str):
    """Saves a screenshot under docs/screenshots when SCREENSHOTS=1 (make screenshots)."""
    if os.environ.get("SCREENSHOTS"):
        out = ROOT / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"{name}.png"), full_page=True)


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    counter = {"n": 0}

    def make(username=None, *, role=None, body=None, password="Zlj-test-2026!"):
        counter["n"] += 1
        User = get_user_model()
        user = User.objects.create_user(username or f"user{counter['n']}", password=password)
        if role:
            from jurisdictions.models import Membership

            Membership.objects.create(user=user, body=body, role=role)
        return user

    return make


def pytest_report_header(config):
    return [f"services: postgres={'yes' if HAS_POSTGRES else 'no'} redis={'yes' if HAS_REDIS else 'no'} chromium={'yes' if HAS_CHROMIUM else 'no'}",
            f"shutil.which('redis-server')={shutil.which('redis-server')}"]


@pytest.fixture
def without_rule_case_checks(monkeypatch):
    """For tests of the ruleset editor's own mechanics (versions, diffs, validation): saving runs every rule
    case of the award through publicity's registered checker (a second or more per case), which
    tests/publicity/test_rule_case_pages.py tests; here no checker is registered."""
    from jurisdictions import rule_checks

    monkeypatch.setattr(rule_checks, "_CHECKERS", [])
