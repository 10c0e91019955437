from django.urls import path

from . import claim_views, views

app_name = "awards"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("apply/register/", views.register, name="register"),
    path("apply/", views.apply_home, name="apply-home"),
    path("apply/new/", views.application_new, name="application-new"),
    path("apply/<int:pk>/", views.application_detail, name="application"),
    path("apply/<int:pk>/materials/<int:material_pk>/", views.application_material, name="application-material"),
    path("apply/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("apply/<int:pk>/supplement/", views.application_supplement, name="application-supplement"),
    path("apply/grants/<int:pk>/reports/", views.grant_reports, name="grant-reports"),
    path("apply/claims/<int:pk>/", claim_views.claim_detail, name="claim"),
    path("precheck/", views.precheck_home, name="precheck-home"),
    path("precheck/publish/", views.precheck_publish, name="precheck-publish"),
    path("precheck/<int:pk>/", views.precheck_review, name="precheck-review"),
    path("precheck/<int:pk>/materials/<int:material_pk>/", views.precheck_material, name="precheck-material"),
    path("office/", views.office_home, name="office-home"),
    path("office/awards/<slug:slug>/open/", views.office_cycle_open, name="office-cycle-open"),
    path("office/cycles/<int:pk>/", views.office_cycle, name="office-cycle"),
    path("office/cycles/<int:pk>/stage/<slug:code>/", views.office_stage, name="office-stage"),
    path("office/cycles/<int:pk>/approval/", views.office_approval, name="office-approval"),
    path("office/cycles/<int:pk>/commend/", views.office_commend, name="office-commend"),
    path("office/applications/<int:pk>/", views.office_application, name="office-application"),
    path("office/applications/<int:pk>/materials/<int:material_pk>/", views.office_material, name="office-material"),
    path("office/grants/<int:pk>/revoke/", views.office_revoke, name="office-revoke"),
    path("office/claims/", claim_views.office_claims, name="office-claims"),
    path("office/claims/<int:pk>/", claim_views.office_claim, name="office-claim"),
    path("office/claims/<int:pk>/evidence/", claim_views.office_claim_evidence, name="office-claim-evidence"),
    path("office/grants/<int:pk>/revoke/evidence/", views.office_revocation_evidence, name="office-revocation-evidence"),
    path("supervision/", views.supervision, name="supervision"),
]
