from django.urls import path

from . import views

urlpatterns = [
    path("rules/", views.rules_index, name="rules-index"),
    path("rules/<slug:slug>/", views.ruleset_detail, name="ruleset-detail"),
    path("rules/<slug:slug>/v/<int:version>/", views.ruleset_version, name="ruleset-version"),
    path("rules/<slug:slug>/diff/", views.ruleset_diff_view, name="ruleset-diff"),
    path("rules/<slug:slug>/edit/", views.ruleset_edit, name="ruleset-edit"),
    path("calendar/", views.calendar_admin, name="calendar-admin"),
    path("programme/onboard/", views.onboard, name="programme-onboard"),
    path("programme/admins/", views.admin_grant, name="programme-admin-grant"),
]
