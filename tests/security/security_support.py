"""Helpers of the security tests: a browser on the test bed, its forms' CSRF tokens, learner
accounts, and the list of every page route the app serves."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from web_support import BROWSER, WebEnv

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf(page: httpx.Response) -> str:
    """The CSRF token of the page's forms."""
    found = CSRF.search(page.text)
    assert found, page.text[:300]
    return found.group(1)


def browser(web: WebEnv) -> httpx.Client:
    """The test client as a browser on the https site (cookies are Secure)."""
    client = web.api.client
    client.base_url = httpx.URL("https://testserver")
    client.headers["Accept"] = BROWSER
    return client


def register(
    client: httpx.Client, email: str, *, name: str = "Aoife", password: str = PASSWORD
) -> httpx.Response:
    """Register a learner (signed in afterwards when ``password`` is given)."""
    form = client.get("/register")
    return client.post(
        "/register",
        data={"csrf_token": csrf(form), "email": email, "name": name, "password": password},
        follow_redirects=False,
    )


def web_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route of the web pages (the JSON API's are under /api/)."""
    stack: list[object] = list(app.router.routes)
    while stack:
        route = stack.pop(0)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            stack[0:0] = list(inner.routes)
            continue
        if isinstance(route, APIRoute) and route.endpoint.__module__.startswith("microcred.web"):
            for method in sorted(route.methods):
                yield method, route.path
