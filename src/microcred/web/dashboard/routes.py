"""The issuer dashboard: staff sign in with e-mail and password (organisation chosen
automatically when only one matches, else by its slug), then see their organisation's published
micro-credentials, issue one award, list and search awards, and revoke, suspend or unsuspend one.
The other dashboard pages (catalogue, bulk, seal, trust registry) are mounted here from their
own modules (pathways and recognitions: :mod:`microcred.web.dashboard.pathway_routes`, mounted
by :func:`microcred.web.install_web`).

Every action calls a service use case with the signed-in account's
:meth:`~microcred.service.accounts.Account.principal`, so roles are enforced by the service
(a viewer's forms are also hidden); every POST checks the CSRF token
(:mod:`microcred.web.session`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from microcred.errors import MicrocredError
from microcred.service import status_lists
from microcred.service.accounts import Account, sign_in, sign_out
from microcred.service.awards import get_award, list_awards
from microcred.service.errors import NotFound, PermissionDenied, Unauthenticated
from microcred.service.issuing import issue_award
from microcred.service.records import AwardRecord
from microcred.web.dashboard.bulk_routes import bulk_routes
from microcred.web.dashboard.catalogue_routes import catalogue_routes
from microcred.web.dashboard.registry_routes import registry_routes
from microcred.web.dashboard.seal_routes import seal_routes
from microcred.web.dashboard.staff import (
    SIGN_IN,
    can_issue,
    for_staff,
    published,
    staff,
    staff_context,
    writes,
)
from microcred.web.labels import N_
from microcred.web.page_errors import page_error
from microcred.web.rendering import content_languages, render
from microcred.web.services import WebServices
from microcred.web.session import (
    check_csrf,
    clear_session_cookie,
    session_token,
    set_session_cookie,
)


def _award_title(award: AwardRecord) -> str:
    """The achievement's name as signed in the credential."""
    try:
        document = json.loads(award.credential)
        subject = document.get("credentialSubject") or {}
        return str((subject.get("achievement") or {}).get("name") or "")
    except (ValueError, AttributeError):
        return ""


def dashboard_router(services: WebServices) -> APIRouter:
    """Every dashboard page on ``services``' ports."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    _session_routes(router, services)
    _issue_routes(router, services)
    _award_routes(router, services)
    catalogue_routes(router, services)
    bulk_routes(router, services)
    seal_routes(router, services)
    registry_routes(router, services)
    return router


def _session_routes(router: APIRouter, services: WebServices) -> None:
    """Sign in and out."""
    ports = writes(services)

    @router.get(SIGN_IN, response_class=HTMLResponse)
    def sign_in_page(request: Request) -> Response:
        if staff(request):
            return RedirectResponse("/dashboard", status_code=303)
        return render(request, "dashboard/sign_in.html", error=None, email="", organisation="")

    @router.post(SIGN_IN, response_class=HTMLResponse)
    async def sign_in_submitted(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        email = str(form.get("email") or "").strip()
        organisation = str(form.get("organisation") or "").strip() or None
        try:
            token, _ = await run_in_threadpool(
                lambda: sign_in(
                    **ports,
                    kind="staff",
                    email=email,
                    password=str(form.get("password") or ""),
                    organisation_slug=organisation,
                )
            )
        except (Unauthenticated, MicrocredError) as exc:
            problem = page_error(exc)
            return render(
                request,
                "dashboard/sign_in.html",
                status_code=401,
                error=problem.message,
                detail=problem.detail,
                email=email,
                organisation=organisation or "",
            )
        response = RedirectResponse("/dashboard", status_code=303)
        set_session_cookie(response, token, secure=services.secure_cookies)
        return response

    @router.post("/dashboard/sign-out")
    async def sign_out_submitted(request: Request) -> Response:
        form = await request.form()
        check_csrf(request, form)
        token = session_token(request)
        if token:
            await run_in_threadpool(
                lambda: sign_out(uow=services.uow, clock=services.clock, token=token)
            )
        response = RedirectResponse(SIGN_IN, status_code=303)
        clear_session_cookie(response, secure=services.secure_cookies)
        return response


def _issue_routes(router: APIRouter, services: WebServices) -> None:
    """The awards list and issuing one award."""

    @router.get("/dashboard", response_class=HTMLResponse)
    @for_staff
    def overview(request: Request, account: Account, q: str = "", page: int = 1) -> Response:
        principal = account.principal()
        page = max(1, min(page, 10_000))
        size = services.page_size
        rows = list_awards(
            principal,
            uow=services.uow,
            text=q.strip() or None,
            limit=size + 1,
            offset=(page - 1) * size,
        )
        return render(
            request,
            "dashboard/overview.html",
            **staff_context(account),
            awards=[(a, _award_title(a)) for a in rows[:size]],
            q=q,
            page=page,
            more=len(rows) > size,
            published=published(services, principal, content_languages(request)),
        )

    @router.get("/dashboard/issue", response_class=HTMLResponse)
    @for_staff
    def issue_page(request: Request, account: Account) -> Response:
        principal = account.principal()
        return render(
            request,
            "dashboard/issue.html",
            status_code=200 if can_issue(account) else 403,
            **staff_context(account),
            published=published(services, principal, content_languages(request)),
            values={},
            error=None,
        )

    @router.post("/dashboard/issue", response_class=HTMLResponse)
    @for_staff
    async def issue_submitted(request: Request, account: Account) -> Response:
        form = await request.form()
        check_csrf(request, form)
        values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
        learner = {k: values[k] for k in ("name", "email", "did") if values.get(k)}
        principal = account.principal()
        try:
            valid_until = (
                datetime.fromisoformat(values["valid_until"]).replace(tzinfo=UTC)
                if values.get("valid_until")
                else None
            )
            award = await run_in_threadpool(
                lambda: issue_award(
                    principal,
                    version_id=values.get("version_id", ""),
                    learner=learner,
                    uow=services.uow,
                    cipher=services.cipher,
                    clock=services.clock,
                    rng=services.rng,
                    publisher=services.publisher,
                    base_url=services.base_url,
                    grade=values.get("grade") or None,
                    valid_until=valid_until,
                    suspendable=values.get("suspendable") == "yes",
                    language=values.get("language") or None,
                )
            )
        except (MicrocredError, ValueError, PermissionDenied, NotFound) as exc:
            return render(
                request,
                "dashboard/issue.html",
                status_code=403 if isinstance(exc, PermissionDenied) else 422,
                **staff_context(account),
                published=published(services, principal, content_languages(request)),
                values=values,
                error=str(exc),
            )
        return RedirectResponse(f"/dashboard/awards/{award.id}?issued=1", status_code=303)


def _award_routes(router: APIRouter, services: WebServices) -> None:
    """One award, and revoking, suspending or unsuspending it."""
    ports = writes(services)

    @router.get("/dashboard/awards/{award_id}", response_class=HTMLResponse)
    @for_staff
    def award_page(
        request: Request, account: Account, award_id: str, issued: int = 0, done: str = ""
    ) -> Response:
        try:
            award = get_award(account.principal(), award_id, uow=services.uow)
        except NotFound:
            return render(request, "dashboard/missing.html", status_code=404, staff=account)
        return render(
            request,
            "dashboard/award.html",
            **staff_context(account),
            award=award,
            title=_award_title(award),
            issued=bool(issued),
            done=done if done in {"revoked", "suspended", "unsuspended"} else "",
            error=None,
        )

    @router.post("/dashboard/awards/{award_id}/status", response_class=HTMLResponse)
    @for_staff
    async def change_status(request: Request, account: Account, award_id: str) -> Response:
        form = await request.form()
        check_csrf(request, form)
        action = str(form.get("action") or "")
        reason = str(form.get("reason") or "").strip()[:500] or None
        use_case = {
            "revoke": status_lists.revoke,
            "suspend": status_lists.suspend,
            "unsuspend": status_lists.unsuspend,
        }.get(action)
        principal = account.principal()
        try:
            if use_case is None:
                raise ValueError(f"unknown action {action!r}")
            if form.get("confirm") != "yes":
                raise ValueError(N_("Tick the box to confirm."))
            await run_in_threadpool(
                lambda: use_case(
                    principal, award_id, **ports, publisher=services.publisher, reason=reason
                )
            )
        except NotFound:
            return render(request, "dashboard/missing.html", status_code=404, staff=account)
        except (MicrocredError, ValueError, PermissionDenied) as exc:
            award = get_award(principal, award_id, uow=services.uow)
            return render(
                request,
                "dashboard/award.html",
                status_code=403 if isinstance(exc, PermissionDenied) else 422,
                **staff_context(account),
                award=award,
                title=_award_title(award),
                issued=False,
                done="",
                error=page_error(exc),
            )
        past = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "unsuspended"}[action]
        return RedirectResponse(f"/dashboard/awards/{award_id}?done={past}", status_code=303)
