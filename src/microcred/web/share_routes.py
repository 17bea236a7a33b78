"""Share pages (issue 4, "Sharing"): the public page of a shared credential and the learner's
page that makes, lists and revokes its share links.

- ``GET /s/{token}``: the credential, its live verification result (:class:`LiveVerification`,
  cached 60 s per link), its issuer and dates, downloads, a LinkedIn "Add to profile" button,
  Open Graph and Twitter card tags (Open Graph protocol: ``og:title``, ``og:description``,
  ``og:url``, ``og:type``, ``og:image``), a canonical link, and ``noindex`` when unlisted.
  ``Accept: application/json`` gets the credential and the report as JSON. A revoked or expired
  link is 410 Gone, an unknown one 404.
- ``GET /s/{token}/badge.png``: the badge image of a shared credential not issued here (its
  ``data:`` image, else the default badge); ``og:image`` is always an absolute URL of a PNG
  route of this server.
- ``GET /wallet/{holding_id}/share``, ``POST`` the same (create), ``POST
  /wallet/shares/{link_id}/revoke``: the signed-in learner's links of one credential.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any, cast

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute

from microcred.errors import InvalidInputError
from microcred.service.accounts import Account
from microcred.service.errors import NotFound
from microcred.service.exports import baked_png_for
from microcred.service.linkedin import add_to_profile_url
from microcred.service.sharing import (
    LiveReport,
    LiveVerification,
    NoLongerShared,
    SharedCredential,
    create_share_link,
    holding_with_links,
    open_share_link,
    revoke_share_link,
)
from microcred.service.sharing_ports import SharingUnitOfWorkFactory
from microcred.web.account_routes import learner_account, learner_form, sign_in_redirect
from microcred.web.labels import N_
from microcred.web.negotiation import prefers_html
from microcred.web.page_errors import PageError, page_error
from microcred.web.rendering import content_languages, page_translator, render
from microcred.web.services import WebServices
from microcred.web.session import csrf_token, is_secure, remember_csrf
from microcred.web.shared_view import SharedView, shared_view
from microcred.web.verification import report_view

CACHE_HEADERS = {"Cache-Control": "no-store"}


def share_url(base_url: str | None, token: str) -> str:
    """The public address of a share link (relative when no base URL is configured)."""
    return f"{(base_url or '').rstrip('/')}/s/{token}"


def linkedin_url(view: SharedView, url: str) -> str | None:
    """The LinkedIn "Add to profile" link of a shared credential, or None without a title."""
    if not view.title:
        return None
    return add_to_profile_url(
        name=view.title,
        organisation_name=view.issuer or None,
        issued=view.issued,
        expires=view.expires,
        cert_url=url if url.startswith("http") else None,
        cert_id=view.credential_id,
    )


def _expiry(value: str) -> datetime | None:
    """A ``YYYY-MM-DD`` from a date field: the link works until the end of that day (UTC)."""
    if not value.strip():
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError as exc:
        raise InvalidInputError("expires: a date like 2027-06-30 is required") from exc
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _as_json(shared: SharedCredential, checked: LiveReport, url: str) -> dict[str, Any]:
    """The JSON answer of a share link: the exact credential and its live report."""
    credential: Any = shared.holding.credential
    if shared.holding.kind != "jwt":
        credential = json.loads(credential)
    return {
        "credential": credential,
        "verification": checked.report.to_dict(),
        "checkedAt": checked.checked_at.isoformat(),
        "url": url,
    }


def share_router(services: WebServices) -> APIRouter:
    """The share pages, on ``services``' ports."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    # The store's unit of work has the sharing repositories (store/unit_of_work.py).
    uow = cast(SharingUnitOfWorkFactory, services.uow)
    live = LiveVerification(lambda text: services.verifier().verify(text), clock=services.clock)

    def gone(request: Request, status: int, message: str, wants_html: bool) -> Response:
        if not wants_html:
            return JSONResponse({"title": message, "status": status}, status_code=status)
        return render(
            request,
            "share/gone.html",
            status_code=status,
            headers={**CACHE_HEADERS, "X-Robots-Tag": "noindex"},
            message=message,
            status=status,
        )

    @router.get("/s/{token}")
    def shared_page(token: str, request: Request) -> Response:
        wants_html = prefers_html(request.headers.get("accept"))
        try:
            shared: SharedCredential = open_share_link(token, uow=uow, clock=services.clock)
        except NoLongerShared:
            return gone(request, 410, N_("This credential is no longer shared."), wants_html)
        except NotFound:
            return gone(request, 404, N_("No credential is shared at this address."), wants_html)
        checked = live.check(shared)
        url = share_url(services.base_url, token)
        robots = {"X-Robots-Tag": "noindex"} if shared.link.visibility == "unlisted" else {}
        if not wants_html:
            return JSONResponse(_as_json(shared, checked, url), headers={**CACHE_HEADERS, **robots})
        view = shared_view(
            shared.holding, content_languages(request), page_translator(request), token=token
        )
        return render(
            request,
            "share/shared.html",
            headers={**CACHE_HEADERS, **robots},
            view=view,
            link=shared.link,
            report=replace(report_view(checked.report), subject_name=view.learner),
            checked_at=checked.checked_at,
            url=url,
            image_url=f"{(services.base_url or '').rstrip('/')}{view.image}",
            json_href=f"/s/{token}?format=json",
            linkedin=linkedin_url(view, url),
        )

    _install_badge(router, uow, services)

    def manage_page(
        request: Request, account: Account, holding_id: str, *, error: PageError | None = None
    ) -> Response:
        try:
            holding, links = holding_with_links(account, holding_id, uow=uow)
        except NotFound:
            return gone(request, 404, N_("This credential is not in your wallet."), True)
        token = csrf_token(request)
        now = services.clock()
        view = shared_view(holding, content_languages(request), page_translator(request))
        rows = [
            {
                "link": k,
                "url": share_url(services.base_url, k.token),
                "live": k.live_at(now),
                "linkedin": linkedin_url(view, share_url(services.base_url, k.token)),
            }
            for k in links
        ]
        response = render(
            request,
            "share/manage.html",
            status_code=422 if error else 200,
            headers=CACHE_HEADERS,
            holding=holding,
            view=view,
            rows=rows,
            error=error,
            csrf_token=token,
        )
        return remember_csrf(response, token, secure=is_secure(services.base_url))

    @router.get("/wallet/{holding_id}/share", response_class=HTMLResponse)
    def manage(holding_id: str, request: Request) -> Response:
        account = learner_account(request)
        if account is None:
            return sign_in_redirect(request)
        return manage_page(request, account, holding_id)

    @router.post("/wallet/{holding_id}/share")
    async def create(holding_id: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, form = posted
        try:
            create_share_link(
                account,
                holding_id,
                visibility=str(form.get("visibility") or "unlisted"),
                expires_at=_expiry(str(form.get("expires") or "")),
                label=str(form.get("label") or "") or None,
                uow=uow,
                clock=services.clock,
                rng=services.rng,
            )
        except InvalidInputError as exc:
            return manage_page(request, account, holding_id, error=page_error(exc))
        except NotFound:
            return gone(request, 404, N_("This credential is not in your wallet."), True)
        return RedirectResponse(f"/wallet/{holding_id}/share", status_code=303)

    @router.post("/wallet/shares/{link_id}/revoke")
    async def revoke(link_id: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, _ = posted
        try:
            link = revoke_share_link(account, link_id, uow=uow, clock=services.clock)
        except NotFound:
            return gone(request, 404, N_("No such share link."), True)
        live.forget([link.id])
        return RedirectResponse(f"/wallet/{link.holding_id}/share", status_code=303)

    return router


def _install_badge(router: APIRouter, uow: SharingUnitOfWorkFactory, services: WebServices) -> None:
    """``GET /s/{token}/badge.png``."""

    @router.get("/s/{token}/badge.png")
    def shared_badge(token: str) -> Response:
        """The badge image of a shared credential that was not issued here."""
        try:
            shared = open_share_link(token, uow=uow, clock=services.clock)
        except (NoLongerShared, NotFound):
            return Response(status_code=404, headers=CACHE_HEADERS)
        return Response(
            baked_png_for(shared.holding.credential),
            media_type="image/png",
            headers={"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"},
        )
