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


def test_the_feedback_report_is_announced_once_to_those_not_advancing_and_to_all_when_the_cycle_ends(client):
    """NM 第二十一条 / XAM 第十九条: applicants that do not advance get the review feedback report, and all do
    at the end. The sweep tells each member once, with the report's link, which they can open."""
    from decimal import Decimal

    from awards.models import ApplicantMember
    from review.models import CriteriaSet, StageResult
    from tests.review import factories as rf

    cycle, office = open_cycle("xam-leader", when=dt.datetime(2025, 12, 1, 9, tzinfo=SH))
    crit = CriteriaSet.objects.get(code="gbt19580-2012")
    apps = {}
    for name, code, status in (("out", "152201", "not_advanced"), ("on", "152202", "pending"), ("none", "152221", "not_advanced")):
        applicant, user = org(f"fb-{name}", code)
        user.email = f"{name}@example.cn"
        user.save()
        apps[name] = (rf.application(cycle, applicant, stage="material_review", status=status), user)
        if name != "none":  # "none" was refused before any scoring: it has no report
            StageResult.objects.create(application=apps[name][0], stage="material_review", criteria_set=crit, total=Decimal("512.5"),
                                       max_points=Decimal("1000"), decided_by=office, decided_at=clock.now())
    now = dt.datetime(2026, 1, 5, 9, tzinfo=SH)
    assert send_due_reminders(now) == 1
    out_app, out_user = apps["out"]
    r = Reminder.objects.get(kind="feedback_report")
    assert (r.user, r.link) == (out_user, f"/review/applications/{out_app.pk}/feedback-report.pdf")
    client.force_login(out_user)
    assert client.get(r.link)["Content-Type"] == "application/pdf"
    assert send_due_reminders(now + dt.timedelta(days=1)) == 0  # once, not daily
    cycle.status = "finished"
    cycle.save()
    assert send_due_reminders(now + dt.timedelta(days=2)) == 1  # the one still in the running, at the end
    assert set(Reminder.objects.filter(kind="feedback_report").values_list("user__email", flat=True)) == {"out@example.cn", "on@example.cn"}
    assert ApplicantMember.objects.filter(user=apps["none"][1]).exists()
