"""Every URL pattern of the project, enumerated from the resolver, and how to call it with the fixture world."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.urls import URLResolver, get_resolver


def all_routes() -> list[str]:
    """Route strings ("apply/<int:pk>/") of every pattern; the admin site counts as one entry ("admin/*")."""
    out: list[str] = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith("admin/"):
                    out.append("admin/*")
                    continue
                walk(p.url_patterns, route)
            elif route not in out:
                out.append(route)

    walk(get_resolver().url_patterns)
    return list(dict.fromkeys(out))


@dataclasses.dataclass(frozen=True)
class Call:
    method: str
    url: Callable  # world -> str
    data: Callable | None = None  # world -> dict
    json: bool = False


def get(url, **kw) -> Call:
    return Call("GET", url if callable(url) else (lambda w, u=url: u), **kw)


def post(url, data=None, **kw) -> Call:
    return Call("POST", url if callable(url) else (lambda w, u=url: u), data=data, **kw)


def api_post(url, data=None) -> Call:
    return post(url, data or (lambda w: {}), json=True)
