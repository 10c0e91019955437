"""Issue #16 item 1: the second factor cannot be skipped. A staff session that has entered only its password
reaches nothing but signing in/out, the second-factor page and the public pages (to read). The test walks
EVERY route of the URLconf, so a route added later is covered without anyone listing it here."""
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, include, path, resolve
from django.urls.resolvers import RoutePattern

from jurisdictions.models import Body

PASSWORD = "Zlj-test-2026!"
pytestmark = pytest.mark.django_db

# The only routes a password-only staff session may POST to, with why.
POST_ALLOWED = {
    "login": "signing in is how the session starts",
    "logout": "signing out must always work",
    "otp-verify": "the second-factor page itself",
    "admin:login": "the admin's own sign-in form",
    "admin:logout": "signing out of the admin",
}
# Public pages (no login needed) that such a session may still read; nothing else.
PUBLIC_READS = {
    "home": "the start page",
    "healthz": "the load balancer's probe",
    "rules-index": "public rules", "ruleset-detail": "public rules", "ruleset-version": "public rules",
    "ruleset-diff": "public rules",
    "criteria-index": "public criteria", "criteria-detail": "public criteria",
    "publicity:notice-list": "public notices", "publicity:notice-detail": "public notices",
    "publicity:notice-pdf": "public notices", "publicity:notice-feed": "public notices",
    "publicity:winners": "public winners' registry", "publicity:verify": "public certificate verification",
}

DUMMY = {"int": "1", "slug": "x", "str": "x", "path": "x"}


def _route_part(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: DUMMY[m.group(1) or "str"], str(pattern))
    regex = str(pattern).lstrip("^").rstrip("$")
    # A named group: its first alternative when it lists words (the admin's app_label), else a dummy.
    regex = re.sub(r"\(\?P<\w+>([\w|]+)\)", lambda m: m.group(1).split("|")[0], regex)
    regex = re.sub(r"\(\?P<\w+>[^)]*\)", "x", regex)
    return regex.replace("\\", "")


def every_route(patterns=None, prefix="", namespace=""):
    """(url with dummy values, view_name) of every leaf route."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_route(entry.url_patterns, prefix + _route_part(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            url = "/" + prefix + _route_part(entry.pattern)
            yield url, (namespace + entry.name) if entry.name else None


def routes():
    seen = {}
    for url, name in every_route():
        match = resolve(url)  # the dummy URL reaches the route it was built from
        if name is not None:
            assert match.view_name == name, (url, name, match.view_name)
        seen.setdefault(url, match.view_name)
    return sorted(seen.items())


@pytest.fixture
def password_only(client, make_user, settings):
    settings.OTP_REQUIRED = True
    make_user("office-wang", role="office", body=Body.objects.order_by("id").first())
    response = client.post("/accounts/login/", {"username": "office-wang", "password": PASSWORD})
    assert response["Location"] == "/accounts/otp/?next=%2F"
    return client


def waits_for_the_second_factor(response, url) -> bool:
    if url.startswith("/api/"):
        return response.status_code == 403 and response.json().get("code") == "otp_required"
    return response.status_code == 302 and response["Location"].startswith("/accounts/otp/?next=")


def test_the_walk_reaches_the_routes_of_issue_16():
    names = {name for _url, name in routes()}
    assert {"ruleset-edit", "publicity:notice-correct", "awards:office-revoke", "api-grant-revoke"} <= names
    assert set(POST_ALLOWED) | set(PUBLIC_READS) <= names
    assert len(names) > 200  # every app's pages, the API and the admin


def test_every_post_route_waits_for_the_second_factor(password_only):
    let_through = []
    for url, name in routes():
        if name in POST_ALLOWED:
            continue
        response = password_only.post(url, {"x": "1"})
        if not waits_for_the_second_factor(response, url):
            let_through.append((url, name, response.status_code))
    assert let_through == []


def test_every_non_public_page_waits_for_the_second_factor_and_public_pages_stay_readable(password_only):
    let_through, closed = [], []
    for url, name in routes():
        if name in POST_ALLOWED:
            continue
        waits = waits_for_the_second_factor(password_only.get(url), url)
        if name in PUBLIC_READS and waits:
            closed.append(url)
        elif name not in PUBLIC_READS and not waits:
            let_through.append((url, name))
    assert (let_through, closed) == ([], [])


def test_the_two_writes_of_the_report_wait(password_only):
    for url in ("/rules/tacheng-prefecture/edit/", "/notices/1/correct/"):
        response = password_only.post(url, {"reason": "x"})
        assert (response.status_code, response["Location"]) == (302, "/accounts/otp/?next=" + url.replace("/", "%2F"))


def _new_staff_page(request, slug):  # stands for a page another engineer adds later
    from django.http import HttpResponse

    return HttpResponse("written")


urlpatterns = [path("rules/<slug:slug>/cases/", _new_staff_page, name="ruleset-cases"),
               path("", include("config.urls"))]


@pytest.mark.urls(__name__)
def test_a_route_added_later_under_a_public_prefix_is_protected_by_default(password_only):
    for method in ("get", "post"):
        response = getattr(password_only, method)("/rules/tacheng-prefecture/cases/")
        assert (response.status_code, response["Location"]) == (302, "/accounts/otp/?next=%2Frules%2Ftacheng-prefecture%2Fcases%2F")
    assert password_only.get("/rules/tacheng-prefecture/").status_code == 200
