"""Fixes `make bench` found: the winners page read every award's grants and ruleset one by one (613 queries
at 300 awards); the anonymous notice list is cached briefly but never shows a stale list after a change;
the deadline sweep reads each notice's award and each application's jurisdiction with the row."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.clock import frozen_at
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction, Ruleset

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _add_awards(n: int):
    base = Award.objects.get(slug="nm-chairman")
    parent = Jurisdiction.objects.get(code="150000")
    for i in range(n):
        j = Jurisdiction.objects.create(code=f"15{80 + i:02d}00", name=f"测试{i}盟", level="prefecture", parent=parent)
        office = Body.objects.create(jurisdiction=j, kind=BodyKind.AWARD_OFFICE, name=f"测试{i}办公室")
        award = Award.objects.create(jurisdiction=j, slug=f"q-{i}", name=f"测试{i}质量奖", office=office)
        Ruleset.objects.create(award=award, version=1, document_number="测〔2025〕1号", effective_from=dt.date(2025, 1, 1),
                               data=base.rulesets.first().data)


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200
    return len(ctx.captured_queries), resp.content.decode()


def test_winners_page_costs_the_same_for_5_and_15_awards(client, tacheng_grant):
    few, html = _queries(client, "/winners/")
    assert "塔城市宏远乳业有限公司" in html and tacheng_grant.grant.serial in html
    # the seed rulesets' usage rules are still shown beside each award's winners
    usage = Award.objects.get(slug="tacheng-prefecture").rulesets.order_by("-version").first().data["post_award"].get("usage_rules", [])
    for rule in usage:
        assert rule["article"] in html
    _add_awards(10)
    many, html = _queries(client, "/winners/")
    assert many == few <= 6
    assert html.count("暂无获奖记录") == Award.objects.count() - 1


def test_anonymous_notice_list_is_cached_but_shows_a_new_notice_at_once(client, tacheng):
    from publicity.services import notice_correct

    with frozen_at(at(2025, 10, 9)):
        first, html = _queries(client, "/notices/")
        assert tacheng.notice.title in html
        cached, _ = _queries(client, "/notices/")
        assert cached < first  # served from the cache: only the fingerprint is read
        correction = notice_correct(notice=tacheng.notice, actor=tacheng.office, title="更正：塔城名单", body="更正内容。")
        _, html = _queries(client, "/notices/")
        assert "更正：塔城名单" in html
        _, api = _queries(client, "/api/v1/notices/")
        assert f'"id":{correction.pk}' in api.replace(" ", "")


def test_notice_list_is_not_cached_for_logged_in_users(client, tacheng):
    client.force_login(tacheng.office)
    with frozen_at(at(2025, 10, 9)):
        first, _ = _queries(client, "/notices/")
        second, _ = _queries(client, "/notices/")
    assert second == first


def test_notice_list_follows_the_moved_clock(client, tacheng):
    with frozen_at(at(2025, 10, 9)):
        _, before = _queries(client, "/notices/")
    with frozen_at(at(2025, 11, 30)):  # the window has passed (not yet swept): the list must say so
        _, after = _queries(client, "/notices/")
    assert before != after


def test_sweep_queries_per_application_do_not_depend_on_related_rows(tacheng):
    """Closing a notice costs a fixed number of queries per listed application (no lazy award/jurisdiction reads)."""
    from publicity.windows import close_due_windows

    with CaptureQueriesContext(connection) as ctx:
        result = close_due_windows(now=at(2025, 10, 14, 0, 5))
    assert result == {"closed": 1, "advanced": 2, "held": 0}
    lazy = [q["sql"] for q in ctx.captured_queries
            if q["sql"].startswith('SELECT "jurisdictions_award"') or q["sql"].startswith('SELECT "jurisdictions_jurisdiction"')]
    assert lazy == []
