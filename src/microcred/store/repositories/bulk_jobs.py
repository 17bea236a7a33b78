"""Bulk issuance jobs and their per-row reports <-> the ``bulk_jobs`` table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from microcred.service.records import BulkJobRecord
from microcred.store.engine import lock_for_write
from microcred.store.repositories.toast import prefer_lz4
from microcred.store.tables import bulk_jobs


def _values(job: BulkJobRecord) -> dict[str, Any]:
    return {
        "state": job.state,
        "issued": job.issued,
        "skipped": job.skipped,
        "failed": job.failed,
        "report": dict(job.report),
        "finished_at": job.finished_at,
    }


def _record(m: RowMapping) -> BulkJobRecord:
    return BulkJobRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        version_id=m["version_id"],
        source_sha256=m["source_sha256"],
        total=m["total"],
        created_at=m["created_at"],
        state=m["state"],
        issued=m["issued"],
        skipped=m["skipped"],
        failed=m["failed"],
        report=m["report"],
        finished_at=m["finished_at"],
    )


class SqlBulkJobRepository:
    """:class:`microcred.service.ports.BulkJobRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, job: BulkJobRecord) -> None:
        prefer_lz4(self._c)
        self._c.execute(
            insert(bulk_jobs).values(
                id=job.id,
                organisation_id=job.organisation_id,
                version_id=job.version_id,
                source_sha256=job.source_sha256,
                total=job.total,
                created_at=job.created_at,
                **_values(job),
            )
        )

    def get(self, job_id: str) -> BulkJobRecord | None:
        """The job, its row locked until the unit of work ends (``SELECT ... FOR UPDATE``; the
        write lock on SQLite), so workers that read, add their progress and :meth:`update`
        never overwrite each other's counts."""
        lock_for_write(self._c)
        row = self._c.execute(
            select(bulk_jobs).where(bulk_jobs.c.id == job_id).with_for_update()
        ).first()
        return _record(row._mapping) if row else None

    def by_source(self, organisation_id: str, source_sha256: str) -> BulkJobRecord | None:
        """The newest job of the organisation for this source file."""
        row = self._c.execute(
            select(bulk_jobs)
            .where(
                bulk_jobs.c.organisation_id == organisation_id,
                bulk_jobs.c.source_sha256 == source_sha256,
            )
            .order_by(bulk_jobs.c.created_at.desc(), bulk_jobs.c.id.desc())
            .limit(1)
        ).first()
        return _record(row._mapping) if row else None

    def update(self, job: BulkJobRecord) -> None:
        """Store the job's progress: state, counts, report, finish time (the report holds the
        packed rows, about 15 bytes per row: lz4 on PostgreSQL, which gives up on them fast)."""
        prefer_lz4(self._c)
        self._c.execute(update(bulk_jobs).where(bulk_jobs.c.id == job.id).values(**_values(job)))

    def list_for(self, organisation_id: str, *, limit: int, offset: int) -> list[BulkJobRecord]:
        rows = self._c.execute(
            select(bulk_jobs)
            .where(bulk_jobs.c.organisation_id == organisation_id)
            .order_by(bulk_jobs.c.created_at.desc(), bulk_jobs.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_record(row._mapping) for row in rows]
