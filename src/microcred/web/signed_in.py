"""Who is signed in, for every page: an ASGI middleware that reads the session cookie
(:mod:`microcred.web.session`) once per page request and puts the account
(:class:`microcred.service.accounts.Account`, or None) on ``request.state.account``, where
:mod:`microcred.web.rendering` (navigation, interface language) and the routes find it.

Requests for static assets and the JSON API (``/assets/``, ``/api/``) are passed through
untouched; the database lookup runs in a worker thread.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from microcred.service.accounts import Account, account_for_session
from microcred.service.ports import Clock, UnitOfWorkFactory
from microcred.web.session import session_token

SKIPPED_PREFIXES = ("/assets/", "/api/")


def signed_in(request: Request) -> Account | None:
    """The account the middleware found for ``request`` (None: nobody is signed in)."""
    account = getattr(request.state, "account", None)
    return account if isinstance(account, Account) else None


class SignedInMiddleware:
    """Sets ``scope["state"]["account"]`` for every page request."""

    def __init__(self, app: ASGIApp, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self.app = app
        self.uow = uow
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not str(scope.get("path", "")).startswith(SKIPPED_PREFIXES):
            token = session_token(Request(scope))
            account = None
            if token:
                account = await run_in_threadpool(
                    account_for_session, uow=self.uow, clock=self.clock, token=token
                )
            scope.setdefault("state", {})["account"] = account
        await self.app(scope, receive, send)
