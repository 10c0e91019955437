"""Concurrency on PostgreSQL with real threads (each with its own connection): two office members publishing
the same list, two reviewers submitting at once, and one sheet submitted twice at once. The concurrent
deadline sweep is covered in tests/publicity/test_sweep_integration.py."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from core import clock
from core.errors import DomainError

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
SH = clock.SHANGHAI


def run_together(*calls):
    """Runs each call in its own thread, released together by a barrier; returns [(result, error)]."""
    barrier = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait(timeout=10)
            out[i] = (fn(), None)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            out[i] = (None, exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return out


def test_two_office_members_publishing_the_same_list_make_one_notice(make_user):
    from awards.models import Application, Status
    from awards.pipeline import move
    from publicity.models import Notice
    from publicity.windows import close_due_windows, publish_stage_list
    from tests.publicity.conftest import at, tacheng

    ns = tacheng.__wrapped__(make_user)
    second_office = make_user(role="office", body=ns.award.office)
    close_due_windows(now=at(2025, 10, 14, 0, 5))
    with clock.frozen_at(at(2025, 10, 14)):
        for a in ns.apps:
            move(Application.objects.get(pk=a.pk), action="approve", actor=ns.office, role="office")

    def publish(actor):
        def go():
            with clock.frozen_at(at(2025, 10, 15)):
                return publish_stage_list(cycle=ns.cycle, stage_code="qualification_review", actor=actor, role="office")
        return go

    results = run_together(publish(ns.office), publish(second_office))
    notices = [r for r, e in results if r is not None]
    errors = [e for r, e in results if e is not None]
    assert len(notices) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], DomainError) and errors[0].message == "没有待公示的申报（可能已被其他同事公示）。"
    assert Notice.objects.filter(cycle=ns.cycle, stage="qualification_review").count() == 1
    assert sorted(Application.objects.filter(cycle=ns.cycle).values_list("status", flat=True)) == [Status.IN_PUBLICITY] * 2
    assert sorted(notices[0].applications.values_list("pk", flat=True)) == sorted(a.pk for a in ns.apps)


@pytest.fixture
def two_reviewers(transactional_db):
    from review import services
    from review.models import CriteriaSet
    from tests.review import factories as f

    if CriteriaSet.objects.filter(builtin=True).count() < 3:
        services.criteria_load_builtin()
    award = f.award("erenhot-mayor")
    office = f.office_user(award)
    cycle = f.cycle("erenhot-mayor")
    app = f.application(cycle, f.applicant(award, "二连浩特市并发测试有限公司"))
    experts = [f.expert(award, name, employer=employer) for name, employer in (("并发甲", "内蒙古大学"), ("并发乙", "内蒙古工业大学"))]
    assignments = [services.assignment_create(application=app, expert=e, stage="material_review", actor=office) for e in experts]
    return app, assignments


def _full_sheet(assignment, percent="70"):
    return [{"criterion": c.number, "percent": percent} for c in assignment.criteria_set.criteria.all()]


def test_two_reviewers_submitting_at_once_are_both_saved(two_reviewers):
    from review import services
    from review.models import Assignment, Score

    app, assignments = two_reviewers

    def submit(a, percent):
        def go():
            services.scores_save(assignment=a, entries=_full_sheet(a, percent), actor=a.expert.user)
            return services.assignment_submit(assignment=a, actor=a.expert.user)
        return go

    results = run_together(submit(assignments[0], "70"), submit(assignments[1], "45"))
    assert [e for _, e in results] == [None, None]
    items = assignments[0].criteria_set.criteria.count()
    for a, percent in zip(assignments, ("70", "45")):
        assert Assignment.objects.get(pk=a.pk).submitted_at is not None
        assert sorted(set(Score.objects.filter(assignment=a).values_list("percent", flat=True))) == [int(percent)]
        assert Score.objects.filter(assignment=a).count() == items


def test_one_sheet_submitted_twice_at_once_is_one_submission(two_reviewers):
    from core.models import AuditEntry
    from review import services

    app, assignments = two_reviewers
    a = assignments[0]
    services.scores_save(assignment=a, entries=_full_sheet(a), actor=a.expert.user)

    def submit():
        return services.assignment_submit(assignment=a, actor=a.expert.user)

    results = run_together(submit, submit)
    errors = [e for _, e in results if e is not None]
    assert sum(1 for r, _ in results if r is not None) == 1
    assert len(errors) == 1 and getattr(errors[0], "code", None) == "already_submitted"
    assert AuditEntry.objects.filter(action="score.submit", object_id=str(a.pk)).count() == 1
