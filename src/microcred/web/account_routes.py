"""Learner accounts in the browser (issue 4): register, sign in with a password or an e-mailed
one-time link, sign out, and the account settings (language, password, DID).

- ``GET|POST /register``, ``GET|POST /sign-in``, ``POST /sign-in/link`` (e-mail me a link),
  ``GET /account/link/{token}`` (the e-mailed link), ``POST /sign-out``;
- ``GET /account``, ``POST /account/language``, ``POST /account/password``,
  ``POST /account/did``;
- DID authentication (:mod:`microcred.service.did_auth`): ``POST /account/did/challenge``
  shows a challenge and this site's domain, ``POST /account/did/prove`` takes the presentation
  signed by the DID, ``POST /account/did/adopt`` makes the wallet's own did:key the DID;
- ``POST /account/delete``: the account and everything in it, confirmed by typing the e-mail
  address; every session ends.

Every form carries the CSRF token of :mod:`microcred.web.session`; ``next`` (a path on this
site, e.g. a claim page) is where a successful sign-in leads. Failures show one generic
message (no account enumeration). Staff sign in on the dashboard's own page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.datastructures import FormData

from microcred.errors import InvalidInputError
from microcred.service import accounts, did_auth
from microcred.service.accounts import Account
from microcred.service.errors import PermissionDenied, Unauthenticated
from microcred.service.sharing_ports import SharingUnitOfWorkFactory
from microcred.web.language import local_path, request_language, signed_in_account
from microcred.web.mail import JinjaMailRenderer
from microcred.web.page_errors import SIGN_IN_FAILED_SENTENCE, PageError, page_error
from microcred.web.rendering import render
from microcred.web.services import WebServices
from microcred.web.session import (
    check_csrf,
    clear_session_cookie,
    csrf_token,
    remember_csrf,
    session_token,
    set_session_cookie,
)

NO_STORE = {"Cache-Control": "no-store"}


def learner_account(request: Request) -> Account | None:
    """The signed-in learner, or None."""
    account = signed_in_account(request)
    return account if isinstance(account, Account) and account.kind == "learner" else None


def sign_in_redirect(request: Request) -> RedirectResponse:
    """To the sign-in page, coming back here afterwards."""
    return RedirectResponse(f"/sign-in?next={quote(request.url.path)}", status_code=303)


async def learner_form(request: Request, **limits: Any) -> tuple[Account, FormData] | Response:
    """The signed-in learner and the form they posted (its CSRF token checked), or the redirect
    to the sign-in page. ``limits`` go to ``request.form`` (e.g. ``max_part_size``)."""
    account = learner_account(request)
    if account is None:
        return sign_in_redirect(request)
    form = await request.form(**limits)
    check_csrf(request, form)
    return account, form


def account_router(services: WebServices) -> APIRouter:
    """The account pages, bound to the composition root's ports."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    secure = services.secure_cookies
    renderer = JinjaMailRenderer()
    ports: dict[str, Any] = {"uow": services.uow, "clock": services.clock, "rng": services.rng}

    def page(
        request: Request, template: str, *, status_code: int = 200, **context: Any
    ) -> Response:
        token = csrf_token(request)
        response = render(
            request,
            template,
            status_code=status_code,
            headers=NO_STORE,
            csrf_token=token,
            **context,
        )
        return remember_csrf(response, token, secure=secure)

    def signed_in(token: str, next_path: str | None) -> Response:
        response = RedirectResponse(local_path(next_path or "/wallet"), status_code=303)
        set_session_cookie(response, token, secure=secure)
        return response

    field = _field

    @router.get("/register", response_class=HTMLResponse)
    def register_form(request: Request, next: str = "") -> Response:
        return page(request, "account/register.html", next=local_path(next), error=None, values={})

    @router.post("/register")
    async def register(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        next_path = local_path(field(form, "next"))
        values = {"email": field(form, "email"), "name": field(form, "name")}
        password = field(form, "password")
        try:
            accounts.register_learner(
                email=values["email"],
                name=values["name"],
                password=password or None,
                language=request_language(request),
                **ports,
            )
        except InvalidInputError as exc:
            return page(
                request,
                "account/register.html",
                status_code=422,
                next=next_path,
                error=page_error(exc),
                values=values,
            )
        if not password:
            accounts.send_sign_in_link(
                renderer=renderer,
                kind="learner",
                email=values["email"],
                base_url=services.base_url or str(request.base_url),
                language=request_language(request),
                next_path=next_path,
                **ports,
            )
            return page(request, "account/link_sent.html", email=values["email"])
        token, _ = accounts.sign_in(
            kind="learner", email=values["email"], password=password, **ports
        )
        return signed_in(token, next_path)

    @router.get("/sign-in", response_class=HTMLResponse)
    def sign_in_form(request: Request, next: str = "") -> Response:
        return page(request, "account/sign_in.html", next=local_path(next), error=None, email="")

    @router.post("/sign-in")
    async def sign_in(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        next_path = local_path(field(form, "next"))
        email = field(form, "email")
        try:
            token, _ = accounts.sign_in(
                kind="learner", email=email, password=field(form, "password"), **ports
            )
        except (Unauthenticated, InvalidInputError) as exc:
            return page(
                request,
                "account/sign_in.html",
                status_code=401,
                next=next_path,
                error=page_error(exc),
                email=email,
            )
        return signed_in(token, next_path)

    @router.post("/sign-in/link")
    async def send_link(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        email = field(form, "email")
        accounts.send_sign_in_link(
            renderer=renderer,
            kind="learner",
            email=email,
            base_url=services.base_url or str(request.base_url),
            language=request_language(request),
            next_path=local_path(field(form, "next")),
            **ports,
        )
        return page(request, "account/link_sent.html", email=email)

    @router.get("/account/link/{token}")
    def use_link(token: str, request: Request, next: str = "") -> Response:
        try:
            session, account = accounts.sign_in_with_link(token=token, **ports)
        except Unauthenticated:
            return page(
                request,
                "account/sign_in.html",
                status_code=401,
                next=local_path(next),
                error=PageError(SIGN_IN_FAILED_SENTENCE, None),
                email="",
            )
        default = "/dashboard" if account.kind == "staff" else "/wallet"
        return signed_in(session, local_path(next) if next else default)

    _install_settings(router, services, page)
    return router


def _field(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _install_settings(
    router: APIRouter, services: WebServices, page: Callable[..., Response]
) -> None:
    """``POST /sign-out``, ``GET /account`` and its forms (language, password, DID)."""

    @router.post("/sign-out")
    async def sign_out(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        token = session_token(request)
        if token:
            accounts.sign_out(uow=services.uow, clock=services.clock, token=token)
        response = RedirectResponse("/", status_code=303)
        clear_session_cookie(response, secure=services.secure_cookies)
        return response

    def settings_page(request: Request, account: Account, **context: Any) -> Response:
        learner = accounts.learner_of(uow=services.uow, account=account)
        context.setdefault("error", None)
        context.setdefault("done", request.query_params.get("done"))
        if "challenge" not in context and learner.did and learner.did_verified_at is None:
            context["challenge"] = did_auth.pending_challenge(
                uow=services.uow, clock=services.clock, account=account, base_url=services.base_url
            )
        return page(request, "account/settings.html", learner=learner, **context)

    _install_did_and_deletion(router, services, page, settings_page)

    @router.get("/account", response_class=HTMLResponse)
    def settings(request: Request) -> Response:
        account = learner_account(request)
        if account is None:
            return sign_in_redirect(request)
        return settings_page(request, account)

    @router.post("/account/{what}")
    async def change(what: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, form = posted
        ports: dict[str, Any] = {"uow": services.uow, "clock": services.clock, "account": account}
        try:
            if what == "language":
                accounts.set_language(language=_field(form, "language"), **ports)
            elif what == "password":
                accounts.set_password(
                    current=_field(form, "current") or None, new=_field(form, "new"), **ports
                )
            elif what == "did":
                accounts.set_did(did=_field(form, "did"), **ports)
            else:
                return RedirectResponse("/account", status_code=303)
        except (InvalidInputError, PermissionDenied) as exc:
            return settings_page(request, account, error=page_error(exc), status_code=422)
        return RedirectResponse(f"/account?done={quote(what)}", status_code=303)


def _install_did_and_deletion(
    router: APIRouter,
    services: WebServices,
    page: Callable[..., Response],
    settings_page: Callable[..., Response],
) -> None:
    """``POST /account/did/{challenge|prove|adopt}`` and ``POST /account/delete``."""

    @router.post("/account/did/{step}")
    async def did_step(step: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, form = posted
        common: dict[str, Any] = {"uow": services.uow, "clock": services.clock, "account": account}
        try:
            if step == "challenge":
                given = did_auth.did_challenge(
                    rng=services.rng, base_url=services.base_url, **common
                )
                return settings_page(request, account, challenge=given)
            if step == "prove":
                did_auth.prove_did(
                    presentation=_field(form, "presentation"),
                    verifier=services.verifier(),
                    base_url=services.base_url,
                    **common,
                )
            elif step == "adopt":
                did_auth.adopt_holder_did(
                    uow=cast(SharingUnitOfWorkFactory, services.uow),
                    cipher=services.cipher,
                    clock=services.clock,
                    rng=services.rng,
                    account=account,
                )
            else:
                return RedirectResponse("/account", status_code=303)
        except (InvalidInputError, PermissionDenied) as exc:
            return settings_page(request, account, error=page_error(exc), status_code=422)
        return RedirectResponse("/account?done=did", status_code=303)

    @router.post("/account/delete")
    async def delete_account(request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, form = posted
        try:
            accounts.delete_learner_account(
                uow=services.uow, account=account, email=_field(form, "confirm")
            )
        except InvalidInputError as exc:
            return settings_page(request, account, error=page_error(exc), status_code=422)
        response = page(request, "account/deleted.html")
        clear_session_cookie(response, secure=services.secure_cookies)
        return response
