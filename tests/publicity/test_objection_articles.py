"""Objection messages cite the award's own articles, and none where its regulation has none: 塔城's 第二十三条
is not shown on another award's notices."""
import datetime as dt

import pytest

from core import clock
from publicity.models import Notice
from tests.awards.factories import START, open_cycle


@pytest.mark.django_db
@pytest.mark.parametrize("slug,shown", [("tacheng-prefecture", "匿名异议不予受理（第二十三条）。"),
                                        ("erenhot-mayor", "匿名异议不予受理。")])
def test_the_call_notice_cites_only_its_own_objection_article(client, slug, shown):
    cycle, _office = open_cycle(slug)
    notice = Notice.objects.get(cycle=cycle)
    with clock.frozen_at(START + dt.timedelta(hours=1)):
        html = client.get(f"/notices/{notice.pk}/").content.decode()
    if notice.closes_at is None:
        pytest.skip("this award's call has no objection window")
    assert shown in html
    if slug != "tacheng-prefecture":
        assert "第二十三条" not in html and "（）" not in html
