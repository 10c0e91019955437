from django.urls import path

from . import api

urlpatterns = [
    path("awards/", api.award_list, name="api-award-list"),
    path("awards/<slug:slug>/ruleset/", api.award_ruleset, name="api-award-ruleset"),
    path("calendar/window/", api.calendar_window, name="api-calendar-window"),
]
