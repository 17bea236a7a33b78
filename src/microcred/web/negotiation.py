"""HTTP content negotiation for the pages (RFC 9110 §12.5.1 ``Accept``, §12.5.4
``Accept-Language``).

A page is served only to a client whose ``Accept`` header *prefers* HTML: ``text/html`` (or
``text/*``, or ``application/xhtml+xml``) is named and ranks above ``application/json``. A
client that sends nothing, ``*/*`` or JSON gets the API's JSON, so scripts and the W3C test suites
are unaffected. The query parameter ``format=json`` (or ``format=html``) overrides the header, so
a page can link to the JSON of the same URL. :class:`HtmlRoute` makes a route match only such
requests, so the JSON route of the same path answers all others.
"""

from __future__ import annotations

from fastapi.routing import APIRoute
from starlette.datastructures import Headers, QueryParams
from starlette.routing import Match
from starlette.types import Scope

from microcred.core.model.language import is_language_tag, normalize_language_tag

HTML = "text/html"
XHTML = "application/xhtml+xml"
JSON = "application/json"
MAX_HEADER = 1024
"""Longer ``Accept``/``Accept-Language`` values are cut here before parsing."""
MAX_LANGUAGES = 8


def _ranges(header: str) -> list[tuple[str, float]]:
    """``(range, q)`` pairs of an ``Accept``-style header, lower-cased; bad ``q`` values = 0."""
    out: list[tuple[str, float]] = []
    for part in header[:MAX_HEADER].split(","):
        name, *params = (p.strip() for p in part.split(";"))
        if not name:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        out.append((name.lower(), q))
    return out


def _quality(ranges: list[tuple[str, float]], media_type: str, *, wildcard: bool) -> float:
    """The ``q`` of the most specific range matching ``media_type`` (``*/*`` only if
    ``wildcard``); 0 when none matches."""
    kind = media_type.split("/", maxsplit=1)[0]
    for candidate in (media_type, f"{kind}/*", *(("*/*",) if wildcard else ())):
        found = [q for name, q in ranges if name == candidate]
        if found:
            return max(found)
    return 0.0


def prefers_html(accept: str | None) -> bool:
    """True when ``accept`` names HTML and ranks it above JSON."""
    if not accept:
        return False
    ranges = _ranges(accept)
    html = max(_quality(ranges, m, wildcard=False) for m in (HTML, XHTML))
    return html > 0 and html > _quality(ranges, JSON, wildcard=True)


def wants_html(scope: Scope) -> bool:
    """The decision for one request: ``format=`` if given, else :func:`prefers_html`."""
    forced = QueryParams(scope.get("query_string", b"")).get("format")
    if forced in {"html", "json"}:
        return forced == "html"
    return prefers_html(Headers(scope=scope).get("accept"))


def accepted_languages(header: str | None) -> tuple[str, ...]:
    """The well-formed tags of ``Accept-Language``, most wanted first (``*`` and q=0 dropped)."""
    ranked = [
        (q, -i, normalize_language_tag(tag))
        for i, (tag, q) in enumerate(_ranges(header or ""))
        if q > 0 and is_language_tag(tag)
    ]
    ranked.sort(reverse=True)
    tags = dict.fromkeys(tag for _, _, tag in ranked)
    return tuple(tags)[:MAX_LANGUAGES]


class HtmlRoute(APIRoute):
    """A route that matches only requests that want HTML (:func:`wants_html`)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is Match.NONE or not wants_html(scope):
            return Match.NONE, {}
        return match, child_scope
