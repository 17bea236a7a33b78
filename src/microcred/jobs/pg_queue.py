"""The PostgreSQL job queue: procrastinate 3 tasks that several worker processes share.

A bulk job is split into chunk tasks so that workers on one or many machines issue it together:

- ``microcred.bulk`` (``job_id``) plans the job (:func:`~microcred.service.bulk.plan_bulk_job`)
  and defers one ``microcred.bulk.chunk`` task per chunk not done yet;
- ``microcred.bulk.chunk`` (``job_id``, ``chunk``) issues the chunk (idempotent: rows issued
  before are skipped by their row keys) and defers ``microcred.bulk.progress``;
- ``microcred.bulk.progress`` records the chunk's counts. Its procrastinate ``lock`` is the job
  id, so the progress writes of one job never run at the same time, and the last one finishes
  the job and publishes ``bulk.finished``.

A chunk task whose worker died is retried by the periodic ``microcred.retry_stalled`` task
(procrastinate's stalled-job detection through worker heartbeats). The tables are procrastinate's
own schema, created by :func:`setup_schema` (wired into ``microcred db upgrade``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions as procrastinate_errors
from procrastinate.schema import SchemaManager

from microcred.service.bulk import (
    BULK_CHUNK_TASK,
    BULK_TASK,
    BulkContext,
    ChunkOutcome,
    fail_bulk_job,
    plan_bulk_job,
    record_chunk,
    run_bulk_chunk,
)

__all__ = ["BULK_PROGRESS_TASK", "QUEUE", "ProcrastinateQueue", "libpq_url", "setup_schema"]

QUEUE = "microcred"
BULK_PROGRESS_TASK = "microcred.bulk.progress"
CHUNK_ATTEMPTS = 3
_SCHEMA_LOCK_KEY = 0x6D63716A6F6273  # "mcqjobs": one schema set-up at a time
_log = logging.getLogger(__name__)


def libpq_url(database_url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` -> ``postgresql://``)."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme.split("+", 1)[0] not in ("postgresql", "postgres"):
        raise ValueError("the procrastinate queue needs a postgresql:// database URL")
    return f"postgresql://{rest}"


def setup_schema(database_url: str) -> bool:
    """Create procrastinate's tables in the database unless they exist; True when created.
    Safe to run from several processes at once (advisory lock)."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK_KEY,))
        try:
            row = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if row is not None and row[0] is not None:
                return False
            connection.execute(SchemaManager.get_schema())
            return True
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK_KEY,))


class ProcrastinateQueue:
    """A :class:`~microcred.service.ports.JobQueue` on procrastinate (PostgreSQL).

    The web process only enqueues (:meth:`enqueue`); worker processes call :meth:`bind` with
    their use-case context and then :meth:`run_worker`.
    """

    def __init__(self, database_url: str) -> None:
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=libpq_url(database_url))
        )
        self._ctx: BulkContext | None = None
        self._register()

    # ---- the JobQueue port ----------------------------------------------------------------

    def enqueue(self, task: str, payload: Mapping[str, Any]) -> str:
        """Defer ``task`` with ``payload`` as its arguments; returns the procrastinate job id."""
        # The job's own writes (plan, progress) of one job never run at the same time.
        lock = f"bulk:{payload['job_id']}" if task == BULK_TASK else None
        deferrer = self.app.configure_task(task, queue=QUEUE, lock=lock)
        try:
            return str(deferrer.defer(**dict(payload)))
        except procrastinate_errors.AppNotOpen:
            self.app.open()  # first use in this process, or a worker run closed it
            return str(deferrer.defer(**dict(payload)))

    def close(self) -> None:
        """Close the connection pool opened by :meth:`enqueue`."""
        self.app.close()

    # ---- workers --------------------------------------------------------------------------

    def bind(self, ctx: BulkContext) -> None:
        """The use-case context the tasks of this process run with."""
        self._ctx = ctx

    def run_worker(self, *, concurrency: int = 1, wait: bool = True, **options: Any) -> None:
        """Process tasks until stopped (or, with ``wait=False``, until the queue is empty).

        ``concurrency`` > 1 runs that many tasks at once in this process's threads; for CPU-bound
        signing run one worker process per core instead.
        """
        self.app.run_worker(
            queues=[QUEUE],
            concurrency=concurrency,
            wait=wait,
            install_signal_handlers=wait,
            **options,
        )

    def _context(self) -> BulkContext:
        if self._ctx is None:
            raise RuntimeError("ProcrastinateQueue.bind(ctx) must be called before running tasks")
        return self._ctx

    def _register(self) -> None:
        app = self.app

        @app.task(name=BULK_TASK, queue=QUEUE)  # deferred with the job's lock (enqueue)
        def bulk(job_id: str) -> None:
            for chunk in plan_bulk_job(job_id, ctx=self._context()):
                # AlreadyEnqueued: that chunk is already waiting for a worker
                with contextlib.suppress(procrastinate_errors.AlreadyEnqueued):
                    app.configure_task(
                        BULK_CHUNK_TASK, queue=QUEUE, queueing_lock=f"bulk:{job_id}:{chunk}"
                    ).defer(job_id=job_id, chunk=chunk)

        @app.task(
            name=BULK_CHUNK_TASK,
            queue=QUEUE,
            pass_context=True,
            retry=procrastinate.RetryStrategy(max_attempts=CHUNK_ATTEMPTS - 1, wait=2),
        )
        def bulk_chunk(context: procrastinate.JobContext, job_id: str, chunk: int) -> None:
            ctx = self._context()
            try:
                outcome = run_bulk_chunk(job_id, chunk, ctx=ctx)
            except Exception as exc:
                if context.job.attempts + 1 >= CHUNK_ATTEMPTS:
                    fail_bulk_job(job_id, f"chunk {chunk}: {type(exc).__name__}: {exc}", ctx=ctx)
                raise
            app.configure_task(BULK_PROGRESS_TASK, queue=QUEUE, lock=f"bulk:{job_id}").defer(
                job_id=job_id,
                chunk=chunk,
                issued=outcome.issued,
                skipped=outcome.skipped,
                problems=[dict(p) for p in outcome.problems],
            )

        @app.task(name=BULK_PROGRESS_TASK, queue=QUEUE)
        def bulk_progress(
            job_id: str, chunk: int, issued: int, skipped: int, problems: list[dict[str, Any]]
        ) -> None:
            outcome = ChunkOutcome(issued, skipped, tuple(problems))
            record_chunk(job_id, chunk, outcome, ctx=self._context())

        @app.periodic(cron="* * * * *", periodic_id="microcred.retry_stalled")
        @app.task(name="microcred.retry_stalled", queue=QUEUE, queueing_lock="retry_stalled")
        async def retry_stalled(timestamp: int) -> None:
            for job in await app.job_manager.get_stalled_jobs():
                _log.warning("retrying stalled task %s (%s)", job.id, job.task_name)
                await app.job_manager.retry_job(job)

        del bulk, bulk_chunk, bulk_progress, retry_stalled
