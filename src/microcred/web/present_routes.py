"""Presentation pages (issue 4, "Verifiable Presentations"): the learner presents credentials to
a verifier; a verifier checks a presentation.

- ``GET /present``, ``POST /present`` (signed-in learner): choose credentials, paste the
  verifier's challenge and domain, get the signed presentation to copy, or download it
  (``action=download``) as ``presentation.json``.
- ``GET /verify/presentation`` (public): a fresh challenge and this site's domain to give the
  learner; ``POST`` the same: paste or upload a presentation with the expected challenge and
  domain, and see the holder, whether the challenge and domain match, and each credential's
  checks in plain words.
"""

from __future__ import annotations

import json
from typing import cast
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile

from microcred.errors import InvalidInputError
from microcred.service.errors import NotFound
from microcred.service.presentations import (
    check_presentation,
    new_challenge,
    present,
    presentable_holdings,
)
from microcred.service.sharing_ports import SharingUnitOfWorkFactory
from microcred.web.account_routes import learner_account, sign_in_redirect
from microcred.web.labels import N_
from microcred.web.page_errors import PageError, page_error
from microcred.web.rendering import render
from microcred.web.services import WebServices
from microcred.web.session import check_csrf, csrf_token, is_secure, remember_csrf
from microcred.web.share_routes import CACHE_HEADERS
from microcred.web.verification import report_view

MAX_UPLOAD = 2 * 1024 * 1024


def present_router(services: WebServices) -> APIRouter:
    """The presentation pages, on ``services``' ports."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    # The store's unit of work has the sharing repositories (store/unit_of_work.py).
    uow = cast(SharingUnitOfWorkFactory, services.uow)
    secure = is_secure(services.base_url)
    own_domain = urlsplit(services.base_url).hostname if services.base_url else None

    @router.api_route("/present", methods=["GET", "POST"], response_class=HTMLResponse)
    async def present_page(request: Request) -> Response:
        account = learner_account(request)
        if account is None:
            return sign_in_redirect(request)
        holdings = presentable_holdings(account, uow=uow)
        chosen: list[str] = []
        values = {"challenge": "", "domain": ""}
        error = presentation = None
        if request.method == "POST":
            form = await request.form()
            check_csrf(request, form)
            chosen = [str(v) for v in form.getlist("credential")]
            values = {k: str(form.get(k) or "") for k in values}
            try:
                vp = present(
                    account,
                    chosen,
                    challenge=values["challenge"],
                    domain=values["domain"],
                    uow=uow,
                    cipher=services.cipher,
                    clock=services.clock,
                    rng=services.rng,
                )
            except (InvalidInputError, NotFound) as exc:
                error = page_error(exc)
            else:
                presentation = json.dumps(vp, indent=2, ensure_ascii=False)
                if form.get("action") == "download":
                    return Response(
                        presentation.encode("utf-8"),
                        media_type="application/json",
                        headers={
                            **CACHE_HEADERS,
                            "Content-Disposition": 'attachment; filename="presentation.json"',
                        },
                    )
        token = csrf_token(request)
        response = render(
            request,
            "present/present.html",
            status_code=422 if error else 200,
            headers=CACHE_HEADERS,
            holdings=holdings,
            chosen=chosen,
            values=values,
            error=error,
            presentation=presentation,
            csrf_token=token,
        )
        return remember_csrf(response, token, secure=secure)

    @router.get("/verify/presentation", response_class=HTMLResponse)
    def verify_form(request: Request) -> Response:
        values = {"challenge": new_challenge(services.rng), "domain": own_domain or ""}
        return render(
            request,
            "present/verify.html",
            headers=CACHE_HEADERS,
            values=values,
            report=None,
            error=None,
        )

    @router.post("/verify/presentation", response_class=HTMLResponse)
    async def verify_submit(request: Request) -> Response:
        form = await request.form()
        values = {k: str(form.get(k) or "").strip() for k in ("challenge", "domain")}
        text: str | bytes = str(form.get("presentation") or "").strip()
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            text = await upload.read(MAX_UPLOAD + 1)
            if len(text) > MAX_UPLOAD:
                text = b""
        if not text:
            return render(
                request,
                "present/verify.html",
                status_code=422,
                headers=CACHE_HEADERS,
                values=values,
                report=None,
                error=PageError(
                    N_("Paste a presentation (JSON) or choose a file of at most 2 MB."), None
                ),
            )
        report = check_presentation(
            text,
            verifier=services.verifier(),
            challenge=values["challenge"],
            domain=values["domain"],
        )
        return render(
            request,
            "present/verify.html",
            headers=CACHE_HEADERS,
            values=values,
            report=report,
            credentials=[report_view(c) for c in report.credentials],
            error=None,
        )

    return router
