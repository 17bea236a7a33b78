"""The public verification page (issue 4, "Public verification"): anyone, without an account,
pastes JSON or a JWT, uploads a file (JSON, JWT, baked PNG/SVG, an offline bundle or a PDF
certificate when those readers are installed) or opens a URL, and sees every check in plain words
and the verdict (:mod:`microcred.web.verification`). Works with credentials from any issuer.

- ``GET /verify``: the form; ``GET /verify?credential=URL`` verifies what the URL serves. This
  server's own credential URLs are read from the store (the guarded fetcher refuses private
  addresses, and asking ourselves over HTTP would be wasteful); others come through the
  SSRF-guarded fetcher.
- ``POST /verify`` (multipart form): ``text`` (pasted), ``file`` (upload, at most
  :data:`MAX_UPLOAD_BYTES`).

Reading and verifying is :func:`microcred.service.presented.verify_presented`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from microcred.core.verify.presentation import PresentationReport
from microcred.errors import MicrocredError
from microcred.service.awards import public_credential
from microcred.service.errors import NotFound
from microcred.service.presented import Report, verify_presented
from microcred.service.urls import site_url
from microcred.web.labels import N_
from microcred.web.rendering import render
from microcred.web.services import WebServices
from microcred.web.uploads import VERIFY_UPLOAD_BYTES
from microcred.web.verification import ReportView, report_view

MAX_UPLOAD_BYTES = VERIFY_UPLOAD_BYTES
"""The largest file (or pasted text) the page accepts (larger bodies are refused before the page
reads them, see :class:`microcred.web.uploads.UploadLimit`)."""
MAX_URL = 2000


class PresentedError(Exception):
    """Nothing verifiable was presented; the message is an English message id."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class Outcome:
    """What the page shows after verifying: the source, the report(s)."""

    source: str
    report: ReportView
    credentials: tuple[ReportView, ...] = ()
    holder: str | None = None


def own_award_id(base_url: str | None, url: str) -> str | None:
    """The award id when ``url`` is one of this server's credential URLs, else None."""
    prefix = f"{site_url(base_url)}/credentials/"
    rest = url[len(prefix) :] if url.startswith(prefix) else ""
    return rest if rest and not any(c in rest for c in "/?#") else None


def _outcome(source: str, report: Report) -> Outcome:
    if isinstance(report, PresentationReport):
        return Outcome(
            source=source,
            report=report_view(report.own),
            credentials=tuple(report_view(r) for r in report.credentials),
            holder=report.holder,
        )
    return Outcome(source=source, report=report_view(report))


def verify_bytes(services: WebServices, data: bytes, *, filename: str | None) -> Outcome:
    """Read and verify ``data``; :class:`PresentedError` when nothing verifiable is in it."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PresentedError(N_("The file is too large: the limit is 5 MB."))
    try:
        presented, report = verify_presented(
            data, verifier=services.verifier(), fetcher=services.fetcher, filename=filename
        )
    except MicrocredError as exc:
        raise PresentedError(
            N_("This is not a credential microcred can read."), detail=str(exc)
        ) from None
    return _outcome(presented.source, report)


def fetch_credential(services: WebServices, url: str) -> bytes:
    """The bytes at ``url``: this server's credentials from the store, others fetched."""
    if len(url) > MAX_URL or not url.startswith(("https://", "http://")):
        raise PresentedError(N_("Enter the credential's web address, starting with https://."))
    award_id = own_award_id(services.base_url, url)
    if award_id is not None:
        try:
            return public_credential(award_id, uow=services.uow).encode()
        except NotFound:
            raise PresentedError(N_("There is no credential at this address.")) from None
    try:
        return services.fetcher(url)
    except (MicrocredError, LookupError, OSError, ValueError) as exc:
        raise PresentedError(
            N_("The credential could not be fetched from this address."), detail=str(exc)
        ) from None


def verify_router(services: WebServices) -> APIRouter:
    router = APIRouter(route_class=APIRoute, include_in_schema=False)

    def form_page(
        request: Request,
        *,
        status_code: int = 200,
        error: PresentedError | None = None,
        text: str = "",
        url: str = "",
    ) -> HTMLResponse:
        return render(
            request,
            "verify/form.html",
            status_code=status_code,
            error=error,
            text=text,
            url=url,
            max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        )

    def result_page(request: Request, outcome: Outcome, *, url: str | None = None) -> HTMLResponse:
        return render(request, "verify/result.html", outcome=outcome, url=url)

    @router.get("/verify", response_class=HTMLResponse)
    async def verify_page(request: Request, credential: str | None = None) -> HTMLResponse:
        if not credential:
            return form_page(request)
        try:
            data = await run_in_threadpool(fetch_credential, services, credential.strip())
            outcome = await run_in_threadpool(verify_bytes, services, data, filename=None)
        except PresentedError as error:
            return form_page(request, status_code=422, error=error, url=credential)
        return result_page(request, outcome, url=credential)

    @router.post("/verify", response_class=HTMLResponse)
    async def verify_submitted(
        request: Request,
        text: Annotated[str, Form(max_length=MAX_UPLOAD_BYTES)] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> HTMLResponse:
        data = b""
        filename = None
        if file is not None and file.filename:
            data = await file.read(MAX_UPLOAD_BYTES + 1)
            filename = file.filename
        elif text.strip():
            data = text.strip().encode()
        if not data:
            error = PresentedError(N_("Paste a credential or choose a file to verify."))
            return form_page(request, status_code=422, error=error, text=text)
        try:
            outcome = await run_in_threadpool(verify_bytes, services, data, filename=filename)
        except PresentedError as error:
            return form_page(request, status_code=422, error=error, text=text)
        return result_page(request, outcome)

    return router
