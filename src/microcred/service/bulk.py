"""Bulk issuance jobs (issue 3, "Bulk issuance"): validate a whole file first, then issue its
valid rows chunk by chunk through :func:`issue_batch`, idempotently and resumably.

- **Validation first.** :func:`start_bulk_job` reads and checks every row
  (:mod:`microcred.service.bulk_csv`) before anything is issued; the job keeps the per-row report.
- **Idempotent.** Each row is issued under the row key ``<catalogue entry id>:<row_id>``, so the
  same row (same organisation, same micro-credential, same ``row_id``) is issued once, whether it
  is re-sent in the same file, a new file or against a newer version of the entry. Re-sending the
  very same file (same bytes, same version) returns the existing job.
- **Resumable.** The valid rows are stored with the job, packed per chunk; a chunk is marked done in
  its own transaction after it was issued (and its packed rows dropped). Running the job again
  (after a crash) issues the chunks not marked done; rows already issued are skipped by their row
  keys.
- **Shared.** A queue may run the chunks of one job on several workers
  (:func:`plan_bulk_job`, :func:`run_bulk_chunk`, :func:`record_chunk`); only :func:`record_chunk`
  writes the job, so the queue serialises it per job.

Counts: ``issued`` (new credentials), ``skipped`` (row key already issued), ``failed`` (rows
that cannot be issued because they are invalid; listed in ``report["problems"]``). At the end
``issued + skipped + failed == total``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from microcred.core.model import learner_to_dict
from microcred.errors import InvalidInputError, SpecValidationError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.bulk_csv import (
    BulkLimits,
    BulkRow,
    ParsedBatch,
    Table,
    read_csv_table,
    validate_table,
)
from microcred.service.errors import Conflict, NotFound
from microcred.service.events import BULK_FINISHED, Event, publish_events
from microcred.service.ids import new_id
from microcred.service.issuing import BatchResult, IssueRequest
from microcred.service.ports import (
    Clock,
    EventPublisher,
    JobQueue,
    RandomBytes,
    UnitOfWork,
    UnitOfWorkFactory,
)
from microcred.service.records import BulkJobRecord, CatalogueVersion, JobState, Principal

__all__ = [
    "BULK_CHUNK_TASK",
    "BULK_TASK",
    "BulkContext",
    "ChunkOutcome",
    "IssueBatch",
    "fail_bulk_job",
    "job_status",
    "list_bulk_jobs",
    "plan_bulk_job",
    "public_report",
    "read_table",
    "record_chunk",
    "resume_bulk_jobs",
    "row_key",
    "run_bulk_chunk",
    "run_bulk_job",
    "start_bulk_job",
]

BULK_TASK = "microcred.bulk"
"""The queue task that runs a whole job: payload ``{"job_id": ...}``."""
BULK_CHUNK_TASK = "microcred.bulk.chunk"
"""The queue task that runs one chunk: payload ``{"job_id": ..., "chunk": n}``."""

_PRIVATE = ("chunks", "done")
_MAX_REPORTED = 10_000


@dataclass(frozen=True)
class ChunkOutcome:
    """What issuing one chunk did; ``problems`` are rows the issuer refused (``{row, column,
    reason}``), counted as failed."""

    issued: int
    skipped: int
    problems: tuple[Mapping[str, Any], ...] = ()


class IssueBatch(Protocol):
    """:func:`microcred.service.issuing.issue_batch` with its dependencies bound
    (``functools.partial(issue_batch, uow=..., cipher=..., clock=..., rng=..., ...)``)."""

    def __call__(
        self, principal: Principal, *, version_id: str, rows: Sequence[IssueRequest]
    ) -> BatchResult: ...


TableReader = Callable[[bytes], Table]
"""Turns an uploaded file into a :class:`Table` (the XLSX adapter lives in ``microcred.jobs``)."""


@dataclass(frozen=True)
class BulkContext:
    """Everything the bulk use cases need, wired by the composition root."""

    uow: UnitOfWorkFactory
    clock: Clock
    rng: RandomBytes
    issue: IssueBatch
    queue: JobQueue | None = None
    publisher: EventPublisher | None = None
    chunk_size: int = 500
    limits: BulkLimits = field(default_factory=BulkLimits)
    readers: Mapping[str, TableReader] = field(default_factory=dict)
    """Extra readers by lower-case file extension (``{"xlsx": read_xlsx}``); CSV is built in."""
    rows_cache: dict[str, _JobRows] = field(default_factory=dict, compare=False, repr=False)
    """The packed rows of the jobs this process ran last (:func:`_job_rows`)."""


@dataclass(frozen=True)
class _JobRows:
    """What issuing any chunk of a job needs; fixed when the job is created, so a worker reads
    the job's (large) report once, not once per chunk."""

    principal: Principal
    version_id: str
    chunks: tuple[str, ...]


_CACHED_JOBS = 4


# ---- reading ----------------------------------------------------------------------------


def read_table(data: bytes, filename: str, readers: Mapping[str, TableReader]) -> Table:
    """The table of an uploaded file: CSV (default), or a reader chosen by the file extension."""
    if len(data) == 0:
        raise InvalidInputError("the file is empty: expected a header line with at least row_id")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in readers:
        return readers[extension](data)
    if extension in ("xlsx", "xlsm", "xls", "ods"):
        raise InvalidInputError(f".{extension} files are not supported here; export it as CSV")
    return read_csv_table(data)


def row_key(entry_id: str, row_id: str) -> str:
    """The idempotency key of a row: one award per catalogue entry and ``row_id``."""
    return f"{entry_id}:{row_id}"


def _row_dict(row: BulkRow, key: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "row_key": key,
        "line": row.line,
        "learner": learner_to_dict(row.learner),
    }
    if row.grade is not None:
        out["grade"] = row.grade
    if row.valid_until is not None:
        out["valid_until"] = row.valid_until.isoformat()
    evidence = {k: v for k, v in (("id", row.evidence_url), ("narrative", row.evidence_narrative))}
    if any(evidence.values()):
        out["evidence"] = [{k: v for k, v in evidence.items() if v is not None}]
    if row.language is not None:
        out["language"] = row.language
    return out


def _pack(rows: Sequence[Mapping[str, Any]]) -> str:
    raw = json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def _unpack(packed: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(zlib.decompress(base64.b64decode(packed)))
    return rows


def public_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report as shown to users: problems, warnings, counts; without the packed rows."""
    return {k: v for k, v in report.items() if k not in _PRIVATE}


def _public(job: BulkJobRecord) -> BulkJobRecord:
    return replace(job, report=public_report(job.report))


def _source_sha256(version_id: str, data: bytes) -> str:
    return hashlib.sha256(version_id.encode() + b"\n" + data).hexdigest()


# ---- use cases --------------------------------------------------------------------------


def _version(uow: UnitOfWork, principal: Principal, version_id: str) -> CatalogueVersion:
    version = check_owned(
        principal, uow.catalogue.get_version(version_id), "micro-credential version", version_id
    )
    if version.published_at is None:
        raise Conflict(f"version {version_id!r} is not published; publish it before issuing")
    return version


def _new_report(
    batch: ParsedBatch, *, principal: Principal, filename: str, packed: list[str], size: int
) -> dict[str, Any]:
    problems = [p.to_dict() for p in batch.problems[:_MAX_REPORTED]]
    return {
        "filename": filename,
        "actor": principal.actor,
        "valid": len(batch.rows),
        "invalid": batch.invalid_rows,
        "problems": problems,
        "problems_not_listed": max(0, len(batch.problems) - len(problems)),
        "warnings": list(batch.warnings),
        "chunk_size": size,
        "chunks_total": len(packed),
        "chunks_done": 0,
        "error": None,
        "chunks": packed,
        "done": {},
    }


def start_bulk_job(
    principal: Principal, version_id: str, data: bytes, filename: str, *, ctx: BulkContext
) -> BulkJobRecord:
    """Validate every row of ``data``, store the job with its report and enqueue it.

    Raises :class:`InvalidInputError` when the file as a whole is unusable. Re-sending the same
    file for the same version returns the existing job and issues nothing again.
    """
    require_role(principal, "issuer")
    if len(data) > ctx.limits.max_bytes:
        raise InvalidInputError(
            f"the file is {len(data):,} bytes; the limit is {ctx.limits.max_bytes:,} bytes"
        )
    source = _source_sha256(version_id, data)
    with ctx.uow() as uow:
        version = _version(uow, principal, version_id)
        existing = uow.bulk_jobs.by_source(principal.organisation_id, source)
    if existing is not None:
        if existing.state in ("queued", "failed") and ctx.queue is not None:
            ctx.queue.enqueue(BULK_TASK, {"job_id": existing.id})
        return _public(existing)
    batch = validate_table(
        read_table(data, filename, ctx.readers), now=ctx.clock(), limits=ctx.limits
    )
    rows = [_row_dict(r, row_key(version.entry_id, r.row_id)) for r in batch.rows]
    size = max(1, ctx.chunk_size)
    packed = [_pack(rows[i : i + size]) for i in range(0, len(rows), size)]
    job = BulkJobRecord(
        id=new_id(ctx.rng),
        organisation_id=principal.organisation_id,
        version_id=version_id,
        source_sha256=source,
        total=batch.total,
        created_at=ctx.clock(),
        failed=batch.invalid_rows,
        report=_new_report(batch, principal=principal, filename=filename, packed=packed, size=size),
    )
    with ctx.uow() as uow:
        uow.bulk_jobs.add(job)
        record_audit(
            uow,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="bulk.started",
            subject=job.id,
            clock=ctx.clock,
            rng=ctx.rng,
            details={"version_id": version_id, "rows": batch.total, "valid": len(rows)},
        )
        uow.commit()
    if ctx.queue is not None:
        ctx.queue.enqueue(BULK_TASK, {"job_id": job.id})
    return _public(job)


def _load(uow: UnitOfWork, job_id: str) -> BulkJobRecord:
    job = uow.bulk_jobs.get(job_id)
    if job is None:
        raise NotFound(f"bulk job {job_id!r} not found")
    return job


def _pending(job: BulkJobRecord) -> list[int]:
    done = job.report.get("done", {})
    return [n for n in range(int(job.report.get("chunks_total", 0))) if str(n) not in done]


def _remember_rows(job: BulkJobRecord, ctx: BulkContext) -> _JobRows:
    rows = _JobRows(
        principal=Principal(
            organisation_id=job.organisation_id,
            role="issuer",
            actor=str(job.report.get("actor") or f"bulk:{job.id}"),
        ),
        version_id=job.version_id,
        chunks=tuple(job.report["chunks"]),
    )
    if len(ctx.rows_cache) >= _CACHED_JOBS:
        ctx.rows_cache.clear()
    ctx.rows_cache[job.id] = rows
    return rows


def _job_rows(job_id: str, ctx: BulkContext) -> _JobRows:
    """The job's issuer, version and packed chunks, read from the store once per process."""
    cached = ctx.rows_cache.get(job_id)
    if cached is not None:
        return cached
    with ctx.uow() as uow:
        job = _load(uow, job_id)
    return _remember_rows(job, ctx)


def plan_bulk_job(job_id: str, *, ctx: BulkContext) -> list[int]:
    """Mark the job running and return the chunks still to issue (empty when it is finished;
    a job with nothing left is finished here)."""
    with ctx.uow() as uow:
        job = _load(uow, job_id)
        if job.state == "finished":
            return []
        _remember_rows(job, ctx)
        pending = _pending(job)
        report = dict(job.report, error=None)
        uow.bulk_jobs.update(replace(job, state="running", report=report))
        uow.commit()
    if not pending:
        _finish(job_id, ctx=ctx)
    return pending


def _request(row: Mapping[str, Any]) -> IssueRequest:
    return IssueRequest(
        learner=row["learner"],
        grade=row.get("grade"),
        evidence=tuple(row.get("evidence", ())),
        valid_until=datetime.fromisoformat(row["valid_until"]) if "valid_until" in row else None,
        row_key=row["row_key"],
        language=row.get("language"),
    )


def run_bulk_chunk(job_id: str, chunk: int, *, ctx: BulkContext) -> ChunkOutcome:
    """Issue chunk ``chunk`` of the job (idempotent: rows issued before are skipped).

    The chunk is issued in one transaction; should the issuer refuse a row the CSV checks let
    through, the chunk is issued row by row and each refused row is reported as failed.
    """
    job = _job_rows(job_id, ctx)
    principal = job.principal
    if not job.chunks[chunk]:  # done and recorded (its rows dropped): a task run twice
        return ChunkOutcome(0, 0)
    rows = _unpack(job.chunks[chunk])
    try:
        result = ctx.issue(principal, version_id=job.version_id, rows=[_request(r) for r in rows])
        return ChunkOutcome(len(result.issued), len(result.skipped))
    except SpecValidationError:
        pass
    issued = skipped = 0
    problems: list[Mapping[str, Any]] = []
    for row in rows:
        try:
            result = ctx.issue(principal, version_id=job.version_id, rows=[_request(row)])
        except SpecValidationError as exc:
            prefix = f"row {row['row_key']}: "
            reason = "; ".join(p.removeprefix(prefix) for p in exc.problems)
            problems.append({"row": row["line"], "column": None, "reason": reason})
            continue
        issued += len(result.issued)
        skipped += len(result.skipped)
    return ChunkOutcome(issued, skipped, tuple(problems))


def record_chunk(
    job_id: str, chunk: int, outcome: ChunkOutcome, *, ctx: BulkContext
) -> BulkJobRecord:
    """Add the chunk's counts to the job's progress (its own transaction); finish the job when
    every chunk is done. Recording a chunk twice counts it once. The packed rows of a chunk
    done are dropped from the report: it shrinks as the job runs (each progress write rewrites
    it) and a finished job keeps only its counts and problems."""
    with ctx.uow() as uow:
        job = _load(uow, job_id)
        done = dict(job.report.get("done", {}))
        if str(chunk) in done:
            return _public(job)
        done[str(chunk)] = [outcome.issued, outcome.skipped, len(outcome.problems)]
        chunks = list(job.report["chunks"])
        chunks[chunk] = ""
        report = dict(job.report, done=done, chunks_done=len(done), chunks=chunks)
        if outcome.problems:
            problems = [*report["problems"], *outcome.problems]
            report["problems"] = sorted(problems, key=lambda p: int(p["row"]))
        job = replace(
            job,
            issued=job.issued + outcome.issued,
            skipped=job.skipped + outcome.skipped,
            failed=job.failed + len(outcome.problems),
            report=report,
        )
        uow.bulk_jobs.update(job)
        uow.commit()
    if len(done) >= int(job.report.get("chunks_total", 0)):
        return _finish(job_id, ctx=ctx)
    return _public(job)


def _finish(job_id: str, *, ctx: BulkContext, error: str | None = None) -> BulkJobRecord:
    with ctx.uow() as uow:
        job = _load(uow, job_id)
        if job.state == "finished":
            return _public(job)
        state: JobState = "failed" if error else "finished"
        job = replace(
            job,
            state=state,
            finished_at=ctx.clock(),
            report=dict(job.report, error=error),
        )
        uow.bulk_jobs.update(job)
        uow.commit()
    if ctx.publisher is not None:
        data = {
            "job_id": job.id,
            "state": job.state,
            "total": job.total,
            "issued": job.issued,
            "skipped": job.skipped,
            "failed": job.failed,
        }
        publish_events(ctx.publisher, [Event(job.organisation_id, BULK_FINISHED, data)])
    return _public(job)


def fail_bulk_job(job_id: str, error: str, *, ctx: BulkContext) -> BulkJobRecord:
    """Mark the job failed with ``error`` (a queue gave up on a chunk); running it again
    resumes it."""
    return _finish(job_id, ctx=ctx, error=error)


def run_bulk_job(
    job_id: str,
    *,
    ctx: BulkContext,
    stop_after: int | None = None,
    on_progress: Callable[[ChunkOutcome], None] | None = None,
) -> BulkJobRecord:
    """Issue every chunk of the job not done yet, one after the other, recording progress after
    each. A failing chunk marks the job failed (the error is in the report); running the job
    again resumes. ``stop_after`` stops after that many chunks (tests, benchmarks);
    ``on_progress`` hears each chunk's outcome once it is recorded (a progress bar)."""
    pending = plan_bulk_job(job_id, ctx=ctx)
    for count, chunk in enumerate(pending):
        if stop_after is not None and count >= stop_after:
            with ctx.uow() as uow:
                return _public(_load(uow, job_id))
        try:
            outcome = run_bulk_chunk(job_id, chunk, ctx=ctx)
        except Exception as exc:
            return _finish(job_id, ctx=ctx, error=f"chunk {chunk}: {type(exc).__name__}: {exc}")
        record_chunk(job_id, chunk, outcome, ctx=ctx)
        if on_progress is not None:
            on_progress(outcome)
    with ctx.uow() as uow:
        return _public(_load(uow, job_id))


def job_status(principal: Principal, job_id: str, *, ctx: BulkContext) -> BulkJobRecord:
    """The job with its progress and public report (another organisation's job is NotFound)."""
    require_role(principal, "viewer")
    with ctx.uow() as uow:
        return _public(check_owned(principal, uow.bulk_jobs.get(job_id), "bulk job", job_id))


def list_bulk_jobs(
    principal: Principal, *, ctx: BulkContext, limit: int = 50, offset: int = 0
) -> list[BulkJobRecord]:
    """The organisation's bulk jobs with their public reports."""
    require_role(principal, "viewer")
    with ctx.uow() as uow:
        jobs = uow.bulk_jobs.list_for(principal.organisation_id, limit=limit, offset=offset)
    return [_public(j) for j in jobs]


def resume_bulk_jobs(*, ctx: BulkContext) -> list[str]:
    """Enqueue again every job that is queued or was running when the process stopped
    (call at start-up); returns their ids."""
    if ctx.queue is None:
        return []
    ids: list[str] = []
    with ctx.uow() as uow:
        for organisation in uow.organisations.list():
            offset = 0
            while batch := uow.bulk_jobs.list_for(organisation.id, limit=200, offset=offset):
                ids.extend(j.id for j in batch if j.state in ("queued", "running"))
                offset += len(batch)
    for job_id in ids:
        ctx.queue.enqueue(BULK_TASK, {"job_id": job_id})
    return ids
