"""The language of the interface for one request, and the switcher that remembers a choice.

Order (issue 4, "the user's choice remembered"): the explicit choice (cookie
:data:`LANGUAGE_COOKIE`, set by ``POST /language``) > the signed-in account's language >
``Accept-Language`` (RFC 9110 §12.5.4) > English. Only the interface languages of
:mod:`microcred.core.i18n` can be chosen.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from microcred.core.i18n import negotiate, parse_accept_language, supported

LANGUAGE_COOKIE = "microcred_lang"
LANGUAGE_PATH = "/language"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_NEXT = 2000


def signed_in_account(request: Request) -> Any:
    """The account the session middleware put on ``request.state.account`` (None if none)."""
    return getattr(request.state, "account", None)


def chosen_language(request: Request) -> str | None:
    """The interface language chosen with the switcher or in the account, if any."""
    account = signed_in_account(request)
    return supported(request.cookies.get(LANGUAGE_COOKIE)) or supported(
        getattr(account, "language", None)
    )


def request_language(request: Request) -> str:
    """The interface language of ``request`` (en, fr or de)."""
    return negotiate(
        [chosen_language(request), *parse_accept_language(request.headers.get("accept-language"))]
    )


def local_path(target: str | None) -> str:
    """``target`` when it is a path on this site (``/...``, not ``//host``), else ``/``: a
    redirect never leaves the site."""
    if (
        not target
        or len(target) > MAX_NEXT
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ord(c) < 0x20 for c in target)
    ):
        return "/"
    return target


def language_router(*, secure_cookies: bool) -> APIRouter:
    """``POST /language`` (form fields ``lang``, ``next``): remember the choice, go back."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)

    @router.post(LANGUAGE_PATH)
    def choose_language(
        lang: Annotated[str, Form(max_length=20)],
        next: Annotated[str, Form(max_length=MAX_NEXT)] = "/",
    ) -> RedirectResponse:
        response = RedirectResponse(local_path(next), status_code=303)
        language = supported(lang)
        if language:
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=COOKIE_MAX_AGE,
                path="/",
                secure=secure_cookies,
                httponly=True,
                samesite="lax",
            )
        return response

    return router
