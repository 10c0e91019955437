"""Access-control matrix: every URL and API route × every role, with the answer each must get.

The routes come from the resolver (tests/security/routes.py); a route this table does not classify fails
`test_every_route_is_classified`, so a new page cannot slip in unchecked. Parameters are filled with
塔城地区 (tenant A) objects of the fixture world; staff of 二连浩特市 (tenant B) and of another county
must get 404 for them, never a 403 that confirms the object exists.

Codes: an int is the exact status; LOGIN is a 302 to /accounts/login/; ADMIN_LOGIN a 302 to /admin/login/.
"""
from __future__ import annotations

import pytest
from django.test import Client

from .routes import Call, all_routes, api_post, get, post
from .world import OTHER_NAME, ROLES, TENANT_B_NAME

pytestmark = pytest.mark.django_db

LOGIN, ADMIN_LOGIN = "login", "admin-login"
STAFF = ("precheck", "precheck_other", "office", "office_other", "reviewer", "reviewer_unassigned", "reviewer_conflicted",
         "committee", "supervisor")


def E(anon=LOGIN, rest=404, **over) -> dict:
    """anonymous → `anon`, every other role → `rest`, except the roles named."""
    out = {r: rest for r in ROLES}
    out["anonymous"] = anon
    out.update(over)
    return out


PUBLIC = E(anon=200, rest=200)
LOGGED_IN = E(rest=200)
API_AUTH = E(anon=403, rest=200)
OFFICE_ONLY = E(office=200)
APPLICANT_PAGE = E(owner=200)

MATERIAL = lambda w: w.material.pk  # noqa: E731
APP = lambda w: w.app.pk  # noqa: E731
CYCLE = lambda w: w.cycle.pk  # noqa: E731

# route → [(call, expected by role)]
MATRIX: dict[str, list[tuple[Call, dict]]] = {
    "healthz": [(get("/healthz"), PUBLIC)],
    "": [(get("/"), PUBLIC)],
    "accounts/login/": [(get("/accounts/login/"), PUBLIC)],
    "accounts/logout/": [(post("/accounts/logout/"), E(anon=302, rest=302))],
    "accounts/otp/": [(get("/accounts/otp/"), LOGGED_IN)],
    "admin/*": [(get("/admin/"), E(anon=ADMIN_LOGIN, rest=ADMIN_LOGIN, superuser=200)),
                (get("/admin/core/auditentry/"), E(anon=ADMIN_LOGIN, rest=ADMIN_LOGIN, superuser=200))],
    # ---- API -------------------------------------------------------------------------------------------
    "api/v1/auth/token/": [(api_post("/api/v1/auth/token/"), E(anon=400, rest=400))],
    "api/v1/awards/": [(get("/api/v1/awards/"), PUBLIC)],
    "api/v1/awards/<slug:slug>/ruleset/": [(get("/api/v1/awards/tacheng-prefecture/ruleset/"), PUBLIC)],
    "api/v1/calendar/window/": [(get("/api/v1/calendar/window/?start=2025-09-30&length=5&unit=working_days"), PUBLIC)],
    "api/v1/applicants/": [(get("/api/v1/applicants/"), API_AUTH)],
    "api/v1/applicants/organization/": [(api_post("/api/v1/applicants/organization/"), E(anon=403, rest=400))],
    "api/v1/applicants/individual/": [(api_post("/api/v1/applicants/individual/"), E(anon=403, rest=400))],
    "api/v1/cycles/": [(get("/api/v1/cycles/"), API_AUTH)],
    "api/v1/cycles/<int:pk>/publish-list/": [(api_post(lambda w: f"/api/v1/cycles/{w.cycle.pk}/publish-list/"), E(anon=403, rest=400))],
    "api/v1/cycles/<int:pk>/select/": [(api_post(lambda w: f"/api/v1/cycles/{w.cycle.pk}/select/"), E(anon=403, office=400))],
    "api/v1/cycles/<int:pk>/approval/": [(api_post(lambda w: f"/api/v1/cycles/{w.cycle.pk}/approval/"), E(anon=403, office=400))],
    "api/v1/cycles/<int:pk>/commend/": [(api_post(lambda w: f"/api/v1/cycles/{w.cycle.pk}/commend/"), E(anon=403, office=400))],
    "api/v1/applications/": [(get("/api/v1/applications/"), API_AUTH)],
    "api/v1/applications/<int:pk>/": [(get(lambda w: f"/api/v1/applications/{w.app.pk}/"),
                                       E(anon=403, owner=200, precheck=200, office=200, supervisor=200))],
    "api/v1/applications/<int:pk>/submit/": [(api_post(lambda w: f"/api/v1/applications/{w.app.pk}/submit/"),
                                              E(anon=403, owner=400, precheck=400, office=400, supervisor=400))],
    "api/v1/applications/<int:pk>/eligibility/": [(get(lambda w: f"/api/v1/applications/{w.app.pk}/eligibility/"),
                                                   E(anon=403, owner=200, precheck=200, office=200, supervisor=200))],
    "api/v1/applications/<int:pk>/materials/": [(get(lambda w: f"/api/v1/applications/{w.app.pk}/materials/"),
                                                 E(anon=403, owner=200, precheck=200, office=200, supervisor=200))],
    "api/v1/applications/<int:pk>/transition/": [(api_post(lambda w: f"/api/v1/applications/{w.app.pk}/transition/"),
                                                  E(anon=403, owner=400, precheck=400, office=400, supervisor=400))],
    "api/v1/applications/<int:pk>/supplement-request/": [(api_post(lambda w: f"/api/v1/applications/{w.app.pk}/supplement-request/"),
                                                          E(anon=403, owner=400, precheck=400, office=400, supervisor=400))],
    "api/v1/applications/<int:pk>/supplement-answer/": [(api_post(lambda w: f"/api/v1/applications/{w.app.pk}/supplement-answer/"),
                                                         E(anon=403, owner=400, precheck=400, office=400, supervisor=400))],
    "api/v1/applications/<int:pk>/withdraw/": [(api_post(lambda w: f"/api/v1/applications/{w.app.pk}/withdraw/"),
                                                E(anon=403, owner=400, precheck=400, office=400, supervisor=400))],
    "api/v1/grants/<int:pk>/revoke/": [(api_post(lambda w: f"/api/v1/grants/{w.grant.pk}/revoke/"), E(anon=403, office=400))],
    "api/v1/grants/<int:pk>/reports/": [(get(lambda w: f"/api/v1/grants/{w.grant.pk}/reports/"), E(anon=403, owner=200))],
    "api/v1/criteria/": [(get("/api/v1/criteria/"), PUBLIC)],
    "api/v1/criteria/<slug:code>/": [(get(lambda w: f"/api/v1/criteria/{w.assignment.criteria_set.code}/"), PUBLIC)],
    "api/v1/review/assignments/": [(get("/api/v1/review/assignments/"), API_AUTH)],
    "api/v1/review/assignments/<int:pk>/scores/": [(api_post(lambda w: f"/api/v1/review/assignments/{w.assignment.pk}/scores/"),
                                                    E(anon=403, reviewer=200))],
    "api/v1/notices/": [(get("/api/v1/notices/"), PUBLIC)],
    "api/v1/programme/pool/": [(get("/api/v1/programme/pool/"), API_AUTH)],
    "api/v1/programme/agency-cycles/": [(get("/api/v1/programme/agency-cycles/"), API_AUTH)],
    "api/schema/": [(get("/api/schema/"), PUBLIC)],
    "api/docs/": [(get("/api/docs/"), PUBLIC)],
    # ---- rules, calendar, workspace ----------------------------------------------------------------------
    "rules/": [(get("/rules/"), PUBLIC)],
    "rules/<slug:slug>/": [(get("/rules/tacheng-prefecture/"), PUBLIC)],
    "rules/<slug:slug>/v/<int:version>/": [(get("/rules/tacheng-prefecture/v/1/"), PUBLIC)],
    "rules/<slug:slug>/diff/": [(get("/rules/tacheng-prefecture/diff/"), PUBLIC)],
    "rules/<slug:slug>/edit/": [(get("/rules/tacheng-prefecture/edit/"), OFFICE_ONLY)],
    # Rule cases read like the rules (public); adding and running them is the award office's.
    "rules/<slug:slug>/cases/": [(get("/rules/tacheng-prefecture/cases/"), PUBLIC)],
    "rules/<slug:slug>/cases/add/": [(post("/rules/tacheng-prefecture/cases/add/"), E(office=400))],
    "rules/<slug:slug>/cases/run/": [(post("/rules/tacheng-prefecture/cases/run/"), E(office=302))],
    "calendar/": [(get("/calendar/"), PUBLIC)],
    "workspace/": [(get("/workspace/"), LOGGED_IN)],
    # ---- applicant pages ----------------------------------------------------------------------------------
    "apply/register/": [(get("/apply/register/"), PUBLIC)],
    "apply/": [(get("/apply/"), E(rest=302, owner=200, other_applicant=200))],
    # The world's cycle has finished (commended), so even its applicant cannot open a new application in it.
    "apply/new/": [(post("/apply/new/", lambda w: {"applicant": w.app.applicant_id, "cycle": w.cycle.pk}), E()),
                   (post("/apply/new/", lambda w: {"applicant": w.app.applicant_id, "cycle": w.cycle_b.pk}), E())],
    "apply/<int:pk>/": [(get(lambda w: f"/apply/{w.app.pk}/"), APPLICANT_PAGE)],
    "apply/<int:pk>/materials/<int:material_pk>/": [(get(lambda w: f"/apply/{w.app.pk}/materials/{w.material.pk}/"), APPLICANT_PAGE),
                                                    (get(lambda w: f"/apply/{w.app.pk}/materials/{w.secret.pk}/"), APPLICANT_PAGE),
                                                    (get(lambda w: f"/apply/{w.app.pk}/materials/{w.other_material.pk}/"), E())],
    "apply/<int:pk>/withdraw/": [(post(lambda w: f"/apply/{w.app.pk}/withdraw/"), E(owner=302))],
    "apply/<int:pk>/supplement/": [(post(lambda w: f"/apply/{w.app.pk}/supplement/"), E(owner=302))],
    "apply/grants/<int:pk>/reports/": [(get(lambda w: f"/apply/grants/{w.grant.pk}/reports/"), APPLICANT_PAGE)],
    "apply/claims/<int:pk>/": [(get(lambda w: f"/apply/claims/{w.claim.pk}/"), E(other_applicant=200))],
    # ---- pre-check ------------------------------------------------------------------------------------------
    "precheck/": [(get("/precheck/"), E(precheck=200, precheck_other=200))],
    "precheck/publish/": [(post("/precheck/publish/", lambda w: {"body": w.precheck_body.pk, "cycle": w.cycle.pk, "stage": "pre_check"}),
                           E(precheck=302))],
    "precheck/<int:pk>/": [(get(lambda w: f"/precheck/{w.app.pk}/"), E(precheck=200))],
    "precheck/<int:pk>/materials/<int:material_pk>/": [(get(lambda w: f"/precheck/{w.app.pk}/materials/{w.material.pk}/"), E(precheck=200))],
    # ---- office ---------------------------------------------------------------------------------------------
    "office/": [(get("/office/"), OFFICE_ONLY | {"office_other": 200})],
    "office/awards/<slug:slug>/open/": [(get("/office/awards/tacheng-prefecture/open/"), OFFICE_ONLY)],
    "office/cycles/<int:pk>/": [(get(lambda w: f"/office/cycles/{w.cycle.pk}/"), OFFICE_ONLY)],
    "office/cycles/<int:pk>/stage/<slug:code>/": [(get(lambda w: f"/office/cycles/{w.cycle.pk}/stage/material_review/"), OFFICE_ONLY)],
    "office/cycles/<int:pk>/approval/": [(get(lambda w: f"/office/cycles/{w.cycle.pk}/approval/"), OFFICE_ONLY)],
    "office/cycles/<int:pk>/commend/": [(get(lambda w: f"/office/cycles/{w.cycle.pk}/commend/"), OFFICE_ONLY)],
    "office/applications/<int:pk>/": [(get(lambda w: f"/office/applications/{w.app.pk}/"), OFFICE_ONLY)],
    "office/applications/<int:pk>/materials/<int:material_pk>/": [
        (get(lambda w: f"/office/applications/{w.app.pk}/materials/{w.material.pk}/"), OFFICE_ONLY),
        (get(lambda w: f"/office/applications/{w.app.pk}/materials/{w.secret.pk}/"), OFFICE_ONLY)],
    "office/grants/<int:pk>/revoke/": [(get(lambda w: f"/office/grants/{w.grant.pk}/revoke/"), OFFICE_ONLY)],
    "office/claims/": [(get("/office/claims/"), OFFICE_ONLY | {"office_other": 200})],
    "office/claims/<int:pk>/": [(get(lambda w: f"/office/claims/{w.claim.pk}/"), OFFICE_ONLY),
                                (post(lambda w: f"/office/claims/{w.claim.pk}/", lambda w: {"decision": "approve"}), E(office=400))],
    "office/claims/<int:pk>/evidence/": [(get(lambda w: f"/office/claims/{w.claim.pk}/evidence/"), OFFICE_ONLY)],
    # the world's grant is not revoked: no evidence to download, for the office too (the download: test_revocation_and_bans)
    "office/grants/<int:pk>/revoke/evidence/": [(get(lambda w: f"/office/grants/{w.grant.pk}/revoke/evidence/"), E())],
    "supervision/": [(get("/supervision/"), E(supervisor=200))],
    # ---- review ---------------------------------------------------------------------------------------------
    "criteria/": [(get("/criteria/"), PUBLIC)],
    "criteria/<slug:code>/": [(get(lambda w: f"/criteria/{w.assignment.criteria_set.code}/"), PUBLIC)],
    "review/": [(get("/review/"), LOGGED_IN)],
    "review/assignments/<int:pk>/": [(get(lambda w: f"/review/assignments/{w.assignment.pk}/"), E(reviewer=200))],
    "review/assignments/<int:pk>/materials/<int:material_pk>/": [
        (get(lambda w: f"/review/assignments/{w.assignment.pk}/materials/{w.review_material.pk}/"), E(reviewer=200)),
        (get(lambda w: f"/review/assignments/{w.assignment.pk}/materials/{w.review_secret.pk}/"), E(reviewer=200)),
        (get(lambda w: f"/review/assignments/{w.conflicted_assignment.pk}/materials/{w.review_secret.pk}/"), E())],
    # 塔城's ruleset has no two-way feedback (only 二连浩特 第二十六条): even the assigned reviewer gets 404.
    "review/assignments/<int:pk>/feedback/": [(post(lambda w: f"/review/assignments/{w.assignment.pk}/feedback/"), E())],
    "review/consensus/<int:app_pk>/<slug:stage>/": [(get(lambda w: f"/review/consensus/{w.review_app.pk}/material_review/"), OFFICE_ONLY)],
    "review/cycles/<int:cycle_pk>/<slug:stage>/": [(get(lambda w: f"/review/cycles/{w.review_cycle.pk}/material_review/"),
                                                    E(office=200, supervisor=200))],
    "review/cycles/<int:cycle_pk>/<slug:stage>/assign/": [
        (get(lambda w: f"/review/cycles/{w.review_cycle.pk}/material_review/assign/"), OFFICE_ONLY),
        (get(lambda w: f"/review/cycles/{w.review_cycle.pk}/announcement/assign/"), E())],
    "review/experts/": [(get("/review/experts/"), OFFICE_ONLY | {"office_other": 200})],
    "review/experts/new/": [(get("/review/experts/new/"), OFFICE_ONLY | {"office_other": 200})],
    "review/experts/<int:pk>/": [(get(lambda w: f"/review/experts/{w.expert.pk}/"), OFFICE_ONLY)],
    # 塔城's application: no two-way feedback in its ruleset, so 404 even for its own applicant; 二连浩特's
    # application is not any role's own here (its applicant is no matrix role).
    "review/feedback/<int:application_id>/": [(get(lambda w: f"/review/feedback/{w.app.pk}/"), E()),
                                              (get(lambda w: f"/review/feedback/{w.app_b.pk}/"), E())],
    "review/feedback/cycles/<int:cycle_pk>/": [(get(lambda w: f"/review/feedback/cycles/{w.review_cycle.pk}/"), E()),
                                               (get(lambda w: f"/review/feedback/cycles/{w.cycle_b.pk}/"), E(office_other=200))],
    "review/votes/<int:vote_pk>/": [(get(lambda w: f"/review/votes/{w.vote.pk}/"), E(office=200, committee=200))],
    "review/applications/<int:app_pk>/feedback-report.pdf": [(get(lambda w: f"/review/applications/{w.app.pk}/feedback-report.pdf"),
                                                              E(owner=200, office=200))],
    # ---- publicity --------------------------------------------------------------------------------------------
    "notices/": [(get("/notices/"), PUBLIC)],
    "notices/<int:pk>/": [(get(lambda w: f"/notices/{w.notice.pk}/"), PUBLIC)],
    "notices/<int:pk>/pdf/": [(get(lambda w: f"/notices/{w.notice.pk}/pdf/"), PUBLIC)],
    "notices/<int:pk>/correct/": [(post(lambda w: f"/notices/{w.notice.pk}/correct/"), E(office=302))],
    "notices/feed/<str:code>/": [(get("/notices/feed/654200/"), PUBLIC)],
    "objections/new/": [(get(lambda w: f"/objections/new/?notice={w.notice.pk}"), PUBLIC)],
    "objections/status/": [(get("/objections/status/"), PUBLIC)],
    "office/objections/": [(get("/office/objections/"), LOGGED_IN)],
    "office/objections/<int:pk>/": [(get(lambda w: f"/office/objections/{w.objection.pk}/"), OFFICE_ONLY)],
    "office/objections/<int:pk>/files/<str:which>/": [(get(lambda w: f"/office/objections/{w.objection.pk}/files/evidence/"), OFFICE_ONLY)],
    "office/objections/<int:pk>/letter/<str:to>.pdf": [(get(lambda w: f"/office/objections/{w.objection.pk}/letter/objector.pdf"), OFFICE_ONLY)],
    "office/cycles/<int:pk>/export/applications.xlsx": [(get(lambda w: f"/office/cycles/{w.cycle.pk}/export/applications.xlsx"), OFFICE_ONLY)],
    "office/cycles/<int:pk>/export/winners.xlsx": [(get(lambda w: f"/office/cycles/{w.cycle.pk}/export/winners.xlsx"), OFFICE_ONLY)],
    "verify/<str:serial>/": [(get(lambda w: f"/verify/{w.grant.serial}/"), PUBLIC)],
    "winners/": [(get("/winners/"), PUBLIC)],
    "certificates/<str:serial>.pdf": [(get(lambda w: f"/certificates/{w.grant.serial}.pdf"), E(owner=200, office=200))],
    # ---- programme --------------------------------------------------------------------------------------------
    "programme/": [(get("/programme/"), LOGGED_IN)],
    "programme/pool/": [(get("/programme/pool/"), LOGGED_IN)],
    "programme/pool/<int:pk>/": [(get(lambda w: f"/programme/pool/{w.pool_member.pk}/"), E(office=200, precheck=200))],
    "programme/pool/trainings/": [(get("/programme/pool/trainings/"), LOGGED_IN)],
    "programme/history/": [(get("/programme/history/"), OFFICE_ONLY | {"office_other": 200})],
    "programme/history/template.xlsx": [(get("/programme/history/template.xlsx"), OFFICE_ONLY | {"office_other": 200})],
    "programme/history/<int:pk>/": [(get(lambda w: f"/programme/history/{w.history.pk}/"), OFFICE_ONLY)],
    "programme/agencies/": [(get("/programme/agencies/"), OFFICE_ONLY | {"office_other": 200})],
    "programme/cycles/<int:pk>/applications/": [(get(lambda w: f"/programme/cycles/{w.cycle.pk}/applications/"), OFFICE_ONLY)],
    "programme/money/": [(get("/programme/money/"), LOGGED_IN)],
    "programme/money/<int:pk>/": [(get(lambda w: f"/programme/money/{w.grant.pk}/"), E(owner=200, office=200))],
    "programme/reports/": [(get("/programme/reports/"), LOGGED_IN)],
    # 塔城 asks no performance reports: nobody reads one (tests/awards/test_post_award_duties.py covers the awards that do)
    "programme/reports/<int:pk>/<int:year>/": [(get(lambda w: f"/programme/reports/{w.grant.pk}/{w.grant.year + 1}/"), E())],
    "programme/tracking/": [(get("/programme/tracking/"), LOGGED_IN)],
    # 塔城 第三十条: the county market-regulation body tracks; the office reads
    "programme/tracking/<int:pk>/": [(get(lambda w: f"/programme/tracking/{w.grant.pk}/"), E(office=200, precheck=200)),
                                     (post(lambda w: f"/programme/tracking/{w.grant.pk}/"), E(precheck=200))],
    "programme/onboard/": [(get("/programme/onboard/"), E())],
    "programme/onboard/<slug:slug>/": [(get("/programme/onboard/tacheng-prefecture/"), OFFICE_ONLY)],
    "programme/admins/": [(get("/programme/admins/"), E(superuser=200)), (post("/programme/admins/"), E(superuser=400))],
}


def test_every_route_is_classified():
    routes = all_routes()
    missing = [r for r in routes if r not in MATRIX]
    stale = [r for r in MATRIX if r not in routes]
    assert not missing, f"routes the access matrix does not classify (add them to MATRIX): {missing}"
    assert not stale, f"MATRIX names routes that no longer exist: {stale}"


_clients: dict = {}


def _client(world, role) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _answer(response):
    if response.status_code == 302:
        where = response["Location"]
        if where.startswith("/accounts/login/"):
            return LOGIN
        if where.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


def _do(client, call: Call, world):
    url = call.url(world)
    if call.method == "GET":
        return client.get(url)
    data = call.data(world) if call.data else {}
    if call.json:
        return client.post(url, data, content_type="application/json")
    return client.post(url, data)


CASES = [(route, i) for route, calls in MATRIX.items() for i in range(len(calls))]


@pytest.mark.parametrize("route,index", CASES, ids=[f"{r or '/'}#{i}" for r, i in CASES])
def test_route_answers_each_role(world_media, route, index):
    call, expected = MATRIX[route][index]
    got = {}
    for role in ROLES:
        got[role] = _answer(_do(_client(world_media, role), call, world_media))
    wrong = {role: f"expected {expected[role]}, got {got[role]}" for role in ROLES if got[role] != expected[role]}
    assert not wrong, f"{call.method} {call.url(world_media)}: {wrong}"


# ---- lists never include another tenant's (or another applicant's) application -----------------------------
def _secrets(w, *which):
    out = []
    for name in which:
        app = {"owner": w.app, "other": w.other_app, "tenant_b": w.app_b}[name]
        out += [app.reference, app.applicant.name]
    return out


LISTS = [
    # role, list urls, whose applications must not appear
    ("owner", ["/apply/", "/workspace/", "/api/v1/applications/", "/api/v1/applicants/", "/programme/money/", "/review/"],
     ("other", "tenant_b")),
    ("other_applicant", ["/apply/", "/api/v1/applications/", "/api/v1/applicants/", "/programme/money/"], ("owner", "tenant_b")),
    ("office", ["/office/", "/api/v1/applications/", "/office/objections/", "/programme/money/", "/programme/pool/",
                "/api/v1/programme/pool/", "/supervision/"], ("tenant_b",)),
    ("office_other", ["/office/", "/api/v1/applications/", "/api/v1/cycles/", "/office/objections/", "/programme/money/",
                      "/programme/pool/", "/api/v1/programme/pool/", "/programme/"], ("owner", "other")),
    ("precheck", ["/precheck/", "/api/v1/applications/"], ("tenant_b",)),
    ("precheck_other", ["/precheck/", "/api/v1/applications/", "/programme/pool/"], ("owner", "other")),
    ("reviewer", ["/review/", "/api/v1/review/assignments/", "/api/v1/applications/"], ("other", "tenant_b")),
    ("reviewer_unassigned", ["/review/", "/api/v1/review/assignments/", "/api/v1/applications/"], ("owner", "other", "tenant_b")),
    ("reviewer_conflicted", ["/review/", "/api/v1/review/assignments/", "/api/v1/applications/"], ("owner", "other", "tenant_b")),
    ("committee", ["/review/", "/api/v1/applications/"], ("tenant_b",)),
    ("supervisor", ["/supervision/", "/api/v1/applications/"], ("tenant_b",)),
    ("superuser", ["/api/v1/applications/", "/api/v1/review/assignments/", "/review/", "/office/objections/", "/programme/money/"],
     ("owner", "other", "tenant_b")),
]


@pytest.mark.parametrize("role,urls,hidden", LISTS, ids=[row[0] for row in LISTS])
def test_lists_never_show_what_the_role_may_not_see(world_media, role, urls, hidden):
    w = world_media
    client = _client(w, role)
    leaks = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        text = response.content.decode()
        found = [s for s in _secrets(w, *hidden) if s in text]
        if found:
            leaks[url] = found
    assert not leaks, f"{role} sees what it may not: {leaks}"


def test_lists_do_show_the_roles_own_work(world_media):
    """The negative checks above mean something: the same lists do name what the role may see."""
    w = world_media
    assert w.app.reference in _client(w, "owner").get("/api/v1/applications/").content.decode()
    assert w.app_b.reference in _client(w, "office_other").get("/api/v1/applications/").content.decode()
    assert w.app.reference in _client(w, "office").get("/api/v1/applications/").content.decode()
    assert w.review_app.reference in _client(w, "reviewer").get("/api/v1/review/assignments/").content.decode()
    assert OTHER_NAME in _client(w, "precheck").get("/precheck/").content.decode()
    assert TENANT_B_NAME in _client(w, "office_other").get("/api/v1/applications/").content.decode()
