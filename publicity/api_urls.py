from django.urls import path

from . import api

urlpatterns = [
    path("notices/", api.NoticeList.as_view(), name="api-notices"),
]
