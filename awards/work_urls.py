"""awards' pages under /programme/ (the hub, the cultivation pool, history import, a cycle's applications by
encouraged kind, prize money, a new award's first cycle). Not namespaced, unlike awards.urls: their names
stay "programme-…" as they always were, so every {% url 'programme-…' %} and reverse() keeps working. The
agencies page (review.urls) and onboarding (jurisdictions.urls) live under /programme/ too."""
from django.urls import path

from . import duty_views, pool_views, views

urlpatterns = [
    path("programme/", views.work_index, name="programme-index"),
    path("programme/pool/", pool_views.pool_list, name="programme-pool"),
    path("programme/pool/<int:pk>/", pool_views.pool_detail, name="programme-pool-detail"),
    path("programme/pool/trainings/", pool_views.training_list, name="programme-trainings"),
    path("programme/history/", pool_views.history_index, name="programme-history"),
    path("programme/history/template.xlsx", pool_views.history_template, name="programme-history-template"),
    path("programme/history/<int:pk>/", pool_views.history_detail, name="programme-history-detail"),
    path("programme/cycles/<int:pk>/applications/", views.cycle_applications, name="programme-applications"),
    path("programme/money/", views.money_list, name="programme-money"),
    path("programme/money/<int:pk>/", views.money_detail, name="programme-money-detail"),
    path("programme/onboard/<slug:slug>/", views.onboard_award, name="programme-onboard-award"),
    path("programme/reports/", duty_views.reports_list, name="programme-reports"),
    path("programme/reports/<int:pk>/<int:year>/", duty_views.report_detail, name="programme-report-detail"),
    path("programme/tracking/", duty_views.tracking_list, name="programme-tracking"),
    path("programme/tracking/<int:pk>/", duty_views.tracking_detail, name="programme-tracking-detail"),
]
