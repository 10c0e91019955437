"""Objection messages cite the award's own articles, and none where its regulation has none: 塔城's 第二十三条
is not shown for an award whose regulation does not have it."""
import copy

import pytest

from core.clock import frozen_at
from core.errors import DomainError
from jurisdictions.models import Ruleset
from publicity.models import Notice

from .conftest import at


def _without_objection_articles(cycle):
    """Test set-up: the same cycle under a regulation that says nothing of objections' form or result."""
    data = copy.deepcopy(cycle.ruleset.data)
    data["objections"] = {k: v for k, v in data["objections"].items() if not k.endswith("_article")}
    Ruleset.objects.filter(pk=cycle.ruleset_id).update(data=data)


@pytest.mark.django_db
@pytest.mark.parametrize("own_articles", [True, False])
def test_the_notice_and_the_late_objection_cite_only_the_awards_own_article(client, tacheng, file_objection, own_articles):
    if not own_articles:
        _without_objection_articles(tacheng.cycle)
        tacheng.notice = Notice.objects.get(pk=tacheng.notice.pk)  # read again, under the changed ruleset
    with frozen_at(at(2025, 10, 9)):
        html = client.get(f"/notices/{tacheng.notice.pk}/").content.decode()
    with pytest.raises(DomainError) as refused:
        file_objection(tacheng, when=at(2025, 10, 14, 0, 1))
    if own_articles:
        assert "匿名异议不予受理（第二十三条）。" in html
        assert refused.value.message.endswith("公示期满后提出的异议不予受理（第二十三条）。")
    else:
        assert "匿名异议不予受理。" in html and "第二十三条" not in html and "（）" not in html
        assert refused.value.message.endswith("公示期满后提出的异议不予受理。")
        assert "第二十三条" not in refused.value.message
