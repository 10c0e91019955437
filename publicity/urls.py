from django.urls import path

from . import feeds, views
from .public_cache import anonymous_cache

app_name = "publicity"

urlpatterns = [
    path("notices/", anonymous_cache(views.notice_list), name="notice-list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice-pdf"),
    path("notices/<int:pk>/correct/", views.notice_correct, name="notice-correct"),
    path("notices/feed/<str:code>/", feeds.JurisdictionNoticeFeed(), name="notice-feed"),
    path("objections/new/", views.objection_new, name="objection-new"),
    path("objections/status/", views.objection_status, name="objection-status"),
    path("office/objections/", views.office_objection_list, name="office-objections"),
    path("office/objections/<int:pk>/", views.office_objection_detail, name="office-objection"),
    path("office/objections/<int:pk>/files/<str:which>/", views.office_objection_file, name="office-objection-file"),
    path("office/objections/<int:pk>/letter/<str:to>.pdf", views.objection_letter, name="objection-letter"),
    path("office/cycles/<int:pk>/export/applications.xlsx", views.export_xlsx, {"what": "applications"}, name="export-applications"),
    path("office/cycles/<int:pk>/export/winners.xlsx", views.export_xlsx, {"what": "winners"}, name="export-winners"),
    path("verify/<str:serial>/", views.verify, name="verify"),
    path("winners/", views.winners, name="winners"),
    path("rules/<slug:slug>/cases/", views.rule_cases, name="rule-cases"),
    path("rules/<slug:slug>/cases/add/", views.rule_case_add, name="rule-case-add"),
    path("rules/<slug:slug>/cases/run/", views.rule_case_rerun, name="rule-case-run"),
    path("certificates/<str:serial>.pdf", views.certificate_download, name="certificate"),
]
