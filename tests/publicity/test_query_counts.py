import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.clock import frozen_at
from publicity.services import notice_correct

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx, frozen_at(at(2025, 10, 9)):
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/notices/", "/notices/", "/notices/feed/654200/"])
def test_notice_lists_do_not_grow_with_items(client, tacheng, url):
    one = _count(client, url)
    with frozen_at(at(2025, 10, 9)):
        second = notice_correct(notice=tacheng.notice, actor=tacheng.office, title="更正一", body="更正内容一。")
        notice_correct(notice=second, actor=tacheng.office, title="更正二", body="更正内容二。")
    three = _count(client, url)
    assert three == one
