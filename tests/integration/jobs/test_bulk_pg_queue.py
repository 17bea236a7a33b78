"""Bulk jobs on the procrastinate queue (PostgreSQL), through the real store and issuer.

One worker in this process runs a job to the end; then two worker processes share a job chunk
by chunk; re-running a finished job's tasks issues nothing twice.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from microcred.jobs.pg_queue import ProcrastinateQueue, libpq_url, setup_schema
from microcred.service import api_keys, catalogue, organisations
from microcred.service.bulk import BULK_TASK, BulkContext, job_status, start_bulk_job
from microcred.service.issuing import issue_batch
from microcred.service.records import Principal
from microcred.store.cipher import AesGcmCipher
from microcred.store.engine import make_engine, upgrade
from microcred.store.unit_of_work import SqlUnitOfWork

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]
DESCRIPTION = (ROOT / "tests" / "vectors" / "service" / "data-protection-by-design.yaml").read_text(
    encoding="utf-8"
)
MASTER_KEY = bytes(range(32))


class _Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, organisation_id: str, event: str, data: Any) -> None:
        self.events.append((organisation_id, event, dict(data)))


def _clock() -> datetime:
    return datetime.now(UTC)


def make_ctx(url: str, queue: Any, publisher: Any = None) -> BulkContext:
    """The bulk use cases on the real store (what bootstrap wires)."""
    uow = functools.partial(SqlUnitOfWork, make_engine(url), status_list_length=1024)
    publisher = publisher or _Recorder()
    issue = functools.partial(
        issue_batch, uow=uow, cipher=AesGcmCipher(MASTER_KEY), clock=_clock, rng=os.urandom,
        publisher=publisher, base_url=None,
    )  # fmt: skip
    return BulkContext(
        uow=uow, clock=_clock, rng=os.urandom, issue=issue, queue=queue, publisher=publisher,
        chunk_size=5,
    )  # fmt: skip


WORKER = """
import sys
sys.path[:0] = [{src!r}, {here!r}]
from test_bulk_pg_queue import make_ctx
import microcred.jobs.pg_queue as pg_queue

run_bulk_chunk = pg_queue.run_bulk_chunk
def logged(job_id, chunk, *, ctx):  # note which worker ran which chunk
    with open({log!r}, "a") as log:
        log.write(f"{{sys.argv[1]}} {{chunk}}\\n")
    return run_bulk_chunk(job_id, chunk, ctx=ctx)
pg_queue.run_bulk_chunk = logged
queue = pg_queue.ProcrastinateQueue({url!r})
queue.bind(make_ctx({url!r}, queue))
queue.run_worker(concurrency=1, wait=True, name=sys.argv[1])
"""


@pytest.fixture(scope="module")
def db(postgresql_url: str) -> str:
    upgrade(postgresql_url)
    assert setup_schema(postgresql_url) is True
    assert setup_schema(postgresql_url) is False  # idempotent
    return postgresql_url


@pytest.fixture(scope="module")
def issuer(db: str) -> tuple[Principal, str]:
    uow = functools.partial(SqlUnitOfWork, make_engine(db), status_list_length=1024)
    writes: dict[str, Any] = {"uow": uow, "clock": _clock, "rng": os.urandom}
    _, secret = organisations.create_organisation(
        name="Queue University", country="IE", url="https://q.example",
        cipher=AesGcmCipher(MASTER_KEY), **writes,
    )  # fmt: skip
    principal = api_keys.authenticate(secret, uow=uow)
    _, version = catalogue.create_entry(principal, description=DESCRIPTION, **writes)
    catalogue.publish_version(principal, version.id, **writes)
    return principal, version.id


@pytest.fixture
def queue(db: str) -> Iterator[ProcrastinateQueue]:
    queue = ProcrastinateQueue(db)
    yield queue
    queue.close()


def _csv(prefix: str, n: int) -> bytes:
    rows = "".join(f"{prefix}{i},Learner {i},l{i}@example.org\n" for i in range(n))
    return f"row_id,name,email\n{rows}".encode()


def _sql(db: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(libpq_url(db)) as c:
        return c.execute(query).fetchall()  # type: ignore[arg-type]


def _award_count(db: str) -> int:
    with psycopg.connect(libpq_url(db)) as c:
        row = c.execute("SELECT count(*), count(DISTINCT row_key) FROM awards").fetchone()
    assert row is not None and row[0] == row[1]
    return int(row[0])


def test_one_worker_runs_a_job_in_chunk_tasks(
    db: str, issuer: tuple[Principal, str], queue: ProcrastinateQueue
) -> None:
    principal, version_id = issuer
    publisher = _Recorder()
    ctx = make_ctx(db, queue, publisher)
    queue.bind(ctx)
    before = _award_count(db)
    data = _csv("one-", 12) + b"bad,Bad,not-an-email\n"
    job = start_bulk_job(principal, version_id, data, "one.csv", ctx=ctx)
    assert (job.state, job.total, job.failed) == ("queued", 13, 1)
    queue.run_worker(wait=False)
    done = job_status(principal, job.id, ctx=ctx)
    assert (done.state, done.issued, done.skipped, done.failed) == ("finished", 12, 0, 1)
    assert done.report["chunks_done"] == 3
    assert _award_count(db) == before + 12
    names = [r[0] for r in _sql(db, "SELECT task_name FROM procrastinate_jobs")]
    assert names.count("microcred.bulk.chunk") == 3 and names.count("microcred.bulk.progress") == 3
    assert [e[1:] for e in publisher.events if e[1] == "bulk.finished"] == [
        ("bulk.finished", {"job_id": job.id, "state": "finished", "total": 13, "issued": 12,
                           "skipped": 0, "failed": 1}),
    ]  # fmt: skip

    # the whole job again, e.g. after a crash was suspected: nothing new is issued
    queue.enqueue(BULK_TASK, {"job_id": job.id})
    queue.run_worker(wait=False)
    assert _award_count(db) == before + 12
    # the same rows in a new file: every row is skipped by its row key
    again = start_bulk_job(principal, version_id, _csv("one-", 12), "again.csv", ctx=ctx)
    queue.run_worker(wait=False)
    final = job_status(principal, again.id, ctx=ctx)
    assert (final.state, final.issued, final.skipped) == ("finished", 0, 12)
    assert _award_count(db) == before + 12


def test_two_worker_processes_share_a_job(
    db: str, issuer: tuple[Principal, str], queue: ProcrastinateQueue, tmp_path: Path
) -> None:
    principal, version_id = issuer
    ctx = make_ctx(db, queue)
    before = _award_count(db)
    here = str(Path(__file__).parent)
    log = tmp_path / "chunks.log"
    code = WORKER.format(src=str(ROOT / "src"), here=here, url=db, log=str(log))
    workers = [
        subprocess.Popen([sys.executable, "-c", code, f"worker-{n}"], cwd=here) for n in range(2)
    ]
    try:
        deadline = time.monotonic() + 240
        while _sql(db, "SELECT count(*) FROM procrastinate_workers")[0][0] < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            assert all(w.poll() is None for w in workers), "a worker died"
            time.sleep(0.1)
        job = start_bulk_job(principal, version_id, _csv("two-", 60), "two.csv", ctx=ctx)
        while job_status(principal, job.id, ctx=ctx).state != "finished":
            assert time.monotonic() < deadline, "the job did not finish in time"
            assert all(w.poll() is None for w in workers), "a worker died"
            time.sleep(0.2)
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(30)
    done = job_status(principal, job.id, ctx=ctx)
    assert (done.issued, done.skipped, done.report["chunks_done"]) == (60, 0, 12)
    assert _award_count(db) == before + 60
    runs = [line.split() for line in log.read_text().splitlines()]
    assert sorted(int(chunk) for _, chunk in runs) == list(range(12))  # each chunk ran once
    assert {worker for worker, _ in runs} == {"worker-0", "worker-1"}
