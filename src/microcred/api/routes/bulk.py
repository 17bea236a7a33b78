"""Platform API: bulk issuance jobs from a CSV (or XLSX) upload, with progress and report.

``POST /api/v1/bulk-jobs`` (multipart: ``file`` and ``version_id``) validates every row first
and answers 202 with the job; ``GET /api/v1/bulk-jobs/{id}`` shows progress and the per-row
report (row number, column, reason). Re-sending the same file returns the same job.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile, status

from microcred.api.dependencies import Caller, Services
from microcred.api.pagination import Page, PageParams, page_params, paginate
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.schemas import BulkJobOut, bulk_job_out
from microcred.errors import InvalidInputError
from microcred.service import bulk

router = APIRouter(prefix="/api/v1/bulk-jobs", tags=["Bulk issuance"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=status.HTTP_202_ACCEPTED, summary="Start a bulk issuance job")
def start_job(
    file: Annotated[UploadFile, File(description="CSV (UTF-8, header row) or XLSX.")],
    version_id: Annotated[str, Form(description="The published catalogue version to award.")],
    caller: Caller,
    container: Services,
    response: Response,
) -> BulkJobOut:
    """Validate every row, store the report, queue the valid rows (issuer role)."""
    limit = container.bulk.limits.max_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInputError(f"file: the upload is larger than the limit of {limit:,} bytes")
    job = bulk.start_bulk_job(
        caller, version_id, data, file.filename or "upload.csv", ctx=container.bulk
    )
    response.headers["Location"] = f"/api/v1/bulk-jobs/{job.id}"
    return bulk_job_out(job)


@router.get("", summary="List bulk jobs")
def list_jobs(
    caller: Caller,
    container: Services,
    page: Annotated[PageParams, Depends(page_params)],
    request: Request,
    response: Response,
) -> Page[BulkJobOut]:
    return paginate(
        lambda limit, offset: bulk.list_bulk_jobs(
            caller, ctx=container.bulk, limit=limit, offset=offset
        ),
        bulk_job_out,
        page,
        request,
        response,
    )


@router.get("/{job_id}", summary="A bulk job's progress and report")
def get_job(job_id: str, caller: Caller, container: Services) -> BulkJobOut:
    return bulk_job_out(bulk.job_status(caller, job_id, ctx=container.bulk))
