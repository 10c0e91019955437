"""Mass assignment, separation of duties and object permissions, on the fixture world.

- An applicant posting status/stage/score/jurisdiction/route_body to the pages or the API changes nothing.
- The platform superuser, without an office or reviewer post, reads no scores and no trade-secret files;
  the supervisor reads the audit log and the process, and every POST of theirs is refused.
- Reviewer access is per object (guardian): a global permission gives nothing, and revoking an assignment
  or dissolving the panels leaves no object-permission row behind.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from core.models import AuditEntry
from review.models import ApplicationUserObjectPermission, Assignment, Panel, Score, StageResult

from .world import at

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


# ---- 2. mass assignment -------------------------------------------------------------------------------------
@pytest.fixture
def draft(world_media):
    """A draft application of a fresh applicant in 瀍河回族区 (its own open cycle), owned by `draft.user`."""
    from awards import services as aw
    from tests.awards.factories import START, open_cycle, org

    cycle, _ = open_cycle("chanhe-head")
    applicant, user = org("mx-draft-co", "410304")
    with at(2025, 9, 2):
        app = aw.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
    app.user = user
    app.before = (app.status, app.stage, app.route_body_id, app.cycle_id, app.applicant_id, app.reference)
    assert START.date() <= dt.date(2025, 9, 2) <= cycle.filing_deadline
    return app


def _unchanged(app):
    app.refresh_from_db()
    return (app.status, app.stage, app.route_body_id, app.cycle_id, app.applicant_id, app.reference) == app.before


FORBIDDEN = {"status": "awarded", "stage": "commendation", "score": "100", "total": "1000", "jurisdiction": "150000",
             "route_body": "1", "route_body_id": "1", "cycle": "1", "applicant": "1", "reference": "HACKED-1",
             "submitted_at": "2025-01-01T00:00:00Z", "materials_version": "9"}


def test_api_patch_with_protected_fields_is_refused_and_changes_nothing(world_media, draft):
    api = client_for(draft.user)
    for key, value in FORBIDDEN.items():
        r = api.patch(f"/api/v1/applications/{draft.pk}/", {key: value, "self_evaluation": "改过的自评"},
                      content_type="application/json")
        assert r.status_code == 400, key
        assert r.json()["code"] == "mass_assignment" and r.json()["field"] == key
    assert _unchanged(draft)
    assert draft.self_evaluation == ""  # all or nothing: the allowed field beside a forbidden one was not saved


def test_api_create_ignores_status_and_stage(world_media, draft):
    from awards import services as aw
    from tests.awards.factories import org

    applicant, user = org("mx-draft-co2", "410304")
    with at(2025, 9, 2):
        r = client_for(user).post("/api/v1/applications/", {"cycle": draft.cycle_id, "applicant": applicant.pk, "status": "awarded",
                                                            "stage": "commendation", "reference": "HACKED-2"},
                                  content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["stage"]) == ("draft", "filing")
    assert body["reference"] != "HACKED-2"
    assert aw  # services used through the API only


def test_web_form_ignores_protected_fields(world_media, draft):
    page = client_for(draft.user)
    r = page.post(f"/apply/{draft.pk}/", {"step": "self", "self_evaluation": "网页自评", **FORBIDDEN})
    assert r.status_code == 302
    assert _unchanged(draft)
    assert draft.self_evaluation == "网页自评"
    r = page.post(f"/apply/{draft.pk}/", {"step": "facts", "route_body_id": "", **FORBIDDEN})
    assert r.status_code in (302, 400)
    assert _unchanged(draft)


def test_registration_cannot_make_a_staff_or_superuser_account(world_media):
    from django.contrib.auth import get_user_model

    r = Client().post("/apply/register/", {
        "kind": "individual", "account-username": "mx-sneaky", "account-password1": "Zlj-sneaky-2026!x",
        "account-password2": "Zlj-sneaky-2026!x", "individual-name": "王五", "individual-id_number": "11010519491231002X",
        "individual-county": "1", "individual-employer": "某单位", "individual-quality_work_years": "5",
        "is_superuser": "on", "is_staff": "on", "account-is_superuser": "on", "account-is_staff": "on", "role": "office"})
    user = get_user_model().objects.filter(username="mx-sneaky").first()
    if user is not None:  # registered (or the form refused the made-up county): never with privileges
        assert (user.is_superuser, user.is_staff, user.memberships.count()) == (False, False, 0)
    assert r.status_code in (302, 400)


def test_reviewer_cannot_smuggle_fields_into_scores(world_media):
    w = world_media
    first = w.assignment.criteria_set.criteria.order_by("position").first()
    r = client_for(w.reviewer).post(f"/api/v1/review/assignments/{w.assignment.pk}/scores/", {
        "scores": [{"criterion": first.number, "percent": "70", "assignment": w.conflicted_assignment.pk}],
        "submitted_at": "2025-01-01T00:00:00Z", "expert": 1}, content_type="application/json")
    assert r.status_code == 200
    w.assignment.refresh_from_db()
    assert w.assignment.submitted_at is None
    assert list(Score.objects.filter(assignment=w.conflicted_assignment)) == []
    assert Score.objects.get(assignment=w.assignment, criterion=first).percent == 70


# ---- 3. separation of duties --------------------------------------------------------------------------------
def test_superuser_without_a_post_reads_no_scores(world_media):
    w = world_media
    root = client_for(w.users["superuser"])
    assert root.get(f"/review/assignments/{w.assignment.pk}/").status_code == 404
    assert root.get(f"/review/consensus/{w.review_app.pk}/material_review/").status_code == 404
    assert root.get(f"/review/cycles/{w.review_cycle.pk}/material_review/").status_code == 404
    assert root.get("/api/v1/review/assignments/").json() == []
    r = root.post(f"/api/v1/review/assignments/{w.assignment.pk}/scores/", {"scores": []}, content_type="application/json")
    assert r.status_code == 404
    # nor through the admin site: stage results (totals) and assignments are not for the platform operator
    assert root.get("/admin/review/stageresult/").status_code == 403
    assert "stageresult" not in root.get("/admin/").content.decode()


def test_superuser_without_a_post_gets_no_trade_secret_file(world_media):
    w = world_media
    root = client_for(w.users["superuser"])
    for url in (f"/apply/{w.app.pk}/materials/{w.secret.pk}/", f"/office/applications/{w.app.pk}/materials/{w.secret.pk}/",
                f"/precheck/{w.app.pk}/materials/{w.secret.pk}/",
                f"/review/assignments/{w.assignment.pk}/materials/{w.review_secret.pk}/",
                f"/apply/{w.review_app.pk}/materials/{w.review_secret.pk}/"):
        assert root.get(url).status_code == 404, url
    assert root.get(f"/api/v1/applications/{w.app.pk}/materials/").status_code == 404


def test_supervisor_reads_the_audit_log_and_the_process(world_media):
    w = world_media
    sup = client_for(w.users["supervisor"])
    page = sup.get("/supervision/")
    assert page.status_code == 200
    text = page.content.decode()
    assert w.app.reference in text  # the stage events of the award's applications
    assert "application.publish" in text or "notice.publish" in text
    assert sup.get(f"/review/cycles/{w.review_cycle.pk}/material_review/").status_code == 200
    api = sup.get(f"/api/v1/applications/{w.app.pk}/")
    assert api.status_code == 200 and api.json()["status"] == "awarded"


SUPERVISOR_POSTS = [
    ("/supervision/", {}),
    ("/review/cycles/{review_cycle}/material_review/", {"action": "draw", "size": "1", "seed": "1"}),
    ("/review/cycles/{review_cycle}/material_review/", {"action": "dissolve"}),
    ("/office/cycles/{cycle}/stage/award_publicity/", {"what": "publish"}),
    ("/api/v1/applications/{app}/transition/", {"action": "revoke", "reason": "监督"}),
    ("/api/v1/applications/{app}/supplement-request/", {"items": ["补充"]}),
    ("/api/v1/cycles/{cycle}/select/", {"stage": "material_review", "advancing": []}),
    ("/api/v1/grants/{grant}/revoke/", {"reason": "fraud", "text": "监督"}),
    ("/api/v1/cycles/", {"award": "tacheng-prefecture", "year": 2027, "filing_deadline": "2027-05-01"}),
    ("/notices/{notice}/correct/", {"title": "更正", "body": "更正"}),
]


@pytest.mark.parametrize("url,data", SUPERVISOR_POSTS, ids=[u for u, _ in SUPERVISOR_POSTS])
def test_supervisor_posts_are_refused_and_change_nothing(world_media, url, data):
    w = world_media
    supervisor = w.users["supervisor"]
    url = url.format(review_cycle=w.review_cycle.pk, cycle=w.cycle.pk, app=w.app.pk, grant=w.grant.pk, notice=w.notice.pk)
    client = client_for(supervisor)  # (logging in writes its own audit entry)
    audit_before = AuditEntry.objects.count()
    panels_before = Panel.objects.count()
    r = client.post(url, data, content_type="application/json") if url.startswith("/api/") else client.post(url, data)
    assert r.status_code in (400, 403, 404, 405), (url, r.status_code)
    assert AuditEntry.objects.count() == audit_before
    assert Panel.objects.count() == panels_before
    w.app.refresh_from_db()
    assert w.app.status == "awarded"


# ---- 4. guardian object permissions -------------------------------------------------------------------------
def _perm_pairs():
    """Reviewer grants (awards.view_application); applicants hold awards.change_application on their own."""
    return set(ApplicationUserObjectPermission.objects.filter(permission__codename="view_application")
               .values_list("user_id", "content_object_id"))


def _active_pairs():
    return set(Assignment.objects.filter(revoked_at__isnull=True, access_ended_at__isnull=True, expert__user__isnull=False)
               .values_list("expert__user_id", "application_id"))


def test_object_permission_rows_match_active_assignments(world_media):
    w = world_media
    assert _perm_pairs() == _active_pairs() == {(w.reviewer.pk, w.review_app.pk)}


def test_a_global_permission_gives_no_object_access(world_media):
    from review import selectors

    w = world_media
    view = Permission.objects.get(content_type__app_label="awards", codename="view_application")
    for role in ("reviewer_unassigned", "reviewer_conflicted"):
        user = w.users[role]
        user.user_permissions.add(view)
        user = type(user).objects.get(pk=user.pk)  # fresh permission cache
        assert user.has_perm("awards.view_application")
        c = client_for(user)
        assert c.get(f"/review/assignments/{w.assignment.pk}/").status_code == 404
        assert c.get(f"/review/assignments/{w.conflicted_assignment.pk}/").status_code == 404
        assert c.get(f"/review/assignments/{w.conflicted_assignment.pk}/materials/{w.review_secret.pk}/").status_code == 404
        assert c.get("/api/v1/review/assignments/").json() == []
        assert not selectors.can_see_trade_secrets(user, w.review_app)
        assert list(selectors.materials_for_reviewer(user, w.review_app).values_list("pk", flat=True)) == [w.review_material.pk]


def test_a_global_applicant_permission_opens_no_one_elses_application(world_media):
    w = world_media
    change = Permission.objects.get(content_type__app_label="awards", codename="change_application")
    other = w.users["other_applicant"]
    other.user_permissions.add(change)
    c = client_for(type(other).objects.get(pk=other.pk))
    assert c.get(f"/apply/{w.app.pk}/").status_code == 404
    assert c.get(f"/apply/{w.app.pk}/materials/{w.secret.pk}/").status_code == 404
    assert c.get(f"/api/v1/applications/{w.app.pk}/").status_code == 404
    r = c.post(f"/api/v1/applications/{w.app.pk}/withdraw/", {"reason": "冒名撤回"}, content_type="application/json")
    assert r.status_code == 404


def test_unassigning_removes_the_object_permission(world_media):
    from review import services as rv

    w = world_media
    with at(2025, 12, 23):
        rv.assignment_revoke(assignment=w.assignment, reason="工作调整", actor=w.office)
    assert _perm_pairs() == set()
    assert client_for(w.reviewer).get(f"/review/assignments/{w.assignment.pk}/").status_code == 404


def test_dissolving_the_panels_removes_every_object_permission(world_media):
    from review import services as rv

    w = world_media
    with at(2025, 12, 23):
        rv.panels_dissolve(cycle=w.review_cycle, actor=w.office)
    assert _perm_pairs() == set()
    assert client_for(w.reviewer).get(f"/review/assignments/{w.assignment.pk}/materials/{w.review_secret.pk}/").status_code == 404


def test_assignments_are_revoked_never_deleted(world_media):
    """Deleting an Assignment row would leave its guardian row behind (permissions follow the services, not
    signals), so the admin offers no delete; an application with assignments cannot be deleted at all."""
    from django.db.models import ProtectedError

    w = world_media
    root = client_for(w.users["superuser"])
    assert root.get(f"/admin/review/assignment/{w.assignment.pk}/delete/").status_code == 403
    assert Assignment.objects.filter(pk=w.assignment.pk).exists()
    with pytest.raises(ProtectedError):
        w.app.review_assignments.model.objects.filter(pk=w.assignment.pk).first().application.delete()
    assert _perm_pairs() == _active_pairs()
    assert StageResult.objects.count() == 0


def test_audit_entries_of_scores_carry_a_digest_not_the_scores():
    from core.models import AuditEntry

    for entry in AuditEntry.objects.filter(action__startswith="score."):
        text = str(entry.data)
        assert "digest" in entry.data and "percent" not in text and "total" not in entry.data
