"""The browser's session cookie and CSRF protection of the pages' forms (issue 4).

- Session: cookie ``microcred_session`` holding the session token of
  :mod:`microcred.service.accounts` (the store keeps only its hash); ``HttpOnly``,
  ``SameSite=Lax``, ``Path=/``, ``Secure`` when the site's base URL is https.
- CSRF (OWASP "double submit cookie", signed by being random and HttpOnly): every page that shows
  a POST form gets :func:`csrf_token` for its hidden ``csrf_token`` field and must pass the
  response through :func:`remember_csrf`; every POST handler calls :func:`check_csrf` on the
  submitted form first. The token lives in its own ``microcred_csrf`` cookie (HttpOnly,
  SameSite=Lax) so forms shown before signing in (sign-in, register, claim) are protected
  too; :func:`check_csrf` compares in constant time and raises :class:`CsrfRejected`.

:class:`microcred.web.signed_in.SignedInMiddleware` puts the signed-in account on
``request.state.account``.

Usage in a route::

    token = csrf_token(request)
    response = render("page.html", csrf=token, ...)
    remember_csrf(response, token, secure=is_secure(base_url))

    # POST
    form = await request.form()
    check_csrf(request, form)
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any, Final

from fastapi import HTTPException, Request, Response

SESSION_COOKIE: Final = "microcred_session"
CSRF_COOKIE: Final = "microcred_csrf"
CSRF_FIELD: Final = "csrf_token"
SESSION_MAX_AGE: Final = 90 * 24 * 3600
"""The cookie's lifetime; the server decides whether the session is still live."""


class CsrfRejected(HTTPException):
    """A POST form without the CSRF token of its page (HTTP 403)."""

    def __init__(self) -> None:
        super().__init__(
            status_code=403,
            detail="the form has expired or did not come from this site; reload the page and retry",
        )


def is_secure(base_url: str | None) -> bool:
    """Whether cookies must be ``Secure``: the site is served over https."""
    return bool(base_url) and str(base_url).lower().startswith("https://")


def session_token(request: Request) -> str | None:
    """The session token the browser sent, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    return token or None


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    """Give the browser its session token (after signing in)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        path="/",
        httponly=True,
        secure=secure,
        samesite="lax",
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    """Forget the session token (after signing out)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=secure, samesite="lax")


def csrf_token(request: Request) -> str:
    """The CSRF token for this browser's forms: the one its cookie holds, or a new one (which
    the response must then set with :func:`remember_csrf`)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    return secrets.token_urlsafe(32)


def remember_csrf(response: Response, token: str, *, secure: bool) -> Response:
    """Set the CSRF cookie holding ``token`` on ``response`` (returned for chaining)."""
    response.set_cookie(CSRF_COOKIE, token, path="/", httponly=True, secure=secure, samesite="lax")
    return response


def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    """CsrfRejected unless the form's ``csrf_token`` equals the browser's CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    submitted = form.get(CSRF_FIELD)
    if not cookie or not isinstance(submitted, str) or not submitted:
        raise CsrfRejected()
    if not hmac.compare_digest(cookie.encode("utf-8"), submitted.encode("utf-8")):
        raise CsrfRejected()
