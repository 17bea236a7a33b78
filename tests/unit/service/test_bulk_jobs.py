"""Bulk jobs: validation first, idempotency, resumability, progress, queues, permissions.

Runs the use cases on small in-memory fakes (a transactional store of bulk jobs and catalogue
versions, and an issuer that keeps awards by row key the way ``issue_batch`` does).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

import pytest

from microcred.errors import InvalidInputError, SpecValidationError
from microcred.jobs.inprocess import InProcessQueue, bulk_handlers
from microcred.service.bulk import (
    BULK_TASK,
    BulkContext,
    ChunkOutcome,
    job_status,
    list_bulk_jobs,
    plan_bulk_job,
    resume_bulk_jobs,
    row_key,
    run_bulk_chunk,
    run_bulk_job,
    start_bulk_job,
)
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.issuing import BatchResult, IssueRequest
from microcred.service.records import (
    AuditEvent,
    AwardRecord,
    BulkJobRecord,
    CatalogueVersion,
    Organisation,
    Principal,
    StatusRef,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ORG, OTHER = "org-1", "org-2"
ENTRY, VERSION, DRAFT = "entry-1", "version-1", "version-draft"
ISSUER = Principal(ORG, "issuer", "api-key:k1")


# ---- fakes ------------------------------------------------------------------------------


@dataclass
class _State:
    jobs: dict[str, BulkJobRecord] = field(default_factory=dict)
    versions: dict[str, CatalogueVersion] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    commits: int = 0


class _Repo:
    def __init__(self, uow: _Uow) -> None:
        self.uow = uow


class _Jobs(_Repo):
    def add(self, job: BulkJobRecord) -> None:
        self.uow.pending.append(lambda s: s.jobs.__setitem__(job.id, job))

    def update(self, job: BulkJobRecord) -> None:
        self.add(job)

    def get(self, job_id: str) -> BulkJobRecord | None:
        return self.uow.state.jobs.get(job_id)

    def by_source(self, organisation_id: str, source_sha256: str) -> BulkJobRecord | None:
        return next(
            (
                j
                for j in self.uow.state.jobs.values()
                if (j.organisation_id, j.source_sha256) == (organisation_id, source_sha256)
            ),
            None,
        )

    def list_for(self, organisation_id: str, *, limit: int, offset: int) -> list[BulkJobRecord]:
        jobs = [j for j in self.uow.state.jobs.values() if j.organisation_id == organisation_id]
        return jobs[offset : offset + limit]


class _Catalogue(_Repo):
    def get_version(self, version_id: str) -> CatalogueVersion | None:
        return self.uow.state.versions.get(version_id)


class _Audit(_Repo):
    def record(self, event: AuditEvent) -> None:
        self.uow.pending.append(lambda s: s.audit.append(event))


class _Organisations(_Repo):
    def list(self) -> list[Organisation]:
        return list(self.uow.state.organisations)


class _Uow:
    def __init__(self, state: _State) -> None:
        self.state = state
        self.pending: list[Any] = []
        self.bulk_jobs = _Jobs(self)
        self.catalogue = _Catalogue(self)
        self.audit = _Audit(self)
        self.organisations = _Organisations(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pending.clear()

    def commit(self) -> None:
        for apply in self.pending:
            apply(self.state)
        self.pending.clear()
        self.state.commits += 1


class CrashError(Exception):
    """The process dies here."""


@dataclass
class FakeIssuer:
    """Keeps one award per row key like issue_batch: all rows of a call or none."""

    awards: dict[str, AwardRecord] = field(default_factory=dict)
    calls: int = 0
    crash_on_call: int | None = None
    crash_after_commit: bool = False
    refuse_domain: str = "@refused.example"

    def __call__(
        self, principal: Principal, *, version_id: str, rows: Sequence[IssueRequest]
    ) -> BatchResult:
        self.calls += 1
        if self.calls == self.crash_on_call and not self.crash_after_commit:
            raise CrashError("killed before the chunk was issued")
        refused = [r for r in rows if str(r.learner.get("email", "")).endswith(self.refuse_domain)]
        if refused:
            raise SpecValidationError([f"row {r.row_key}: learner: refused" for r in refused])
        issued, skipped = [], []
        for row in rows:
            assert row.row_key is not None
            if row.row_key in self.awards:
                skipped.append(row.row_key)
                continue
            award = AwardRecord(
                id=row.row_key,
                organisation_id=principal.organisation_id,
                credential_id=f"urn:uuid:{len(self.awards)}",
                version_id=version_id,
                learner=dict(row.learner),
                credential="{}",
                suite="eddsa-rdfc-2022",
                issued_at=T0,
                revocation=StatusRef("list", len(self.awards)),
                suspension=None,
                valid_until=row.valid_until,
                row_key=row.row_key,
            )
            self.awards[row.row_key] = award
            issued.append(award)
        if self.calls == self.crash_on_call:
            raise CrashError("killed after the chunk was issued, before progress was recorded")
        return BatchResult(issued, skipped)


@dataclass
class FakeQueue:
    enqueued: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def enqueue(self, task: str, payload: Mapping[str, Any]) -> str:
        self.enqueued.append((task, dict(payload)))
        return str(len(self.enqueued))


@dataclass
class FakePublisher:
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None:
        self.events.append((organisation_id, event, dict(data)))


@dataclass
class World:
    state: _State
    issuer: FakeIssuer
    queue: FakeQueue
    publisher: FakePublisher
    ctx: BulkContext


def _version(version_id: str, *, published: bool) -> CatalogueVersion:
    return CatalogueVersion(
        id=version_id,
        entry_id=ENTRY,
        organisation_id=ORG,
        version=1,
        description={},
        created_at=T0,
        published_at=T0 if published else None,
    )


@pytest.fixture
def world() -> World:
    state = _State()
    state.versions[VERSION] = _version(VERSION, published=True)
    state.versions[DRAFT] = _version(DRAFT, published=False)
    state.organisations.append(Organisation(ORG, "org", "Org", "BE", T0))
    counter = itertools.count()
    issuer, queue, publisher = FakeIssuer(), FakeQueue(), FakePublisher()
    ctx = BulkContext(
        uow=lambda: _Uow(state),  # type: ignore[arg-type,return-value]
        clock=lambda: T0,
        rng=lambda n: next(counter).to_bytes(n, "big"),
        issue=issuer,
        queue=queue,
        publisher=publisher,
        chunk_size=2,
    )
    return World(state, issuer, queue, publisher, ctx)


def _csv(*rows: str) -> bytes:
    return ("row_id,name,email,valid_until\n" + "".join(f"{r}\n" for r in rows)).encode()


FIVE = _csv(*(f"r{i},Learner {i},l{i}@example.org,2030-01-01" for i in range(1, 6)))


# ---- tests ------------------------------------------------------------------------------


def test_start_validates_everything_stores_the_report_and_enqueues(world: World) -> None:
    data = _csv("a,Ada,ada@example.org,", "b,Bad,not-mail,", "c,Cy,cy@example.org,1999-01-01")
    job = start_bulk_job(ISSUER, VERSION, data, "cohort.csv", ctx=world.ctx)
    assert (job.state, job.total, job.issued, job.failed) == ("queued", 3, 0, 2)
    assert job.report["problems"] == [
        {"row": 3, "column": "email", "reason": "e-mail 'not-mail' is not a valid address"},
        {"row": 4, "column": "valid_until", "reason": "'1999-01-01' is not in the future"},
    ]
    assert job.report["valid"] == 1 and job.report["filename"] == "cohort.csv"
    assert "chunks" not in job.report  # the packed rows stay private
    assert world.queue.enqueued == [(BULK_TASK, {"job_id": job.id})]
    assert world.issuer.calls == 0  # nothing issued before the queue runs it
    assert [e.action for e in world.state.audit] == ["bulk.started"]


def test_run_issues_in_chunks_with_progress_and_publishes_bulk_finished(world: World) -> None:
    job = start_bulk_job(ISSUER, VERSION, FIVE, "five.csv", ctx=world.ctx)
    commits = world.state.commits
    done = run_bulk_job(job.id, ctx=world.ctx)
    assert (done.state, done.issued, done.skipped, done.failed, done.total) == (
        "finished",
        5,
        0,
        0,
        5,
    )
    assert done.finished_at == T0 and done.report["chunks_done"] == 3
    assert world.issuer.calls == 3  # chunks of 2, 2, 1
    # running + one progress commit per chunk + finished
    assert world.state.commits - commits == 1 + 3 + 1
    assert sorted(world.issuer.awards) == [row_key(ENTRY, f"r{i}") for i in range(1, 6)]
    award = world.issuer.awards[row_key(ENTRY, "r1")]
    assert award.learner == {"name": "Learner 1", "email": "l1@example.org"}
    assert award.valid_until == datetime(2030, 1, 1, 23, 59, 59, tzinfo=UTC)
    assert world.publisher.events == [
        (
            ORG,
            "bulk.finished",
            {
                "job_id": job.id,
                "state": "finished",
                "total": 5,
                "issued": 5,
                "skipped": 0,
                "failed": 0,
            },
        ),
    ]
    assert job_status(ISSUER, job.id, ctx=world.ctx) == done
    assert run_bulk_job(job.id, ctx=world.ctx) == done  # a finished job stays finished
    assert world.issuer.calls == 3 and len(world.publisher.events) == 1


def test_the_same_file_twice_returns_the_same_job_and_issues_nothing_twice(world: World) -> None:
    first = start_bulk_job(ISSUER, VERSION, FIVE, "five.csv", ctx=world.ctx)
    run_bulk_job(first.id, ctx=world.ctx)
    again = start_bulk_job(ISSUER, VERSION, FIVE, "five-again.csv", ctx=world.ctx)
    assert again.id == first.id and again.state == "finished"
    assert len(world.state.jobs) == 1 and len(world.issuer.awards) == 5
    assert len(world.queue.enqueued) == 1  # a finished job is not queued again


def test_the_same_rows_in_a_new_file_are_skipped_by_row_id(world: World) -> None:
    first = start_bulk_job(ISSUER, VERSION, FIVE, "five.csv", ctx=world.ctx)
    run_bulk_job(first.id, ctx=world.ctx)
    bigger = FIVE + b"r6,Learner 6,l6@example.org,\n"
    second = start_bulk_job(ISSUER, VERSION, bigger, "six.csv", ctx=world.ctx)
    assert second.id != first.id
    done = run_bulk_job(second.id, ctx=world.ctx)
    assert (done.issued, done.skipped, done.total) == (1, 5, 6)
    assert len(world.issuer.awards) == 6


def test_stopping_after_the_first_chunk_and_running_again_completes_once(world: World) -> None:
    job = start_bulk_job(ISSUER, VERSION, FIVE, "five.csv", ctx=world.ctx)
    part = run_bulk_job(job.id, ctx=world.ctx, stop_after=1)
    assert (part.state, part.issued, part.report["chunks_done"]) == ("running", 2, 1)
    assert job_status(ISSUER, job.id, ctx=world.ctx).issued == 2  # progress is visible
    done = run_bulk_job(job.id, ctx=world.ctx)
    assert (done.state, done.issued, done.skipped) == ("finished", 5, 0)
    assert world.issuer.calls == 3 and len(world.issuer.awards) == 5


@pytest.mark.parametrize("after_commit", [False, True])
def test_a_crash_mid_job_resumes_without_duplicates(world: World, after_commit: bool) -> None:
    world.issuer.crash_on_call, world.issuer.crash_after_commit = 2, after_commit
    job = start_bulk_job(ISSUER, VERSION, FIVE, "five.csv", ctx=world.ctx)
    failed = run_bulk_job(job.id, ctx=world.ctx)
    assert failed.state == "failed" and failed.report["error"].startswith("chunk 1: CrashError")
    assert failed.issued == 2
    assert len(world.issuer.awards) == (4 if after_commit else 2)
    done = run_bulk_job(job.id, ctx=world.ctx)
    assert done.state == "finished" and done.report["error"] is None
    assert sorted(world.issuer.awards) == [row_key(ENTRY, f"r{i}") for i in range(1, 6)]
    # the chunk that was issued before the crash is counted as skipped the second time
    assert (done.issued, done.skipped) == ((3, 2) if after_commit else (5, 0))
    assert [e[2]["state"] for e in world.publisher.events] == ["failed", "finished"]


def test_rows_the_issuer_refuses_fail_alone_and_the_rest_of_the_chunk_is_issued(
    world: World,
) -> None:
    data = _csv("a,Ada,ada@example.org,", "b,Bob,bob@refused.example,", "c,Cy,cy@example.org,")
    job = start_bulk_job(ISSUER, VERSION, data, "x.csv", ctx=world.ctx)
    done = run_bulk_job(job.id, ctx=world.ctx)
    assert (done.state, done.issued, done.failed) == ("finished", 2, 1)
    assert done.report["problems"] == [{"row": 3, "column": None, "reason": "learner: refused"}]


def test_file_errors_store_no_job(world: World) -> None:
    with pytest.raises(InvalidInputError, match="missing required column"):
        start_bulk_job(ISSUER, VERSION, b"name,email\nAda,a@example.org\n", "x.csv", ctx=world.ctx)
    with pytest.raises(InvalidInputError, match="export it as CSV"):
        start_bulk_job(ISSUER, VERSION, b"PK\x03\x04", "x.xlsx", ctx=world.ctx)
    assert world.state.jobs == {} and world.queue.enqueued == []


def test_an_all_invalid_file_finishes_at_once_with_everything_failed(world: World) -> None:
    job = start_bulk_job(ISSUER, VERSION, _csv("a,Ada,nope,"), "x.csv", ctx=world.ctx)
    done = run_bulk_job(job.id, ctx=world.ctx)
    assert (done.state, done.issued, done.failed, world.issuer.calls) == ("finished", 0, 1, 0)


def test_permissions_and_tenancy(world: World) -> None:
    viewer = Principal(ORG, "viewer", "api-key:v")
    with pytest.raises(PermissionDenied):
        start_bulk_job(viewer, VERSION, FIVE, "x.csv", ctx=world.ctx)
    with pytest.raises(NotFound):
        start_bulk_job(Principal(OTHER, "owner", "o"), VERSION, FIVE, "x.csv", ctx=world.ctx)
    with pytest.raises(Conflict, match="not published"):
        start_bulk_job(ISSUER, DRAFT, FIVE, "x.csv", ctx=world.ctx)
    job = start_bulk_job(ISSUER, VERSION, FIVE, "x.csv", ctx=world.ctx)
    assert job_status(viewer, job.id, ctx=world.ctx).id == job.id
    assert [j.id for j in list_bulk_jobs(viewer, ctx=world.ctx)] == [job.id]
    with pytest.raises(NotFound):
        job_status(Principal(OTHER, "owner", "o"), job.id, ctx=world.ctx)


def test_resume_enqueues_queued_and_running_jobs(world: World) -> None:
    queued = start_bulk_job(ISSUER, VERSION, FIVE, "a.csv", ctx=world.ctx)
    running = start_bulk_job(
        ISSUER, VERSION, FIVE + b"r9,N,n@example.org,\n", "b.csv", ctx=world.ctx
    )
    run_bulk_job(running.id, ctx=world.ctx, stop_after=1)
    finished = start_bulk_job(ISSUER, VERSION, _csv("z,Z,z@example.org,"), "c.csv", ctx=world.ctx)
    run_bulk_job(finished.id, ctx=world.ctx)
    world.queue.enqueued.clear()
    assert sorted(resume_bulk_jobs(ctx=world.ctx)) == sorted([queued.id, running.id])
    assert len(world.queue.enqueued) == 2


def test_in_process_queue_runs_the_job_on_its_worker_thread(world: World) -> None:
    queue = InProcessQueue()
    ctx = replace(world.ctx, queue=queue)
    for task, handler in bulk_handlers(ctx).items():
        queue.register(task, handler)
    try:
        job = start_bulk_job(ISSUER, VERSION, FIVE, "five.csv", ctx=ctx)
        queue.join()
        done = job_status(ISSUER, job.id, ctx=ctx)
        assert (done.state, done.issued) == ("finished", 5)
    finally:
        queue.close()
    with pytest.raises(LookupError):
        InProcessQueue().enqueue("unknown", {})


def test_dates_in_the_past_relative_to_the_clock_are_rejected(world: World) -> None:
    ctx = replace(world.ctx, clock=lambda: T0 + timedelta(days=365 * 10))
    job = start_bulk_job(ISSUER, VERSION, FIVE, "five.csv", ctx=ctx)
    assert job.failed == 5 and {p["column"] for p in job.report["problems"]} == {"valid_until"}


def test_with_the_real_issuer_the_awards_verify_and_carry_their_row_keys() -> None:
    from service_support import Env

    from microcred.service import issuing

    env = Env()
    _, principal = env.organisation(role="issuer")
    version = env.published(principal)
    ctx = BulkContext(
        uow=env.uow, clock=env.clock, rng=env.rng,
        issue=functools.partial(issuing.issue_batch, **env.issues),
        publisher=env.publisher, chunk_size=2,
    )  # fmt: skip
    data = _csv("a,Ada,ada@example.org,2031-01-01", "b,Bo,bo@example.org,", "c,Cy,bad,")
    job = start_bulk_job(principal, version.id, data, "three.csv", ctx=ctx)
    done = run_bulk_job(job.id, ctx=ctx)
    assert (done.state, done.issued, done.failed) == ("finished", 2, 1)
    with env.uow() as uow:
        awards = uow.awards.list_for(principal.organisation_id, text=None, limit=10, offset=0)
    assert sorted(a.row_key or "" for a in awards) == [
        row_key(version.entry_id, "a"),
        row_key(version.entry_id, "b"),
    ]
    for award in awards:
        assert env.verify(award).verified
    assert run_bulk_job(job.id, ctx=ctx).issued == 2  # nothing more on a re-run


def test_a_worker_reads_the_packed_rows_once_not_once_per_chunk(world: World) -> None:
    job = start_bulk_job(ISSUER, VERSION, FIVE, "f.csv", ctx=world.ctx)
    reads: list[str] = []
    get = _Jobs.get

    def counting_get(self: _Jobs, job_id: str) -> BulkJobRecord | None:
        reads.append(job_id)
        return get(self, job_id)

    _Jobs.get = counting_get  # type: ignore[method-assign]
    try:
        pending = plan_bulk_job(job.id, ctx=world.ctx)
        plan_reads = len(reads)
        outcomes = [run_bulk_chunk(job.id, chunk, ctx=world.ctx) for chunk in pending]
        assert len(reads) == plan_reads  # the chunks came from what the plan read
        # another worker process (a fresh context) reads the job once, then uses its copy
        other = replace(world.ctx, rows_cache={})
        assert run_bulk_chunk(job.id, pending[0], ctx=other) == ChunkOutcome(0, 2)
        assert run_bulk_chunk(job.id, pending[1], ctx=other) == ChunkOutcome(0, 2)
        assert len(reads) == plan_reads + 1
    finally:
        _Jobs.get = get  # type: ignore[method-assign]
    assert [o.issued for o in outcomes] == [2, 2, 1]


def test_a_finished_job_keeps_counts_not_rows_and_a_chunk_run_again_does_nothing(
    world: World,
) -> None:
    job = start_bulk_job(ISSUER, VERSION, FIVE, "f.csv", ctx=world.ctx)
    assert all(world.state.jobs[job.id].report["chunks"])
    assert run_bulk_job(job.id, ctx=world.ctx).state == "finished"
    stored = world.state.jobs[job.id]
    assert stored.report["chunks"] == ["", "", ""]
    assert stored.report["done"] == {"0": [2, 0, 0], "1": [2, 0, 0], "2": [1, 0, 0]}
    fresh = replace(world.ctx, rows_cache={})  # a worker that reads the finished job
    assert run_bulk_chunk(job.id, 1, ctx=fresh) == ChunkOutcome(0, 0)
    assert (stored.issued, stored.skipped, world.issuer.calls) == (5, 0, 3)
