"""Domain timestamps come from core.clock: a rehearsed cycle carries the rehearsed time, not the real one."""
import copy
import datetime as dt

import pytest

from awards import services
from core import clock
from jurisdictions.models import Jurisdiction
from jurisdictions.services import calendar_override_set, ruleset_save_new_version
from review.services import expert_create

from ..awards.factories import open_cycle, org

pytestmark = pytest.mark.django_db

REHEARSED = dt.datetime(2025, 9, 3, 10, 30, tzinfo=clock.SHANGHAI)  # long before any real run of this test


def test_a_cycle_and_an_application_made_on_the_moved_clock_carry_its_time():
    cycle, office = open_cycle("tacheng-prefecture", when=REHEARSED)
    with clock.frozen_at(REHEARSED):
        applicant, user = org("ts-applicant", "654201")
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
    with clock.frozen_at(REHEARSED + dt.timedelta(days=2)):
        other, other_user = org("ts-later", "654201")
        later = services.application_create(cycle=cycle, applicant=other, category="organization", actor=other_user)
    app.refresh_from_db()
    later.refresh_from_db()
    assert cycle.created_at == applicant.created_at == app.created_at == REHEARSED
    assert later.created_at == dt.datetime(2025, 9, 5, 10, 30, tzinfo=clock.SHANGHAI)


@pytest.mark.usefixtures("without_rule_case_checks")
def test_a_ruleset_version_a_calendar_entry_and_an_expert_carry_the_moved_clock(client):
    cycle, office = open_cycle("tacheng-prefecture")
    award = cycle.award
    data = copy.deepcopy(award.rulesets.order_by("-version").first().data)
    data["quota"]["note"] += "（时间测试）"
    with clock.frozen_at(REHEARSED):
        ruleset = ruleset_save_new_version(award=award, data=data, note="时间测试", actor=office)
        override = calendar_override_set(day=dt.date(2025, 9, 27), is_working=True, name="调休上班",
                                         source="国办发明电〔2024〕12号", actor=office)
        expert = expert_create(jurisdiction=Jurisdiction.objects.get(code="654200"), name="测试专家", actor=office)
    assert [o.created_at for o in (ruleset, override, expert)] == [REHEARSED] * 3
    html = client.get("/rules/tacheng-prefecture/").content.decode()
    assert f"<td>时间测试</td>\n      <td>2025-09-03 10:30 · {office.get_username()}</td>" in html  # 保存时间 column
