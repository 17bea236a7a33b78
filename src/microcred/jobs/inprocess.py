"""The in-process job queue: one worker thread inside the server process (the SQLite default).

Tasks run one after another in enqueue order. Nothing is persisted here: a job that was queued or
running when the process stopped is enqueued again at start-up by
:func:`microcred.service.bulk.resume_bulk_jobs` (its progress lives in the database).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable, Mapping
from typing import Any

from microcred.service.bulk import BULK_TASK, BulkContext, run_bulk_job

__all__ = ["Handler", "InProcessQueue", "bulk_handlers"]

Handler = Callable[[Mapping[str, Any]], object]
"""Runs one task from its payload."""

_log = logging.getLogger(__name__)
_STOP = object()


def bulk_handlers(ctx: BulkContext) -> dict[str, Handler]:
    """The handlers of the bulk issuance tasks, bound to ``ctx``."""
    return {BULK_TASK: lambda payload: run_bulk_job(str(payload["job_id"]), ctx=ctx)}


class InProcessQueue:
    """A :class:`~microcred.service.ports.JobQueue` served by one daemon worker thread."""

    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self._handlers: dict[str, Handler] = dict(handlers or {})
        self._queue: queue.Queue[Any] = queue.Queue()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def register(self, task: str, handler: Handler) -> None:
        """Run ``handler`` for ``task`` (the composition root wires this after building the
        use-case context, which itself holds this queue)."""
        self._handlers[task] = handler

    def enqueue(self, task: str, payload: Mapping[str, Any]) -> str:
        """Queue ``task``; returns its id (``inprocess-<n>``)."""
        if task not in self._handlers:
            raise LookupError(f"no handler registered for task {task!r}")
        job_id = f"inprocess-{next(self._ids)}"
        self._queue.put((job_id, task, dict(payload)))
        self._start()
        return job_id

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="microcred-jobs", daemon=True
                )
                self._thread.start()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                job_id, task, payload = item
                try:
                    self._handlers[task](payload)
                except Exception:
                    _log.exception("task %s (%s) failed", task, job_id)
            finally:
                self._queue.task_done()

    def join(self) -> None:
        """Wait until every queued task has run (tests, orderly shutdown)."""
        self._queue.join()

    def close(self) -> None:
        """Finish the queued tasks, then stop the worker thread."""
        with self._lock:
            thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(_STOP)
            thread.join()
