"""Bulk issuance end to end: CSV -> validated job -> signed, stored awards with status positions.

For each database (a fresh SQLite file; a fresh PostgreSQL database when one is reachable) and
each number of worker processes, this creates an organisation, publishes a micro-credential,
uploads a CSV of N learners through ``start_bulk_job`` and times the job until it is finished,
then checks that exactly N awards with N distinct revocation positions are stored. Prints
credentials per second. Run:

    PYTHONPATH=src .venv/bin/python bench/bench_bulk_issue.py [--n 100000] [--workers 1,2]
        [--chunk-size 500] [--no-postgres] [--postgres postgresql://postgres@127.0.0.1:5432]

Machines are shared and noisy: besides wall-clock rates, the client CPU time per credential is
printed (this process plus its worker processes; the PostgreSQL server's own CPU is not counted).

``--profile K`` instead profiles ``issue_batch`` in this process on K chunks (SQLite) with
cProfile and prints the functions taking most time (see docs/performance.md, "Bulk issuance").

Workers: on SQLite, N processes share the job's chunks (chunk k goes to worker k mod N) and
record progress through ``record_chunk``; on PostgreSQL, N procrastinate worker processes run
the ``microcred.bulk`` task and its chunk tasks (``microcred.jobs.pg_queue``), each running
``--concurrency`` tasks at once in threads (default 1).
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing as mp
import os
import resource
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from microcred.jobs.pg_queue import ProcrastinateQueue, setup_schema  # noqa: E402
from microcred.service import api_keys, catalogue, organisations  # noqa: E402
from microcred.service.bulk import (  # noqa: E402
    BulkContext,
    plan_bulk_job,
    record_chunk,
    run_bulk_chunk,
    run_bulk_job,
    start_bulk_job,
)
from microcred.service.issuing import IssueRequest, issue_batch  # noqa: E402
from microcred.store.cipher import AesGcmCipher  # noqa: E402
from microcred.store.engine import make_engine, upgrade  # noqa: E402
from microcred.store.tables import awards, bulk_jobs  # noqa: E402
from microcred.store.unit_of_work import SqlUnitOfWork  # noqa: E402

DESCRIPTION = (ROOT / "examples" / "data-protection-by-design.yaml").read_text(encoding="utf-8")


class _NoPublisher:
    def publish(self, organisation_id: str, event: str, data: Any) -> None:
        pass


def _clock() -> datetime:
    return datetime.now(UTC)


def make_ctx(url: str, master_key: bytes, chunk_size: int, queue: Any = None) -> BulkContext:
    """The bulk use cases wired to the real store, as the composition root does."""
    engine = make_engine(url)
    uow = functools.partial(SqlUnitOfWork, engine)
    issue = functools.partial(
        issue_batch,
        uow=uow,
        cipher=AesGcmCipher(master_key),
        clock=_clock,
        rng=os.urandom,
        publisher=_NoPublisher(),
        base_url=None,
    )
    return BulkContext(
        uow=uow,
        clock=_clock,
        rng=os.urandom,
        issue=issue,
        queue=queue,
        publisher=_NoPublisher(),
        chunk_size=chunk_size,
    )


def make_csv(n: int) -> bytes:
    lines = ["row_id,given_name,family_name,email,grade"]
    lines += [f"s{i:07d},Learner,Number {i},learner{i}@example.org,{i % 5 + 1}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


@dataclass
class Setup:
    url: str
    master_key: bytes
    principal: Any
    version_id: str


def prepare(url: str) -> Setup:
    upgrade(url)
    master_key = secrets.token_bytes(32)
    engine = make_engine(url)
    uow = functools.partial(SqlUnitOfWork, engine)
    cipher = AesGcmCipher(master_key)
    writes: dict[str, Any] = {"uow": uow, "clock": _clock, "rng": os.urandom}
    _, secret = organisations.create_organisation(
        name="Bench University", country="IE", url="https://bench.example", cipher=cipher, **writes
    )
    principal = api_keys.authenticate(secret, uow=uow)
    _, version = catalogue.create_entry(principal, description=DESCRIPTION, **writes)
    catalogue.publish_version(principal, version.id, **writes)
    engine.dispose()
    return Setup(url, master_key, principal, version.id)


def _sqlite_worker(setup: Setup, job_id: str, index: int, workers: int, size: int) -> None:
    ctx = make_ctx(setup.url, setup.master_key, size)
    for chunk in plan_bulk_job(job_id, ctx=ctx):
        if chunk % workers == index:
            record_chunk(job_id, chunk, run_bulk_chunk(job_id, chunk, ctx=ctx), ctx=ctx)


def _pg_worker(setup: Setup, size: int, concurrency: int) -> None:
    queue = ProcrastinateQueue(setup.url)
    queue.bind(make_ctx(setup.url, setup.master_key, size, queue))
    queue.run_worker(concurrency=concurrency, wait=True)


def check(setup: Setup, n: int) -> str:
    engine = make_engine(setup.url)
    with engine.connect() as c:
        count = c.execute(select(func.count()).select_from(awards)).scalar_one()
        positions = c.execute(
            select(func.count()).select_from(
                select(awards.c.revocation_list_id, awards.c.revocation_index).distinct().subquery()
            )
        ).scalar_one()
    engine.dispose()
    ok = count == n and positions == n
    return f"{count} awards, {positions} distinct revocation positions" + ("" if ok else " WRONG")


def run_case(
    setup: Setup, *, n: int, workers: int, size: int, postgres: bool, concurrency: int = 1
) -> None:
    data = make_csv(n)
    context = mp.get_context("spawn")
    cpu_before = _cpu()
    started = time.perf_counter()
    queue = ProcrastinateQueue(setup.url) if postgres else None
    ctx = make_ctx(setup.url, setup.master_key, size, queue)
    job = start_bulk_job(setup.principal, setup.version_id, data, "bench.csv", ctx=ctx)
    validated = time.perf_counter()
    if postgres:
        procs = [
            context.Process(target=_pg_worker, args=(setup, size, concurrency))
            for _ in range(workers)
        ]
    elif workers == 1:
        procs = []
        run_bulk_job(job.id, ctx=ctx)
    else:
        procs = [
            context.Process(target=_sqlite_worker, args=(setup, job.id, k, workers, size))
            for k in range(workers)
        ]
    for p in procs:
        p.start()
    # Poll two columns, not the job: its report holds every packed row (MBs at 100k rows).
    poll = make_engine(setup.url)
    progress = select(bulk_jobs.c.state, bulk_jobs.c.issued).where(bulk_jobs.c.id == job.id)
    while True:
        try:
            with poll.connect() as connection:
                state = connection.execute(progress).one()
        except OperationalError:  # SQLite: a worker holds the write lock for a whole chunk
            time.sleep(0.05)
            continue
        if state.state in ("finished", "failed") or (
            procs and not any(p.is_alive() for p in procs)
        ):
            break
        time.sleep(0.2)
    finished = time.perf_counter()
    poll.dispose()
    for p in procs:
        if p.pid is not None and p.is_alive():
            os.kill(p.pid, signal.SIGTERM)
        p.join(30)
    if queue is not None:
        queue.close()
    cpu = _cpu() - cpu_before
    issue_s = finished - validated
    print(
        f"  {workers} worker(s): validate+store {validated - started:6.2f} s, issue "
        f"{issue_s:7.2f} s -> {state.issued / issue_s:7.0f} credentials/s "
        f"(end to end {state.issued / (finished - started):7.0f}/s; "
        f"{state.issued / cpu:6.0f} per client CPU-second); job {state.state}, "
        f"issued {state.issued}; {check(setup, n)}",
        flush=True,
    )


def _cpu() -> float:
    """CPU seconds of this process and its finished workers (not the database server's)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _pg_database(server: str) -> str | None:
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as c:
            name = f"microcred_bench_{secrets.token_hex(4)}"
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return f"{server}/{name}"


def _drop(server: str, url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def profile(chunks: int, size: int) -> None:
    """cProfile ``issue_batch`` on ``chunks`` chunks of ``size`` rows (after one warm-up)."""
    import cProfile
    import pstats

    with tempfile.TemporaryDirectory() as tmp:
        setup = prepare(f"sqlite:///{tmp}/profile.db")
        issue = make_ctx(setup.url, setup.master_key, size).issue
        lines = make_csv(size * (chunks + 1)).decode().splitlines()[1:]
        requests = [
            IssueRequest(
                {"given_name": given, "family_name": family, "email": email},
                grade=grade,
                row_key=row_id,
            )
            for row_id, given, family, email, grade in (line.split(",") for line in lines)
        ]
        issue(setup.principal, version_id=setup.version_id, rows=requests[:size])
        profiler = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        profiler.enable()
        for k in range(1, chunks + 1):
            batch = requests[k * size : (k + 1) * size]
            issue(setup.principal, version_id=setup.version_id, rows=batch)
        profiler.disable()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        each = cpu / chunks / size * 1e6
        print(f"{chunks * size} credentials: {wall:.2f} s, {each:.0f} us CPU each (profiled)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="K")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="PostgreSQL: chunk tasks each worker process runs at once (threads), as "
        "`microcred worker --concurrency`",
    )
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.chunk_size)
        return
    counts = [int(w) for w in args.workers.split(",")]
    print(f"bulk issuance of {args.n:,} awards, chunks of {args.chunk_size}, {os.cpu_count()} CPUs")
    if not args.no_sqlite:
        print("SQLite (file, WAL)")
        for workers in counts:
            with tempfile.TemporaryDirectory() as tmp:
                setup = prepare(f"sqlite:///{tmp}/bench.db")
                run_case(setup, n=args.n, workers=workers, size=args.chunk_size, postgres=False)
    if not args.no_postgres:
        for workers in counts:
            url = _pg_database(args.postgres)
            if url is None:
                print(f"PostgreSQL not reachable at {args.postgres}: skipped")
                break
            if workers == counts[0]:
                print(f"PostgreSQL (procrastinate workers, {args.concurrency} task(s) at once)")
            try:
                setup = prepare(url)
                setup_schema(url)
                run_case(
                    setup,
                    n=args.n,
                    workers=workers,
                    size=args.chunk_size,
                    postgres=True,
                    concurrency=args.concurrency,
                )
            finally:
                _drop(args.postgres, url)


if __name__ == "__main__":
    main()
