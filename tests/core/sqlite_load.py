"""Run as a script by tests/core/test_sqlite_concurrency.py on the embedded default's configuration (SQLite file,
settings as `make run` has them): N applicants submit at the same moment from N threads, each through the whole
web stack (Django's test client, one connection per thread as runserver's threads have). Prints a JSON summary."""
import datetime as dt
import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

N = int(os.environ.get("LOAD_N", "20"))


def main():
    call_command("migrate", verbosity=0)
    call_command("load_rulesets", verbosity=0)
    from awards import services
    from core import clock
    from tests.awards.factories import GOOD_DECLARATION, open_cycle, org

    when = dt.datetime(2025, 9, 1, 9, tzinfo=clock.SHANGHAI)
    cycle, _office = open_cycle("tacheng-prefecture", when=when)
    people = []
    with clock.frozen_at(when):
        for i in range(N):
            applicant, user = org(f"load-{i}", "654201", seed=i)
            app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
            services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评",
                                        internal_publicity_from=dt.date(2025, 8, 18), internal_publicity_to=dt.date(2025, 8, 22))
            people.append((user, app.pk))
    connection.close()
    moment = dt.datetime(2025, 9, 8, 10, tzinfo=clock.SHANGHAI)
    statuses, errors = [], []
    barrier = threading.Barrier(N)

    def submit(user, pk):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            barrier.wait()
            with clock.frozen_at(moment):
                response = client.post(f"/apply/{pk}/", {"step": "check"})
            statuses.append(response.status_code)
            if response.status_code >= 400:
                import re as _re
                alert = _re.search(r'role="alert"[^>]*>(.*?)</', response.content.decode(), _re.S)
                errors.append(f"{response.status_code}: {alert.group(1).strip() if alert else ''}"[:300])
        except Exception as exc:  # noqa: BLE001 — reported
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=p) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from awards.models import Application, Status

    submitted = Application.objects.filter(cycle=cycle).exclude(status=Status.DRAFT).count()
    print(json.dumps({"statuses": sorted(statuses), "errors": errors, "submitted": submitted, "n": N,
                      "engine": settings.DATABASES["default"]["ENGINE"]}))


if __name__ == "__main__":
    main()
