"""Reminders, sent by the deadline sweep: applicants about the filing deadline, open supplement requests
and annual performance reports, and (once) that their feedback report is ready; staff about work due within
two working days or overdue. Each reminder
is a row unique per (person, kind, thing, day), so running the sweep every minute sends it once a day."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from awards.enums import WORKING
from awards.models import Application, Cycle, Grant, Status
from core import clock
from jurisdictions.calendar import add_working_days
from jurisdictions.models import Membership
from jurisdictions.rules import STAGE_LABELS, Rules

from review.models import StageResult

from .models import Reminder

FILING_NOTICE_DAYS = 3


def _remind(user, kind: str, key: str, today: dt.date, text: str, link: str = "") -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(user=user, kind=kind, key=key, sent_on=today, text=text, link=link)
    except IntegrityError:
        return False  # already reminded today
    if user.email:
        transaction.on_commit(lambda: send_mail(f"【质量奖】{Reminder.Kind(kind).label}", f"{text}\n{settings.SITE_URL}{link}",
                                                settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True))
    return True


def _members(application):
    return [m.user for m in application.applicant.members.select_related("user")]


def send_due_reminders(now: dt.datetime | None = None) -> int:
    now = now or clock.now()
    today = now.astimezone(clock.SHANGHAI).date()
    sent = 0
    # Applicants: drafts of cycles whose filing deadline is near.
    soon = today + dt.timedelta(days=FILING_NOTICE_DAYS)
    drafts = Application.objects.filter(status=Status.DRAFT, cycle__status=Cycle.Status.OPEN, cycle__filing_deadline__gte=today,
                                        cycle__filing_deadline__lte=soon).select_related("cycle__award", "applicant")
    for app in drafts:
        for user in _members(app):
            sent += _remind(user, Reminder.Kind.FILING_DEADLINE, f"application:{app.pk}", today,
                            f"{app.cycle.award.name}申报将于 {app.cycle.filing_deadline:%Y年%m月%d日} 截止，您的申报 {app.reference} 尚未提交。",
                            f"/apply/{app.pk}/")
    # Applicants: supplement requests not yet answered.
    for app in Application.objects.filter(status=Status.RETURNED).select_related("cycle__award", "applicant"):
        for user in _members(app):
            sent += _remind(user, Reminder.Kind.SUPPLEMENT, f"application:{app.pk}", today,
                            f"您的申报 {app.reference} 被要求补正材料，请按一次性告知的事项补正后重新提交。", f"/apply/{app.pk}/")
    # Winners: last year's performance report, during the years the ruleset asks for them.
    for grant in Grant.objects.filter(revoked_on__isnull=True, cycle__isnull=False).select_related("cycle__ruleset", "award", "applicant"):
        years = Rules(grant.cycle.ruleset.data).performance_report_years
        due_year = today.year - 1
        if years and grant.year < due_year <= grant.year + years and not grant.reports.filter(year=due_year).exists():
            for member in grant.applicant.members.select_related("user"):
                sent += _remind(member.user, Reminder.Kind.ANNUAL_REPORT, f"grant:{grant.pk}:{due_year}", today,
                                f"请提交 {due_year} 年度《{grant.award.name}绩效报告》。", "/apply/")
    # Applicants: the feedback report, once, to those not advancing after a scored stage (NM 第二十一条,
    # XAM 第十九条) and to all scored applicants when the cycle has finished.
    told = Reminder.objects.filter(kind=Reminder.Kind.FEEDBACK_REPORT, key=Concat(Value("feedback:"), Cast(OuterRef("pk"), CharField())))
    reviewed = StageResult.objects.filter(application=OuterRef("pk"))
    ready = (Application.objects.filter(Exists(reviewed), ~Exists(told))
             .filter(Q(status=Status.NOT_ADVANCED) | Q(cycle__status=Cycle.Status.FINISHED)).select_related("cycle__award", "applicant"))
    for app in ready:
        for user in _members(app):
            sent += _remind(user, Reminder.Kind.FEEDBACK_REPORT, f"feedback:{app.pk}", today,
                            f"您的申报 {app.reference}（{app.cycle.award.name}）的评审反馈报告已生成：各评分项得分、优势与改进机会。",
                            f"/review/applications/{app.pk}/feedback-report.pdf")
    # Staff: work due within two working days, or overdue.
    try:
        horizon = add_working_days(today, 2)
    except Exception:  # a year the calendar does not know yet: remind only about overdue work
        horizon = today
    due = Application.objects.filter(status__in=WORKING, stage_due__isnull=False, stage_due__lte=horizon) \
        .select_related("cycle__award", "route_body")
    for app in due:
        stage = Rules(app.cycle.ruleset.data).stage(app.stage)
        overdue = app.stage_due < today
        if stage.actor == "precheck" and app.route_body_id:
            members = Membership.objects.filter(body_id=app.route_body_id, role="precheck", active=True)
        else:
            members = Membership.objects.filter(body__jurisdiction_id=app.cycle.award.jurisdiction_id, role="office", active=True)
        for m in members.select_related("user"):
            sent += _remind(m.user, Reminder.Kind.OVERDUE_WORK if overdue else Reminder.Kind.DUE_WORK, f"application:{app.pk}:{app.stage}",
                            today, f"{app.reference}“{STAGE_LABELS.get(app.stage, app.stage)}”办理期限 {app.stage_due:%Y-%m-%d}"
                            f"{'，已超期' if overdue else '，即将到期'}。", "")
    return sent
