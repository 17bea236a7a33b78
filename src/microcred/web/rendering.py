"""Rendering the pages: one Jinja2 environment over the package's templates, autoescaping on
for every template, translated into the request's interface language, and the response headers
every page carries.

Translation (issue 4, "English, French and German from day one"): the ``jinja2.ext.i18n``
extension with new-style gettext callables that read the translator of the page being rendered
(a context variable set by :func:`render`, so one shared environment serves every language and
thread); ``{{ _("...") }}``, ``{% trans %}``, and the filters ``date``, ``datetime`` and
``number`` (:class:`microcred.core.i18n.Translator`) format per locale; ``translated`` prints a
value chosen at run time (``{{ award.state | translated }}``) in the page's language.

Content Security Policy (CSP Level 3): the pages load their own stylesheet, images and scripts
only (``'self'``), never inline script or style; ``Vary`` names the headers the content depends
on (RFC 9110 §12.5.5).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from microcred.core.i18n import LANGUAGE_NAMES, UI_LANGUAGES, Translator, translator
from microcred.web.assets import STYLESHEET_PATH
from microcred.web.language import (
    LANGUAGE_PATH,
    chosen_language,
    request_language,
    signed_in_account,
)
from microcred.web.negotiation import accepted_languages
from microcred.web.session import CSRF_COOKIE, csrf_token, remember_csrf

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Vary": "Accept, Accept-Language, Cookie",
}

_translator: ContextVar[Translator | None] = ContextVar("microcred_web_translator", default=None)
_ENGLISH = Translator()


def current_translator() -> Translator:
    """The translator of the page being rendered (English outside :func:`render`)."""
    return _translator.get() or _ENGLISH


def _gettext(message: str) -> str:
    return current_translator().gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return current_translator().ngettext(singular, plural, n)


def _translated(value: str) -> str:
    """A message chosen at run time (a state, an EU vocabulary label, an ``N_`` literal) in the
    page's language; unlike ``_()`` no ``%`` formatting, so any text is safe to pass."""
    return current_translator().gettext(value)


def _date(value: date | datetime | None, format: str = "long") -> str:
    return current_translator().date(value, format=format)


def _datetime(value: datetime | None, format: str = "medium") -> str:
    return current_translator().datetime(value, format=format)


def _number(value: float | int | Decimal | str | None) -> str:
    if isinstance(value, str):
        value = Decimal(value)
    return current_translator().number(value)


@cache
def environment() -> Environment:
    """The templates of ``microcred.web``; every value printed is HTML-escaped."""
    env = Environment(
        loader=PackageLoader("microcred.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    env.filters.update(date=_date, datetime=_datetime, number=_number, translated=_translated)
    env.globals.update(
        stylesheet=STYLESHEET_PATH,
        language_path=LANGUAGE_PATH,
        ui_languages=[(code, LANGUAGE_NAMES[code]) for code in UI_LANGUAGES],
    )
    return env


def page_translator(request: Request) -> Translator:
    """The translator of ``request``'s interface language, for values a route prepares."""
    return translator(request_language(request))


def content_languages(request: Request) -> tuple[str, ...]:
    """The languages to show multilingual content in, most wanted first: the interface
    language when chosen explicitly, then ``Accept-Language``."""
    wanted = accepted_languages(request.headers.get("accept-language"))
    chosen = chosen_language(request)
    if chosen is None:
        return wanted
    return (chosen, *(tag for tag in wanted if tag != chosen))


def here(request: Request) -> str:
    """The path and query of ``request`` (where the language switcher comes back to)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render_text(template: str, *, language: str, **context: Any) -> str:
    """``template`` rendered in ``language`` (for e-mails and other non-HTTP output)."""
    token = _translator.set(translator(language))
    try:
        return environment().get_template(template).render(lang=language, **context)
    finally:
        _translator.reset(token)


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page ``template`` filled with ``context``, in the request's interface language.

    Every page also gets ``lang`` (its language), ``account`` (the signed-in account or None),
    ``here`` (its own path), ``t`` (the :class:`Translator`), ``admin_orgs`` (the platform
    administrator organisations, for the trust registry tab) and ``csrf_token`` for its POST
    forms (:mod:`microcred.web.session`; the CSRF cookie is set on the response when new).
    """
    language = request_language(request)
    token = context.setdefault("csrf_token", csrf_token(request))
    context.setdefault("account", signed_in_account(request))
    context.setdefault("here", here(request))
    context.setdefault("admin_orgs", tuple(getattr(request.app.state, "admin_orgs", ())))
    html = render_text(template, language=language, t=translator(language), **context)
    response = HTMLResponse(
        html,
        status_code=status_code,
        headers={**HEADERS, "Content-Language": language, **(headers or {})},
    )
    if token and request.cookies.get(CSRF_COOKIE) != token:
        secure = bool(getattr(request.app.state, "secure_cookies", False))
        remember_csrf(response, token, secure=secure)
    return response
