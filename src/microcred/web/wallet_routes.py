"""The learner's wallet and the claim page (issue 4).

- ``GET /claim/{token}``: the claimed credential's summary (never the learner's data); a
  signed-in learner adds it with ``POST /claim/{token}``, anyone else is offered to sign in or
  register and comes back; an unknown, used or expired link is a clear page;
- ``GET /wallet``: every credential held, as cards (title, issuer, date, status badge), statuses
  re-checked when older than ten minutes;
- ``GET /wallet/{id}``: one credential with every EU element readable, its verification and its
  exports (this server's PDF, bundle and badges for claimed awards; JSON and a baked PNG for
  imports); ``GET /wallet/{id}/credential.json`` and ``/badge.png``;
- ``GET|POST /wallet/import`` (file upload or paste), ``POST /wallet/{id}/remove``;
- ``GET /wallet/export.zip``: every credential's exact text in one ZIP
  (:func:`microcred.service.wallet.export_wallet`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile

from microcred.core.formats.ob3 import read_award
from microcred.core.i18n import Translator
from microcred.errors import InvalidInputError, MicrocredError
from microcred.service import claims, seals, wallet
from microcred.service.accounts import Account
from microcred.service.errors import Conflict, NotFound
from microcred.service.exports import baked_png_for
from microcred.service.learner_records import HoldingRecord
from microcred.service.seal_ports import SealUnitOfWorkFactory
from microcred.web import presenters
from microcred.web.account_routes import learner_account, learner_form, sign_in_redirect
from microcred.web.language import request_language
from microcred.web.page_errors import page_error
from microcred.web.pathways_routes import collect, wallet_section
from microcred.web.rendering import content_languages, page_translator, render
from microcred.web.services import WebServices
from microcred.web.session import csrf_token, remember_csrf
from microcred.web.verification import elm_elements

NO_STORE = {"Cache-Control": "no-store"}


def eu_elements(
    holding: HoldingRecord, languages: Sequence[str], t: Translator
) -> presenters.Awarded | None:
    """The Annex I elements of a microcred OB 3.0 credential, ready to print (labels in ``t``'s
    language); None for any other credential."""
    try:
        award = read_award(wallet.credential_document(holding.credential))
    except MicrocredError:
        return None
    return presenters.awarded(award, provider=holding.issuer_name, languages=languages, t=t)


def _title(holding: HoldingRecord, language: str) -> str:
    return wallet.title_in(holding.titles, language, holding.title) or holding.title


def show(
    request: Request, template: str, *, secure: bool, status_code: int = 200, **context: Any
) -> Response:
    """A page with a fresh CSRF token for its forms, never cached."""
    token = csrf_token(request)
    response = render(
        request, template, status_code=status_code, headers=NO_STORE, csrf_token=token, **context
    )
    return remember_csrf(response, token, secure=secure)


def claim_router(services: WebServices) -> APIRouter:
    """``GET|POST /claim/{token}``."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)
    secure = services.secure_cookies

    def page(request: Request, template: str, **context: Any) -> Response:
        return show(request, template, secure=secure, **context)

    @router.get("/claim/{token}", response_class=HTMLResponse)
    def claim_page(token: str, request: Request) -> Response:
        try:
            view = claims.open_claim(
                uow=services.uow,
                clock=services.clock,
                token=token,
                language=request_language(request),
            )
        except NotFound:
            return page(request, "wallet/claim_invalid.html", status_code=404, reason="unknown")
        if not view.usable:
            return page(request, "wallet/claim_invalid.html", status_code=410, reason=view.reason)
        return page(
            request,
            "wallet/claim.html",
            view=view,
            learner=learner_account(request),
            path=request.url.path,
            error=None,
        )

    @router.post("/claim/{token}")
    async def accept(token: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, _ = posted
        try:
            holding = claims.accept_claim(
                uow=services.uow,
                clock=services.clock,
                rng=services.rng,
                account=account,
                token=token,
            )
        except NotFound:
            return page(request, "wallet/claim_invalid.html", status_code=404, reason="unknown")
        except Conflict:
            return page(request, "wallet/claim_invalid.html", status_code=409, reason="used")
        return RedirectResponse(f"/wallet/{holding.id}", status_code=303)

    return router


def wallet_router(services: WebServices) -> APIRouter:
    """The wallet and claim pages, bound to the composition root's ports."""
    router = APIRouter(route_class=APIRoute, include_in_schema=False)

    def page(request: Request, template: str, **context: Any) -> Response:
        return show(request, template, secure=services.secure_cookies, **context)

    def checking() -> dict[str, Any]:
        return {"verifier": services.verifier(), "fetcher": services.fetcher}

    @router.get("/wallet", response_class=HTMLResponse)
    def wallet_page(request: Request) -> Response:
        account = learner_account(request)
        if account is None:
            return sign_in_redirect(request)
        collect(services, account)  # stacked credentials and recognition records issued since
        holdings = wallet.refresh_status(
            uow=services.uow, clock=services.clock, account=account, **checking()
        )
        cards = [{"holding": h, "title": _title(h, request_language(request))} for h in holdings]
        return page(
            request, "wallet/list.html", cards=cards, **wallet_section(services, account, request)
        )

    @router.get("/wallet/import", response_class=HTMLResponse)
    def import_form(request: Request) -> Response:
        if learner_account(request) is None:
            return sign_in_redirect(request)
        return page(request, "wallet/import.html", error=None)

    @router.post("/wallet/import")
    async def import_post(request: Request) -> Response:
        posted = await learner_form(request, max_part_size=wallet.MAX_IMPORT_BYTES + 1024)
        if isinstance(posted, Response):
            return posted
        account, form = posted
        data, filename = await _submitted(form)
        try:
            holding = wallet.import_credential(
                uow=services.uow,
                clock=services.clock,
                rng=services.rng,
                account=account,
                data=data,
                filename=filename,
                **checking(),
            )
        except InvalidInputError as exc:
            return page(request, "wallet/import.html", status_code=422, error=page_error(exc))
        return RedirectResponse(f"/wallet/{holding.id}", status_code=303)

    _install_export(router, services)

    def held(request: Request, holding_id: str) -> tuple[Account, HoldingRecord] | Response:
        account = learner_account(request)
        if account is None:
            return sign_in_redirect(request)
        try:
            return account, wallet.get_holding(
                uow=services.uow, account=account, holding_id=holding_id
            )
        except NotFound:
            return page(request, "wallet/missing.html", status_code=404)

    @router.get("/wallet/{holding_id}", response_class=HTMLResponse)
    def holding_page(holding_id: str, request: Request) -> Response:
        found = held(request, holding_id)
        if isinstance(found, Response):
            return found
        _, holding = found
        languages = content_languages(request)
        return page(
            request,
            "wallet/holding.html",
            holding=holding,
            title=_title(holding, request_language(request)),
            awarded=eu_elements(holding, languages, page_translator(request)),
            elm=elm_elements(holding.credential) if holding.kind == "elm" else (),
            report=_report(holding.report),
        )

    @router.get("/wallet/{holding_id}/credential.json")
    def download_json(holding_id: str, request: Request) -> Response:
        found = held(request, holding_id)
        if isinstance(found, Response):
            return found
        _, holding = found
        media = "application/vc+jwt" if holding.kind == "jwt" else "application/json"
        suffix = "jwt" if holding.kind == "jwt" else "json"
        return _download(holding.credential.encode("utf-8"), media, f"credential.{suffix}")

    @router.get("/wallet/{holding_id}/badge.png")
    def download_png(holding_id: str, request: Request) -> Response:
        found = held(request, holding_id)
        if isinstance(found, Response):
            return found
        _, holding = found
        return _download(baked_png_for(holding.credential), "image/png", "badge.png")

    @router.post("/wallet/{holding_id}/remove")
    async def remove(holding_id: str, request: Request) -> Response:
        posted = await learner_form(request)
        if isinstance(posted, Response):
            return posted
        account, _ = posted
        try:
            wallet.remove_holding(uow=services.uow, account=account, holding_id=holding_id)
        except NotFound:
            return page(request, "wallet/missing.html", status_code=404)
        return RedirectResponse("/wallet", status_code=303)

    return _europass_route(router, services, held, page)


def _report(stored: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The checks of the stored verification report (a presentation's own and its
    credentials'), each with ``name`` (the report's ``check``), ``outcome`` and ``reason``."""
    checks = [c for c in stored.get("checks", ()) if isinstance(c, Mapping)]
    for inner in stored.get("credentials", ()):
        if isinstance(inner, Mapping):
            checks.extend(c for c in inner.get("checks", ()) if isinstance(c, Mapping))
    return [{**c, "name": c.get("check", c.get("name", ""))} for c in checks]


async def _submitted(form: Mapping[str, Any]) -> tuple[bytes, str | None]:
    """The uploaded file (bytes, file name), else the pasted text."""
    upload, pasted = form.get("file"), form.get("text")
    if isinstance(upload, UploadFile) and upload.filename:
        return await upload.read(wallet.MAX_IMPORT_BYTES + 1), upload.filename
    return (pasted.strip().encode("utf-8") if isinstance(pasted, str) else b""), None


def _download(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _europass_route(
    router: APIRouter,
    services: WebServices,
    held: Callable[[Request, str], tuple[Account, HoldingRecord] | Response],
    page: Callable[..., Response],
) -> APIRouter:
    """``router`` with ``GET /wallet/{id}/europass.json``: a claimed award as Europass (ELM)."""

    @router.get("/wallet/{holding_id}/europass.json")
    def download_europass(holding_id: str, request: Request) -> Response:
        """A claimed award as a Europass (ELM) credential, sealed when its issuer has a seal."""
        found = held(request, holding_id)
        if isinstance(found, Response):
            return found
        _, holding = found
        if holding.award_id is None:
            return page(request, "wallet/missing.html", status_code=404)
        try:
            export = seals.export_elm_for_holder(
                holding.award_id,
                uow=cast(SealUnitOfWorkFactory, services.uow),
                cipher=services.cipher,
                clock=services.clock,
            )
        except NotFound:
            return page(request, "wallet/missing.html", status_code=404)
        suffix = "jades.json" if export.sealed else "jsonld"
        return _download(export.content, export.media_type, f"europass.{suffix}")

    return router


def _install_export(router: APIRouter, services: WebServices) -> None:
    """``GET /wallet/export.zip`` (registered before ``/wallet/{holding_id}``)."""

    @router.get("/wallet/export.zip")
    def export(request: Request) -> Response:
        account = learner_account(request)
        if account is None:
            return sign_in_redirect(request)
        data = wallet.export_wallet(uow=services.uow, account=account, now=services.clock())
        day = services.clock().date().isoformat()
        return _download(data, "application/zip", f"microcred-wallet-{day}.zip")
