from django.urls import path

from . import api
from .public_cache import anonymous_cache

urlpatterns = [
    path("notices/", anonymous_cache(api.NoticeList.as_view()), name="api-notices"),
]
