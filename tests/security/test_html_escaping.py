"""HTML output (brief: every page escapes user content; OWASP ASVS V5.3): a learner name, a
credential title and texts with ``<script>`` are shown as text; ``javascript:`` addresses in a
credential never become links; every HTML page carries the Content-Security-Policy (no inline
script, ``frame-ancestors 'none'``) and ``nosniff``."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from security_support import PASSWORD, browser, csrf, register, web_routes
from web_support import WebEnv, add_staff, description

from microcred.web.presenters import web_link

SCRIPT = "<script>alert('x')</script>"
HOSTILE_HREF = re.compile(r"""(href|src|action)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.I)


def assert_safe(html: str) -> None:
    assert SCRIPT not in html and "<script>alert" not in html
    assert not HOSTILE_HREF.search(html), HOSTILE_HREF.search(html)


def test_csp_and_nosniff_on_every_html_page(web: WebEnv) -> None:
    client = browser(web)
    register(client, "csp@example.ie")
    app = web.api.client.app
    assert isinstance(app, FastAPI)
    pages = sorted(
        {path for method, path in web_routes(app) if method == "GET" and "{" not in path}
    )
    checked = 0
    for path in pages:
        answer = client.get(path)
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        policy = answer.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy, path
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style")[0]
        assert answer.headers.get("x-content-type-options") == "nosniff", path
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,x",
     "vbscript:x", "https://ok.example/\" onmouseover=\"alert(1)", "//evil.example"],
)  # fmt: skip
def test_only_plain_http_addresses_become_links(value: str) -> None:
    assert web_link(value) is None


def test_a_learner_name_with_markup_is_shown_as_text(web: WebEnv) -> None:
    client = browser(web)
    assert register(client, "x@example.ie", name=SCRIPT).status_code == 303
    for path in ("/account", "/wallet", "/wallet/import"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert_safe(page.text)


def test_catalogue_and_dashboard_pages_escape_titles_and_drop_hostile_links(web: WebEnv) -> None:
    version = web.publish(
        description(
            title={"en": SCRIPT},
            description={"en": f"Learn {SCRIPT} <img src=x onerror=alert(1)>"},
            further_information={"en": "javascript:alert(2)"},
        )
    )
    client = browser(web)
    pages = [client.get("/catalogue"), client.get(f"/catalogue/{version}")]
    add_staff(web, "owner", "owner@example.ie")
    form = client.get("/dashboard/sign-in")
    client.post(
        "/dashboard/sign-in",
        data={"email": "owner@example.ie", "password": PASSWORD, "csrf_token": csrf(form)},
    )
    pages += [client.get("/dashboard/catalogue"), client.get("/dashboard/issue")]
    for page in pages:
        assert page.status_code == 200, page.url
        assert_safe(page.text)
        assert "<img src=x" not in page.text
    assert "&lt;script&gt;" in pages[1].text
