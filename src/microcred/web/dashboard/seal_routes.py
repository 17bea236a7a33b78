"""The dashboard's seal page and Europass downloads (issue 5, "Seal it the way EDC does";
STANDARDS.md §2.5; docs/europass.md).

- ``GET /dashboard/seal``: the organisation's seal certificates (subject, issuer, validity,
  organisation identifier), never a key; owners get the upload form.
- ``POST /dashboard/seal`` (owner): a PKCS#12 file and its password, or a PEM file with the
  certificate chain and the private key (:func:`microcred.service.seals.upload_seal`); refusals
  (wrong password, key that matches no certificate, expired certificate) are shown in plain
  words, key usage warnings beside the new seal.
- ``GET /dashboard/awards/{id}/europass.json``: the award as a Europass (ELM v3) credential,
  JAdES-sealed when the organisation has an active seal
  (:func:`microcred.service.seals.export_elm`).
"""

from __future__ import annotations

from typing import Any, cast

from cryptography import x509
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from microcred.errors import MicrocredError
from microcred.service import seals
from microcred.service.accounts import Account
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.seal_ports import SealUnitOfWorkFactory
from microcred.web.dashboard.staff import ROLE_RANK, for_staff, staff_context
from microcred.web.labels import N_
from microcred.web.rendering import render
from microcred.web.services import WebServices
from microcred.web.session import check_csrf

SEAL = "/dashboard/seal"
FORMATS = {"pkcs12", "pem"}


def may_seal(account: Account) -> bool:
    """Owners upload seals (they manage the organisation's keys)."""
    return ROLE_RANK.get(account.role or "viewer", 0) >= ROLE_RANK["owner"]


def seal_uow(services: WebServices) -> SealUnitOfWorkFactory:
    """The unit of work with the seal repository (the store's implements it)."""
    return cast(SealUnitOfWorkFactory, services.uow)


def seal_issuer(services: WebServices, account: Account, seal_id: str) -> str | None:
    """The issuer (certification authority) of a stored seal certificate, for the page."""
    with seal_uow(services)() as tx:
        records = tx.seals.list_for(account.principal().organisation_id)
    for record in records:
        if record.id == seal_id:
            leaf = x509.load_pem_x509_certificates(record.certificate_chain.encode("ascii"))[0]
            return leaf.issuer.rfc4514_string()
    return None


def seal_routes(router: APIRouter, services: WebServices) -> None:
    """The seal page and the award's Europass download on ``router``."""

    def seal_page(
        request: Request, account: Account, *, status_code: int = 200, **context: Any
    ) -> Response:
        found = seals.list_seals(account.principal(), uow=seal_uow(services))
        active = next((s for s in found if s.active), None)
        return render(
            request,
            "dashboard/seal.html",
            status_code=status_code,
            **staff_context(account),
            may_seal=may_seal(account),
            active=active,
            active_issuer=seal_issuer(services, account, active.id) if active else None,
            history=[s for s in found if not s.active],
            now=services.clock(),
            **{"error": None, "detail": None, "uploaded": None, **context},
        )

    @router.get(SEAL, response_class=HTMLResponse)
    @for_staff
    def seal_get(request: Request, account: Account) -> Response:
        return seal_page(request, account)

    @router.post(SEAL, response_class=HTMLResponse)
    @for_staff
    async def seal_post(request: Request, account: Account) -> Response:
        form = await request.form(max_part_size=seals.MAX_SEAL_FILE_BYTES + 1024)
        check_csrf(request, form)
        upload = form.get("file")
        data = (
            await upload.read(seals.MAX_SEAL_FILE_BYTES + 1)
            if isinstance(upload, UploadFile)
            else b""
        )
        kind = str(form.get("format") or "")
        password = str(form.get("password") or "") or None
        if not data:
            return seal_page(
                request, account, status_code=422, error=N_("Choose the seal file to upload.")
            )
        try:
            info = await run_in_threadpool(
                lambda: seals.upload_seal(
                    account.principal(),
                    data=data,
                    password=password,
                    kind=kind if kind in FORMATS else None,  # type: ignore[arg-type]
                    label=str(form.get("label") or ""),
                    uow=seal_uow(services),
                    cipher=services.cipher,
                    clock=services.clock,
                    rng=services.rng,
                )
            )
        except PermissionDenied:
            return seal_page(
                request,
                account,
                status_code=403,
                error=N_("Only an owner of the organisation can upload its seal."),
            )
        except MicrocredError as exc:
            return seal_page(
                request,
                account,
                status_code=422,
                error=N_("The seal was not accepted."),
                detail=str(exc),
            )
        return seal_page(request, account, uploaded=info)

    @router.get("/dashboard/awards/{award_id}/europass.json")
    @for_staff
    def europass(request: Request, account: Account, award_id: str) -> Response:
        principal = account.principal()
        uow = seal_uow(services)
        try:
            sealed = any(s.active for s in seals.list_seals(principal, uow=uow))
            export = seals.export_elm(
                principal,
                award_id,
                sealed=sealed,
                uow=uow,
                cipher=services.cipher,
                clock=services.clock,
            )
        except NotFound:
            return render(request, "dashboard/missing.html", status_code=404, staff=account)
        except (PermissionDenied, Conflict) as exc:
            return Response(
                str(exc),
                status_code=403 if isinstance(exc, PermissionDenied) else 409,
                media_type="text/plain; charset=utf-8",
            )
        return Response(
            export.content,
            media_type=export.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{export.filename(award_id)}"',
                "Cache-Control": "no-store",
            },
        )
