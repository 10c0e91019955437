"""One notice that cannot close never stops the deadline sweep for the others (#16 item 12): each tenant's
notices close in a savepoint of their own, and a failing notice alone; its error stays on it, the office sees it
on the cycle page, and the next run retries it."""
import datetime as dt

import pytest

from awards.models import Applicant, Application, Status
from core import clock
from jurisdictions.calendar import compute_window
from jurisdictions.models import Body, BodyKind, Jurisdiction
from publicity import windows
from publicity.models import Notice
from publicity.windows import close_due_windows

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI


def _listed(slug, county_code, n, when):
    from tests.awards.factories import open_cycle

    cycle, office = open_cycle(slug, when=when)
    county = Jurisdiction.objects.get(code=county_code)
    body = Body.objects.get(jurisdiction=county, kind=BodyKind.MARKET_REGULATION)
    window = compute_window(dt.date(2025, 12, 1), 5, "working_days")
    notices = []
    for i in range(n):
        applicant = Applicant.objects.create(kind="organization", name=f"{slug}企业{i}", county=county, legal_form="legal_person")
        app = Application.objects.create(cycle=cycle, applicant=applicant, category="organization", reference=f"{slug[:3]}-{i}",
                                         stage="pre_check", status=Status.IN_PUBLICITY, route_body=body)
        notice = Notice.objects.create(award=cycle.award, cycle=cycle, kind="pre_check_list", stage="pre_check", title=f"{slug} 初审名单 {i}",
                                       issuer=body.name, published_at=clock.now(), opened_on=window.first_day, first_day=window.first_day,
                                       last_day=window.last_day, closes_at=window.closes_at, length=5, unit="working_days")
        notice.applications.set([app])
        notices.append(notice)
    return cycle, office, notices


def test_a_notice_that_cannot_close_is_retried_and_shown_while_every_other_notice_closes(client, monkeypatch):
    when = dt.datetime(2025, 12, 1, 9, tzinfo=SH)
    tc_cycle, tc_office, (bad, good_same_tenant) = _listed("tacheng-prefecture", "654201", 2, when)
    _xam_cycle, _xam_office, (other_tenant,) = _listed("xam-leader", "152201", 1, when)
    real = windows.close_notices

    def failing(*, notices, now):
        if any(n.pk == bad.pk for n in notices):
            raise RuntimeError("规则数据损坏（测试）")
        return real(notices=notices, now=now)

    monkeypatch.setattr(windows, "close_notices", failing)
    result = close_due_windows(now=dt.datetime(2025, 12, 9, 0, 5, tzinfo=SH), batch=200)
    assert result["failed"] == 1 and result["closed"] == 2
    states = dict(Notice.objects.values_list("pk", "state"))
    assert states[good_same_tenant.pk] == states[other_tenant.pk] == Notice.State.CLOSED
    assert states[bad.pk] == Notice.State.OPEN
    bad.refresh_from_db()
    assert bad.sweep_error == "RuntimeError: 规则数据损坏（测试）" and bad.sweep_failed_at is not None
    assert Application.objects.get(notices=bad).status == Status.IN_PUBLICITY  # nothing half-done

    client.force_login(tc_office)
    with clock.frozen_at(dt.datetime(2025, 12, 9, 9, tzinfo=SH)):
        page = client.get(f"/office/cycles/{tc_cycle.pk}/").content.decode()
    assert "以下公示期满后未能自动办结" in page and "tacheng-prefecture 初审名单 0" in page

    monkeypatch.setattr(windows, "close_notices", real)  # the cause is repaired: the next run closes it
    assert close_due_windows(now=dt.datetime(2025, 12, 9, 0, 6, tzinfo=SH))["closed"] == 1
    bad.refresh_from_db()
    assert bad.state == Notice.State.CLOSED and bad.sweep_error == "" and bad.sweep_failed_at is None


def test_when_the_audit_log_cannot_be_written_no_notice_closes_half_and_the_next_run_closes_them():
    from tests.atomicity import audit_failing, snapshot

    when = dt.datetime(2025, 12, 1, 9, tzinfo=SH)
    _cycle, _office, notices = _listed("tacheng-prefecture", "654201", 2, when)
    before = snapshot()
    with audit_failing():
        result = close_due_windows(now=dt.datetime(2025, 12, 9, 0, 5, tzinfo=SH))
    assert result["failed"] == 2 and result["closed"] == 0
    after = snapshot()
    changed = sorted(label for label in before if before[label] != after.get(label))
    assert changed == ["publicity.Notice"], changed  # only the recorded errors
    assert all(n.state == Notice.State.OPEN and n.sweep_error for n in Notice.objects.filter(pk__in=[n.pk for n in notices]))
    assert not Application.objects.exclude(status=Status.IN_PUBLICITY).filter(notices__in=notices).exists()
    assert close_due_windows(now=dt.datetime(2025, 12, 9, 0, 6, tzinfo=SH))["closed"] == 2
