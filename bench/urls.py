"""config.urls plus /bench/trivial: the baseline every measured endpoint is compared with."""
from django.http import JsonResponse
from django.urls import include, path


def trivial(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/trivial", trivial, name="bench-trivial"),
    path("", include("config.urls")),
]
