from django.urls import path

from . import programme_views as views

urlpatterns = [
    path("programme/", views.index, name="programme-index"),
    path("programme/pool/", views.pool_list, name="programme-pool"),
    path("programme/pool/<int:pk>/", views.pool_detail, name="programme-pool-detail"),
    path("programme/pool/trainings/", views.training_list, name="programme-trainings"),
    path("programme/history/", views.history_index, name="programme-history"),
    path("programme/history/template.xlsx", views.history_template, name="programme-history-template"),
    path("programme/history/<int:pk>/", views.history_detail, name="programme-history-detail"),
    path("programme/cycles/<int:pk>/applications/", views.cycle_applications, name="programme-applications"),
    path("programme/money/", views.money_list, name="programme-money"),
    path("programme/money/<int:pk>/", views.money_detail, name="programme-money-detail"),
    path("programme/onboard/<slug:slug>/", views.onboard_award, name="programme-onboard-award"),
]
