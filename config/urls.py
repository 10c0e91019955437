from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz
from jurisdictions import views as jurisdiction_views

api_v1 = [
    path("", include("core.api_urls")),
    path("", include("jurisdictions.api_urls")),
    path("", include("awards.api_urls")),
    path("", include("review.api_urls")),
    path("", include("publicity.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", jurisdiction_views.home, name="home"),
    path("accounts/", include("core.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("jurisdictions.urls")),
    path("", include("awards.urls")),
    path("", include("review.urls")),
    path("", include("publicity.urls")),
    path("", include("awards.work_urls")),  # /programme/… pages of awards, not namespaced
]
