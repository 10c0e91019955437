"""Deadlines enforced by a real Celery worker and beat on Redis and PostgreSQL."""
import datetime as dt
import os
import signal
import threading
import time

import pytest
from django.db import connection

from awards.models import Applicant, Application, StageEvent, Status
from core import clock
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from publicity.models import Notice, Objection
from publicity.windows import close_due_windows

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SH = clock.SHANGHAI


def _listed_applications(n, *, notice_count=None, opened_on=dt.date(2025, 9, 30)):
    """n applications of a Tacheng cycle in pre-check publicity, each on its own notice (or all on one)."""
    from tests.awards.factories import open_cycle

    cycle, office = open_cycle("tacheng-prefecture", when=dt.datetime(2025, 9, 1, 9, tzinfo=SH))
    county = Jurisdiction.objects.get(code="654201")
    body = Body.objects.get(jurisdiction=county, kind=BodyKind.MARKET_REGULATION)
    applicants = Applicant.objects.bulk_create([Applicant(kind="organization", name=f"测试企业{i}", credit_code=None, county=county,
                                                          legal_form="legal_person") for i in range(n)])
    apps = Application.objects.bulk_create([Application(cycle=cycle, applicant=a, category="organization", reference=f"T-{i:05d}",
                                                        stage="pre_check", status=Status.IN_PUBLICITY, route_body=body)
                                            for i, a in enumerate(applicants)])
    from jurisdictions.calendar import compute_window

    window = compute_window(opened_on, 5, "working_days")
    notices = Notice.objects.bulk_create([Notice(award=cycle.award, cycle=cycle, kind="pre_check_list", stage="pre_check",
                                                 title=f"初审名单公示 {i}", issuer=body.name, published_at=clock.now(), opened_on=opened_on,
                                                 first_day=window.first_day, last_day=window.last_day, closes_at=window.closes_at,
                                                 length=5, unit="working_days", article="第十四条")
                                          for i in range(notice_count or n)])
    Through = Notice.applications.through
    Through.objects.bulk_create([Through(notice_id=notices[i % len(notices)].pk, application_id=a.pk) for i, a in enumerate(apps)])
    return cycle, apps, notices


def _wait(predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_a_notice_published_before_the_holiday_closes_on_the_right_day(celery_worker_process):
    cycle, apps, notices = _listed_applications(3, notice_count=1)
    notice = notices[0]
    assert notice.last_day == dt.date(2025, 10, 13)  # 9/30, 10/9, 10/10, 10/11 (make-up Saturday), 10/13
    # The evening of the last day: the beat's sweeps must leave it open.
    worker = celery_worker_process(beat=True, sweep_seconds=0.5, extra_env={"CLOCK_FROZEN_AT": "2025-10-13T23:59:00+08:00"})
    assert _wait(lambda: "sweep_deadlines" in worker.log_path.read_text() and "succeeded" in worker.log_path.read_text(), 40)
    time.sleep(1.5)
    notice.refresh_from_db()
    assert notice.state == Notice.State.OPEN
    worker.terminate()
    worker.wait(20)
    # Just after 24:00 of its last day the beat closes it and the applications advance.
    celery_worker_process(beat=True, sweep_seconds=0.5, extra_env={"CLOCK_FROZEN_AT": "2025-10-14T00:00:30+08:00"})
    assert _wait(lambda: Notice.objects.get(pk=notice.pk).state == Notice.State.CLOSED)
    assert _wait(lambda: Application.objects.filter(stage="qualification_review", status=Status.PENDING).count() == 3)
    event = StageEvent.objects.filter(action="close_publicity").first()
    assert event.role == "system" and event.actor is None and event.data["notice"] == notice.pk and event.data["rule"] == "第十四条"


def test_two_concurrent_sweeps_advance_each_application_exactly_once():
    cycle, apps, notices = _listed_applications(120)
    now = dt.datetime(2025, 10, 20, 9, tzinfo=SH)
    results, errors = [], []

    def sweep():
        try:
            results.append(close_due_windows(now=now, batch=10))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r["advanced"] for r in results) == 120
    assert StageEvent.objects.filter(action="close_publicity").count() == 120
    assert Notice.objects.filter(state=Notice.State.OPEN).count() == 0


def test_two_workers_sweeping_at_once_and_a_killed_worker_lose_nothing_and_repeat_nothing(celery_worker_process):
    from publicity.tasks import sweep_deadlines

    cycle, apps, notices = _listed_applications(400)
    env = {"CLOCK_FROZEN_AT": "2025-10-20T09:00:00+08:00"}
    first = celery_worker_process(extra_env=env)
    second = celery_worker_process(extra_env=env)
    sweep_deadlines.delay()
    sweep_deadlines.delay()
    # Kill one worker hard while notices are being closed (if it is still at it).
    _wait(lambda: Notice.objects.filter(state=Notice.State.CLOSED).exists(), 30)
    os.kill(first.pid, signal.SIGKILL)
    # A replacement worker and another sweep finish whatever is left.
    celery_worker_process(extra_env=env)
    sweep_deadlines.delay()
    assert _wait(lambda: Notice.objects.filter(state=Notice.State.OPEN).count() == 0, 90), second.log_path.read_text()[-2000:]
    assert StageEvent.objects.filter(action="close_publicity").count() == 400
    assert Application.objects.filter(stage="qualification_review", status=Status.PENDING).count() == 400
    sweep_deadlines.delay()  # running it again changes nothing
    time.sleep(2)
    assert StageEvent.objects.filter(action="close_publicity").count() == 400


def test_an_objection_in_the_window_holds_the_applicant_and_its_decision_releases_it(celery_worker_process):
    cycle, apps, notices = _listed_applications(2, notice_count=1)
    target = apps[0]
    from django.core.files.base import ContentFile

    Objection.objects.create(notice=notices[0], application=target, receipt_no="YY-TEST-1", objector_kind="individual",
                             objector_name="张三", objector_phone="13800000000", objector_address="塔城市",
                             identity_proof=ContentFile(b"%PDF-1.4 id", name="id.pdf"), facts="材料不实",
                             received_at=dt.datetime(2025, 10, 9, 10, tzinfo=SH), review_due=dt.date(2025, 10, 16))
    celery_worker_process(beat=True, sweep_seconds=0.5, extra_env={"CLOCK_FROZEN_AT": "2025-10-14T08:00:00+08:00"})
    assert _wait(lambda: Notice.objects.get(pk=notices[0].pk).state == Notice.State.CLOSED)
    target.refresh_from_db()
    other = Application.objects.get(pk=apps[1].pk)
    assert (target.stage, target.status) == ("pre_check", Status.HELD)
    assert (other.stage, other.status) == ("qualification_review", Status.PENDING)
    from awards.pipeline import move
    from tests.awards.factories import staff

    office = staff("tacheng-office-obj", "office", cycle.award.office)
    move(target, action="release", actor=office, role="office", reason="经调查异议不成立（第二十六条）")
    target.refresh_from_db()
    assert (target.stage, target.status) == ("qualification_review", Status.PENDING)
