"""The logged-in page cache (core.pagecache) on real Redis and PostgreSQL: a cached list is never behind the
data it shows, whoever wrote it and however (service, queryset update, raw SQL, another process), and never
crosses sessions, CSRF cookies or pending messages."""
import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from awards.models import Application
from core import clock, pagecache
from review import services

from ..review import factories as f

pytestmark = [pytest.mark.skipif(not getattr(settings, "REDIS_URL", ""), reason="needs REDIS_URL (make test starts Redis)")]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def _steady_minute():
    """The key carries the clock's minute: hold it still, so a minute turning between two requests of a test
    never makes an expected hit a miss."""
    with clock.frozen_at(clock.now().replace(second=1, microsecond=0)):
        yield


@pytest.fixture
def reviewing():
    from review.models import CriteriaSet

    if CriteriaSet.objects.filter(builtin=True).count() < 3:  # a transactional test flushed the data migration's
        services.criteria_load_builtin()
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    apps = [f.application(cycle, f.applicant(award, name)) for name in ("二连浩特蒙源乳业有限公司", "二连浩特口岸物流有限公司")]
    zhao = f.expert(award, "赵研究员", employer="自治区标准化院")
    qian = f.expert(award, "钱高工", employer="自治区计量院")
    services.assignment_create(application=apps[0], expert=zhao, stage="material_review", actor=office)
    services.assignment_create(application=apps[1], expert=qian, stage="material_review", actor=office)
    return {"office": office, "apps": apps, "zhao": zhao, "qian": qian}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    c.get("/review/")  # like a browser after its first page: it now holds the CSRF cookie
    return c


def _get(c, path="/review/"):
    """The page and the number of queries it cost (a page served from the cache reads no table)."""
    with CaptureQueriesContext(connection) as ctx:
        resp = c.get(path)
    assert resp.status_code == 200
    return resp.content.decode(), len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_cached_list_shows_every_kind_of_write_on_the_next_request(reviewing):
    zhao, apps = reviewing["zhao"], reviewing["apps"]
    c = _client(zhao.user)
    first, built = _get(c)
    again, cached = _get(c)
    assert again == first and apps[0].reference in first
    assert cached < built and cached <= 1  # at most the user's own row; the list itself is not read again

    # the office assigns another application through the service
    services.assignment_create(application=apps[1], expert=zhao, stage="material_review", actor=reviewing["office"])
    page, _ = _get(c)
    assert apps[1].reference in page

    # a queryset update (no save(), no signal)
    Application.objects.filter(pk=apps[0].pk).update(reference="EH-2026-改号")
    page, _ = _get(c)
    assert "EH-2026-改号" in page

    # raw SQL through Django's connection
    with connection.cursor() as cursor:
        cursor.execute("UPDATE awards_applicant SET name = %s WHERE id = %s", ["二连浩特蒙源乳业集团", apps[0].applicant_id])
    page, _ = _get(c)
    assert "二连浩特蒙源乳业集团" in page
    assert _get(c)[1] <= 1  # and cached again


@pytest.mark.django_db
def test_a_cached_page_never_crosses_users_or_sessions(reviewing):
    zhao, qian, apps = reviewing["zhao"], reviewing["qian"], reviewing["apps"]
    cz, cq = _client(zhao.user), _client(qian.user)
    for _ in range(2):
        page_z, _ = _get(cz)
        page_q, _ = _get(cq)
        assert apps[0].reference in page_z and apps[1].reference not in page_z
        assert apps[1].reference in page_q and apps[0].reference not in page_q
    # the same reviewer on a second device: a page of its own, built for that session
    other_device = _client(zhao.user)
    assert other_device.cookies["sessionid"].value != cz.cookies["sessionid"].value
    page, _ = _get(other_device)
    assert apps[0].reference in page and apps[1].reference not in page


@pytest.mark.django_db
def test_the_form_token_on_a_cached_page_matches_the_browsers_own_csrf_cookie(reviewing):
    c = _client(reviewing["zhao"].user)
    _get(c)
    twin = Client()  # the same session with another CSRF cookie (a second tab after the cookie was rotated)
    twin.cookies["sessionid"] = c.cookies["sessionid"].value
    twin.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32
    for client in (c, twin, twin):
        page, _ = _get(client)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert _unmask_cipher_token(token) == client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.django_db
def test_a_pending_message_is_shown_once_and_never_cached(reviewing):
    c = _client(reviewing["zhao"].user)
    _get(c)
    _get(c)  # cached now
    storage = CookieStorage(HttpRequest())
    c.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "评分已提交。")])
    page, _ = _get(c)
    assert "评分已提交。" in page
    page, queries = _get(c)
    assert "评分已提交。" not in page and queries <= 1


@pytest.mark.django_db
def test_what_depends_on_the_clock_alone_is_at_most_a_minute_behind(reviewing):
    c = _client(reviewing["zhao"].user)
    moment = dt.datetime(2026, 4, 1, 9, 30, 5, tzinfo=clock.SHANGHAI)
    with clock.frozen_at(moment):
        _get(c)
        assert _get(c)[1] <= 1
    with clock.frozen_at(moment + dt.timedelta(seconds=50)):
        assert _get(c)[1] <= 1  # same minute
    with clock.frozen_at(moment + dt.timedelta(minutes=1)):
        assert _get(c)[1] > 1  # the next minute builds the page again


def _version(table):
    value = pagecache._redis().hget(pagecache._versions_key(), table)
    return int(value or 0)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_bumps_a_table_once_at_its_first_write_and_once_after_commit(reviewing):
    app = reviewing["apps"][0]
    before = _version("awards_application")
    with transaction.atomic():
        for i in range(5):
            Application.objects.filter(pk=app.pk).update(reference=f"EH-{i}")
        assert _version("awards_application") == before + 1
    assert _version("awards_application") == before + 2
    # a write in a savepoint that is rolled back, then one that stays: still bumped after the commit
    with transaction.atomic():
        try:
            with transaction.atomic():
                Application.objects.filter(pk=app.pk).update(reference="EH-rolled-back")
                raise RuntimeError
        except RuntimeError:
            pass
        Application.objects.filter(pk=app.pk).update(reference="EH-kept")
        middle = _version("awards_application")
    assert _version("awards_application") == middle + 1
    # a rolled-back transaction leaves no callback behind
    with pytest.raises(RuntimeError), transaction.atomic():
        Application.objects.filter(pk=app.pk).update(reference="EH-gone")
        raise RuntimeError
    assert not connection.run_on_commit


@pytest.mark.django_db(transaction=True)
def test_a_write_from_another_process_shows_on_the_next_request(reviewing):
    from tests.conftest import test_db_url

    c = _client(reviewing["zhao"].user)
    _get(c)
    assert _get(c)[1] <= 1
    app = reviewing["apps"][0]
    code = f"from awards.models import Application; Application.objects.filter(pk={app.pk}).update(reference='EH-worker')"
    env = dict(os.environ, DATABASE_URL=test_db_url())
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
    page, _ = _get(c)
    assert "EH-worker" in page


@pytest.mark.django_db(transaction=True)
def test_a_truncate_starts_a_new_epoch():
    before = pagecache._redis().hget(pagecache._versions_key(), pagecache.EPOCH)
    with connection.cursor() as cursor:
        cursor.execute('TRUNCATE "publicity_reminder"')
    assert pagecache._redis().hget(pagecache._versions_key(), pagecache.EPOCH) != before
