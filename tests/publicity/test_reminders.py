"""Reminders sent by the sweep: once a day per person and thing, however often the sweep runs."""
import datetime as dt

import pytest

from awards import services
from core import clock
from publicity.models import Reminder
from publicity.reminders import send_due_reminders
from tests.awards.factories import GOOD_DECLARATION, open_cycle, org, staff

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI


def test_a_draft_near_the_filing_deadline_is_reminded_once_a_day():
    cycle, office = open_cycle("tacheng-prefecture", when=dt.datetime(2025, 9, 1, 9, tzinfo=SH))
    applicant, user = org("remind-co", "654201")
    user.email = "contact@example.cn"
    user.save()
    with clock.frozen_at(dt.datetime(2025, 9, 1, 9, tzinfo=SH)):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
    deadline = cycle.filing_deadline
    early = dt.datetime.combine(deadline - dt.timedelta(days=10), dt.time(9), tzinfo=SH)
    assert send_due_reminders(early) == 0
    near = dt.datetime.combine(deadline - dt.timedelta(days=2), dt.time(9), tzinfo=SH)
    with clock.frozen_at(near):
        assert send_due_reminders(near) == 1
        assert send_due_reminders(near + dt.timedelta(hours=3)) == 0  # same day: not again
        assert send_due_reminders(near + dt.timedelta(days=1)) == 1  # next day: again
    reminder = Reminder.objects.filter(user=user, kind="filing_deadline").first()
    assert app.reference in reminder.text and f"{deadline:%Y年%m月%d日}" in reminder.text


def test_staff_are_reminded_of_work_due_and_overdue():
    cycle, office = open_cycle("erenhot-mayor", when=dt.datetime(2025, 9, 1, 9, tzinfo=SH))
    applicant, user = org("remind-er", "152501")
    with clock.frozen_at(dt.datetime(2025, 9, 1, 9, tzinfo=SH)):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评")
    with clock.frozen_at(dt.datetime(2025, 9, 22, 9, tzinfo=SH)):
        app = services.application_submit(application=app, actor=user)
    assert app.stage == "qualification_review" and app.stage_due == dt.date(2025, 10, 11)
    # 二连浩特 第十六条: 10 working days from receipt on 9/22, counting the make-up Sunday 9/28 and Saturday 10/11
    assert send_due_reminders(dt.datetime(2025, 10, 1, 9, tzinfo=SH)) == 0
    assert send_due_reminders(dt.datetime(2025, 10, 9, 9, tzinfo=SH)) == 1  # two working days ahead
    assert Reminder.objects.get(user=office).kind == "due_work"
    assert send_due_reminders(dt.datetime(2025, 10, 13, 9, tzinfo=SH)) == 1
    assert Reminder.objects.filter(user=office, kind="overdue_work").count() == 1



def test_the_workspace_lists_the_users_own_recent_reminders(client):
    """What the sweep e-mailed is also on the user's workspace (the last 14 days), linked to the work; another
    user's reminders never show."""
    cycle, office = open_cycle("erenhot-mayor", when=dt.datetime(2025, 9, 1, 9, tzinfo=SH))
    applicant, user = org("remind-ws", "152501")
    other_app, other = org("remind-ws2", "152501")
    today = clock.today()
    Reminder.objects.create(user=user, kind="supplement", key="application:1", sent_on=today,
                            text="申报 ER-1 待补正材料，请于2025年10月9日前提交。", link="/apply/1/?step=status")
    Reminder.objects.create(user=user, kind="filing_deadline", key="application:1", sent_on=today - dt.timedelta(days=30),
                            text="很久以前的提醒")
    Reminder.objects.create(user=other, kind="supplement", key="application:2", sent_on=today, text="别人的提醒")
    client.force_login(user)
    page = client.get("/workspace/").content.decode()
    assert "我的提醒" in page and "待补正材料" in page
    assert '<a href="/apply/1/?step=status">申报 ER-1 待补正材料' in page
    assert "很久以前的提醒" not in page and "别人的提醒" not in page
