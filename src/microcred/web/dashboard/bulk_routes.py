"""The dashboard's bulk upload (issue 3, "Bulk issuance"; issue 4, "bulk upload with per-row
report and progress"): upload a CSV or XLSX file for a published micro-credential; every row is
checked first (:func:`microcred.service.bulk.start_bulk_job`), the valid ones are issued by the
job queue, and the job's page shows the progress and the per-row report (row, column, reason).

Progress: the job page polls ``/dashboard/bulk/{id}/progress`` (JSON) with the static script
``/assets/bulk-progress.js`` (the CSP allows scripts from this site only); without JavaScript it
refreshes itself every few seconds (a ``<meta http-equiv="refresh">`` inside ``<noscript>``) and
offers a refresh link.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from microcred.errors import MicrocredError
from microcred.service.accounts import Account
from microcred.service.bulk import job_status, list_bulk_jobs, start_bulk_job
from microcred.service.bulk_csv import COLUMNS, REQUIRED_COLUMNS
from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.records import BulkJobRecord
from microcred.web.dashboard.staff import for_staff, published, staff, staff_context
from microcred.web.labels import N_
from microcred.web.rendering import content_languages, render
from microcred.web.services import WebServices
from microcred.web.session import check_csrf
from microcred.web.uploads import BULK_UPLOAD_BYTES, megabytes

BULK = "/dashboard/bulk"
REFRESH_SECONDS = 3
"""How often the job page refreshes itself without JavaScript while the job runs."""
RECENT_JOBS = 20


def progress(job: BulkJobRecord) -> dict[str, Any]:
    """What the progress bar shows: counts so far, and whether the job is over."""
    return {
        "id": job.id,
        "state": job.state,
        "total": job.total,
        "issued": job.issued,
        "skipped": job.skipped,
        "failed": job.failed,
        "processed": min(job.total, job.issued + job.skipped + job.failed),
        "finished": job.state in ("finished", "failed"),
    }


def bulk_routes(router: APIRouter, services: WebServices) -> None:
    """Add the bulk upload pages to the dashboard's ``router``."""
    limit = min(BULK_UPLOAD_BYTES, services.bulk.limits.max_bytes)

    def upload_page(
        request: Request,
        account: Account,
        *,
        status_code: int = 200,
        error: str | None = None,
        detail: str | None = None,
        version_id: str = "",
    ) -> Response:
        principal = account.principal()
        return render(
            request,
            "dashboard/bulk.html",
            status_code=status_code,
            **staff_context(account),
            published=published(services, principal, content_languages(request)),
            jobs=list_bulk_jobs(principal, ctx=services.bulk, limit=RECENT_JOBS),
            columns=COLUMNS,
            required=REQUIRED_COLUMNS,
            max_mb=megabytes(limit),
            error=error,
            detail=detail,
            version_id=version_id,
        )

    @router.get(BULK, response_class=HTMLResponse)
    @for_staff
    def bulk_page(request: Request, account: Account) -> Response:
        return upload_page(request, account)

    @router.post(BULK, response_class=HTMLResponse)
    @for_staff
    async def bulk_submitted(request: Request, account: Account) -> Response:
        form = await request.form()
        check_csrf(request, form)
        version_id = str(form.get("version_id") or "")
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return upload_page(
                request,
                account,
                status_code=422,
                error=N_("Choose a CSV or XLSX file to upload."),
                version_id=version_id,
            )
        data = await upload.read(limit + 1)
        if len(data) > limit:
            return upload_page(
                request,
                account,
                status_code=413,
                error=N_("The file is too large."),
                version_id=version_id,
            )
        filename = upload.filename
        principal = account.principal()
        try:
            job = await run_in_threadpool(
                lambda: start_bulk_job(principal, version_id, data, filename, ctx=services.bulk)
            )
        except PermissionDenied as exc:
            return upload_page(
                request,
                account,
                status_code=403,
                error=N_("Your role lets you read bulk uploads, not start them."),
                detail=str(exc),
            )
        except (MicrocredError, NotFound) as exc:
            return upload_page(
                request,
                account,
                status_code=422,
                error=N_("The file was not accepted; nothing was issued."),
                detail=str(exc),
                version_id=version_id,
            )
        return RedirectResponse(f"{BULK}/{job.id}", status_code=303)

    def _job(request: Request, job_id: str) -> BulkJobRecord | None:
        account = staff(request)
        assert account is not None
        try:
            return job_status(account.principal(), job_id, ctx=services.bulk)
        except NotFound:
            return None

    @router.get(f"{BULK}/{{job_id}}", response_class=HTMLResponse)
    @for_staff
    def job_page(request: Request, account: Account, job_id: str) -> Response:
        job = _job(request, job_id)
        if job is None:
            return render(
                request,
                "dashboard/missing.html",
                status_code=404,
                staff=account,
                message=N_("There is no such bulk upload in your organisation."),
                back=(BULK, N_("Back to the bulk uploads")),
            )
        return render(
            request,
            "dashboard/bulk_job.html",
            **staff_context(account),
            job=job,
            progress=progress(job),
            refresh_seconds=REFRESH_SECONDS,
        )

    @router.get(f"{BULK}/{{job_id}}/progress")
    def job_progress(request: Request, job_id: str) -> Response:
        headers = {"Cache-Control": "no-store"}
        if staff(request) is None:
            return JSONResponse({"error": "sign in"}, status_code=401, headers=headers)
        job = _job(request, job_id)
        if job is None:
            return JSONResponse({"error": "not found"}, status_code=404, headers=headers)
        return JSONResponse(progress(job), headers=headers)
