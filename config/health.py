"""/healthz: can this node serve? The database and the broker decide (503 takes the node out of the
balancer); a calendar year staff have not entered yet is a warning. Lives in config because it checks the
deployment as a whole (the broker of config.celery, the calendar of jurisdictions)."""
import datetime as dt

from django.db import connection
from django.http import JsonResponse

from config.celery import app
from core import clock
from jurisdictions.calendar import known_years


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # health check reports any failure
        return False, f"{type(exc).__name__}: {exc}"


def _check_broker() -> tuple[bool, str]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_name
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _check_calendar() -> tuple[bool, dict]:
    try:
        years = known_years()
    except Exception as exc:
        return False, {"error": str(exc)}
    this_year = clock.today().year
    return this_year in years, {"years": [min(years), max(years)] if years else [], "covers_this_year": this_year in years,
                                "next_year_known": this_year + 1 in years}


def healthz(request):
    db_ok, db_info = _check_database()
    broker_ok, broker_info = _check_broker()
    cal_ok, cal_info = _check_calendar() if db_ok else (False, {"error": "database unavailable"})
    body = {
        "database": {"ok": db_ok, "detail": db_info},
        "broker": {"ok": broker_ok, "detail": broker_info},
        "calendar": {"ok": cal_ok, **cal_info},
        "time": dt.datetime.now(clock.SHANGHAI).isoformat(timespec="seconds"),
    }
    # The database and the broker decide whether this node can serve (503 takes it out of the balancer). A
    # year whose holidays staff have not entered yet is a warning for the office, not an outage: the app keeps
    # serving and refuses only the windows that fall in that year, with a message saying what to enter.
    failing = [name for name in ("database", "broker") if not body[name]["ok"]]
    body["status"] = ("ok" if not failing else "failing: " + ", ".join(failing)) + (
        f"; warning: calendar does not cover {clock.today().year}" if db_ok and not cal_ok else "")
    return JsonResponse(body, status=200 if not failing else 503, json_dumps_params={"ensure_ascii": False})
