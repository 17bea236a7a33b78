"""Rendering the pages: one Jinja2 environment over the package's templates, autoescaping on
for every template, and the response headers every page carries.

Content Security Policy (CSP Level 3): the pages load nothing but their own stylesheet and run no
script, so the policy allows exactly that; ``Vary`` names the headers the content depends on
(RFC 9110 §12.5.5).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Vary": "Accept, Accept-Language",
}


@cache
def environment() -> Environment:
    """The templates of ``microcred.web``; every value printed is HTML-escaped."""
    return Environment(
        loader=PackageLoader("microcred.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` filled with ``context``."""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)
