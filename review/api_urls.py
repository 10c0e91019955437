from django.urls import path

from . import api

urlpatterns = [
    path("criteria/", api.criteria_list, name="api-criteria-list"),
    path("criteria/<slug:code>/", api.criteria_detail, name="api-criteria-detail"),
    path("review/assignments/", api.assignment_list, name="api-review-assignments"),
    path("review/assignments/<int:pk>/scores/", api.assignment_scores, name="api-review-scores"),
    path("programme/agency-cycles/", api.agency_cycles, name="api-programme-agency-cycles"),
]
