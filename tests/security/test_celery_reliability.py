"""Celery reliability.

How work reaches the worker: no web request sends a Celery task. Every deadline is a row (a notice's
absolute closes_at) swept by the one periodic task (publicity.tasks.sweep_deadlines, beat every
DEADLINE_SWEEP_SECONDS) with skip_locked, so a broker outage cannot lose queued work and cannot break a
request: the next sweep after the broker (or a worker) comes back does what was due. These tests pin that
down: with the broker unreachable the pages and the API answer and /healthz says 503 naming the broker;
a sweep run twice (two beats) advances nothing twice; a notice due while no worker ran is closed by the
next sweep with its original deadline."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client

from core import clock

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SH = clock.SHANGHAI


@pytest.fixture
def broker_down():
    """Points the in-process Celery app at a closed port (nothing listens on port 1)."""
    from config.celery import app

    before = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield app
    app.conf.broker_url = before


def test_with_the_broker_down_the_web_answers_and_healthz_names_the_broker(broker_down, make_user, settings):
    c = Client()
    assert c.get("/notices/").status_code == 200
    r = c.get("/api/v1/awards/")
    assert r.status_code == 200 and any(a["slug"] == "tacheng-prefecture" for a in r.json())
    health = c.get("/healthz")
    assert health.status_code == 503
    body = health.json()
    assert body["broker"]["ok"] is False and "broker" in body["status"]
    assert body["database"]["ok"] is True


def test_no_web_code_sends_a_celery_task():
    """The design the tests below rely on: tasks are started by beat only, never from a request (so a
    broker outage cannot raise inside a request, and nothing queued can be lost)."""
    senders = []
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] in (".venv", "tests", "bench", "scripts") or path.name == "tasks.py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"\.(delay|apply_async|send_task)\(", text):
            senders.append(str(path.relative_to(ROOT)))
    assert senders == [], f"these modules send Celery tasks; send after commit and survive a broker outage: {senders}"


def test_a_write_with_the_broker_down_succeeds_and_the_next_sweep_closes_its_window(broker_down, make_user):
    from awards.models import Application, Status
    from publicity.models import Notice
    from publicity.tasks import sweep_deadlines
    from tests.publicity.conftest import at, tacheng

    ns = tacheng.__wrapped__(make_user)  # published through the services while the broker is down
    assert ns.notice.state == Notice.State.OPEN
    with clock.frozen_at(at(2025, 10, 14, 0, 1)):
        result = sweep_deadlines.apply().get()  # the next beat run, once a worker is back
    assert result["closed"] == 1 and result["advanced"] == 2
    assert set(Application.objects.filter(cycle=ns.cycle).values_list("stage", "status")) == {("qualification_review", Status.PENDING)}


def test_two_beats_running_the_sweep_advance_each_application_once(make_user):
    from awards.models import StageEvent
    from publicity.tasks import sweep_deadlines
    from tests.publicity.conftest import at, tacheng

    ns = tacheng.__wrapped__(make_user)
    with clock.frozen_at(at(2025, 10, 14, 0, 1)):
        first = sweep_deadlines.apply().get()
        second = sweep_deadlines.apply().get()
    assert (first["closed"], first["advanced"]) == (1, 2)
    assert (second["closed"], second["advanced"]) == (0, 0)
    assert StageEvent.objects.filter(application__cycle=ns.cycle, action="close_publicity").count() == 2


def test_a_deadline_passed_while_no_worker_ran_is_closed_by_the_next_sweep(make_user):
    """The pre-check notice closed at 2025-10-14 00:00; the worker was down for three weeks. The first sweep
    after the restart closes it and advances the applications; the notice keeps its absolute deadline."""
    from awards.models import StageEvent
    from publicity.models import Notice
    from publicity.tasks import sweep_deadlines
    from tests.publicity.conftest import at, tacheng

    ns = tacheng.__wrapped__(make_user)
    closes_at = ns.notice.closes_at
    assert closes_at == dt.datetime(2025, 10, 14, 0, 0, tzinfo=SH)
    restart = at(2025, 11, 4, 8, 30)
    with clock.frozen_at(restart):
        result = sweep_deadlines.apply().get()
    notice = Notice.objects.get(pk=ns.notice.pk)
    assert result["closed"] == 1 and notice.state == Notice.State.CLOSED
    assert notice.closes_at == closes_at and notice.closed_at == restart
    events = StageEvent.objects.filter(application__cycle=ns.cycle, action="close_publicity")
    assert events.count() == 2 and {e.data["closed_at"] for e in events} == {restart.isoformat()}
