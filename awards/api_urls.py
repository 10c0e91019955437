from django.urls import path

from . import api

urlpatterns = [
    path("applicants/", api.applicant_list, name="api-applicants"),
    path("applicants/organization/", api.applicant_register_organization, name="api-applicant-organization"),
    path("applicants/individual/", api.applicant_register_individual, name="api-applicant-individual"),
    path("cycles/", api.cycle_list, name="api-cycles"),
    path("cycles/<int:pk>/publish-list/", api.cycle_publish_list, name="api-cycle-publish-list"),
    path("cycles/<int:pk>/select/", api.cycle_select, name="api-cycle-select"),
    path("cycles/<int:pk>/approval/", api.cycle_approval, name="api-cycle-approval"),
    path("cycles/<int:pk>/commend/", api.cycle_commend, name="api-cycle-commend"),
    path("applications/", api.application_list, name="api-applications"),
    path("applications/<int:pk>/", api.application_detail, name="api-application"),
    path("applications/<int:pk>/submit/", api.application_submit, name="api-application-submit"),
    path("applications/<int:pk>/eligibility/", api.application_eligibility, name="api-application-eligibility"),
    path("applications/<int:pk>/materials/", api.application_materials, name="api-application-materials"),
    path("applications/<int:pk>/transition/", api.application_transition, name="api-application-transition"),
    path("applications/<int:pk>/supplement-request/", api.application_supplement_request, name="api-application-supplement-request"),
    path("applications/<int:pk>/supplement-answer/", api.application_supplement_answer, name="api-application-supplement-answer"),
    path("applications/<int:pk>/withdraw/", api.application_withdraw, name="api-application-withdraw"),
    path("grants/<int:pk>/revoke/", api.grant_revoke, name="api-grant-revoke"),
    path("grants/<int:pk>/reports/", api.grant_reports, name="api-grant-reports"),
    path("programme/pool/", api.pool_members, name="api-programme-pool"),
]
