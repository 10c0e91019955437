from django.urls import path

from . import api_auth

urlpatterns = [
    path("auth/token/", api_auth.issue_token, name="api-auth-token"),
]
