import json
import time
import uuid
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


def test_settings_are_the_documented_defaults():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_calendar(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["calendar"]["years"][0] <= 2025 and body["calendar"]["years"][1] >= 2026


@pytest.mark.django_db
def test_healthz_names_the_failing_part(client, monkeypatch):
    from config.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"].split(";")[0] == "failing: broker"


@pytest.mark.django_db
def test_admin_works_for_staff(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root-test", password="Zlj-test-2026!")
    client.force_login(admin)
    response = client.get("/admin/jurisdictions/jurisdiction/")
    assert response.status_code == 200
    assert "瀍河回族区" in response.content.decode()


def test_compose_services_point_at_things_that_exist():
    """Docker cannot run here, so check the compose file against the repo so it cannot rot."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat", "nginx"} <= set(services)
    commands = {name: " ".join(svc["command"]) if isinstance(svc.get("command"), list) else svc.get("command", "")
                for name, svc in services.items()}
    assert "config.wsgi:application" in commands["web"] and (ROOT / "config" / "wsgi.py").exists()
    assert "-A config worker" in commands["worker"] and (ROOT / "config" / "celery.py").exists()
    assert "-A config beat" in commands["beat"]
    for cmd in ("migrate", "load_rulesets", "collectstatic"):
        assert cmd in commands["web"]
    from django.core.management import get_commands

    assert "load_rulesets" in get_commands()
    nginx_conf = services["nginx"]["volumes"][0].split(":")[0]
    assert (ROOT / nginx_conf).exists()
    assert "CMD" in (ROOT / "Dockerfile").read_text()
    from config.celery import app

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        module, _, name = entry["task"].rpartition(".")
        assert hasattr(__import__(module, fromlist=[name]), name), entry["task"]


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_commands = [line.strip() for line in readme.splitlines() if line.strip().startswith("make ")][:2]
    assert first_commands == ["make run", "make test"]


@pytest.mark.integration
def test_a_real_celery_worker_runs_tasks_from_redis(celery_worker_process):
    from core.tasks import heartbeat

    celery_worker_process()
    token = uuid.uuid4().hex
    heartbeat.delay(token)
    deadline = time.time() + 30
    while time.time() < deadline:
        if AuditEntry.objects.filter(action="worker.heartbeat", data__nonce=token).exists():
            break
        time.sleep(0.3)
    proc = celery_worker_process.procs[-1] if hasattr(celery_worker_process, "procs") else None
    assert AuditEntry.objects.filter(action="worker.heartbeat", data__nonce=token).count() == 1, (proc.log_path.read_text() if proc else "")


@pytest.mark.django_db
def test_load_rulesets_is_idempotent(capsys):
    from jurisdictions.models import Award, Jurisdiction, Ruleset

    before = (Jurisdiction.objects.count(), Award.objects.count(), Ruleset.objects.count())
    call_command("load_rulesets")
    call_command("load_rulesets")
    assert (Jurisdiction.objects.count(), Award.objects.count(), Ruleset.objects.count()) == before
    assert before[1] == 5


@pytest.mark.django_db
def test_healthz_stays_up_when_this_years_holidays_are_not_entered(client):
    """In a January before staff enter the year's holiday notice the node keeps serving (200) and says why
    the calendar is not ok; only the windows in that year are refused."""
    import datetime as dt

    from core import clock

    with clock.frozen_at(dt.datetime(2031, 1, 12, 10, tzinfo=clock.SHANGHAI)):
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["calendar"]["ok"] is False and body["calendar"]["covers_this_year"] is False
    assert body["status"] == "ok; warning: calendar does not cover 2031"
