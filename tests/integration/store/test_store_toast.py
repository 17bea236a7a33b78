"""Large values of bulk issuance are compressed with lz4 on PostgreSQL (store/repositories/toast)
and read back exactly; SQLite is unaffected."""

from __future__ import annotations

import json
import random
from dataclasses import replace

from sqlalchemy import Engine, text
from store_builders import NOW, committed_org_version_key, new_award, new_id, new_org, new_version

from microcred.service.records import BulkJobRecord
from microcred.store.unit_of_work import SqlUnitOfWork


def _compression(engine: Engine, table: str, column: str, row_id: str) -> str | None:
    with engine.connect() as connection:
        value: str | None = connection.execute(
            text(f"SELECT pg_column_compression({column}) FROM {table} WHERE id = :id"),
            {"id": row_id},
        ).scalar_one()
    return value


def _has_lz4(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                    " WHERE name = 'default_toast_compression'"
                )
            ).scalar()
        )


def test_award_texts_are_stored_exactly_and_lz4_compressed_on_postgresql(engine: Engine) -> None:
    signed = json.dumps({"name": "Zoë ✓", "achievement": ["compressible text"] * 500})
    org, version, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        (position,) = uow.status_lists.reserve(
            org.id, "revocation", 1, rng=random.Random(7).randbytes, key_id=key
        )
        award = new_award(version, position, None, credential=signed)
        uow.awards.add_many([award])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        stored = uow.awards.get(award.id)
        assert stored is not None and stored.credential == signed
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            default = connection.execute(text("SHOW default_toast_compression")).scalar()
        expected = "lz4" if _has_lz4(engine) else default
        assert _compression(engine, "awards", "credential", award.id) == expected
        with engine.connect() as connection:  # only that transaction changed the setting
            assert connection.execute(text("SHOW default_toast_compression")).scalar() == default


def test_bulk_job_reports_round_trip_with_lz4_on_postgresql(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        version = new_version(uow, org)
        uow.commit()
    report = {"chunks": ["packed rows " * 400], "done": {}}
    job = BulkJobRecord(new_id(), org.id, version.id, "ef" * 32, 1, NOW, report=report)
    with SqlUnitOfWork(engine) as uow:
        uow.bulk_jobs.add(job)
        uow.commit()
    progressed = replace(job, issued=1, report={**report, "done": {"0": [1, 0, 0]}})
    with SqlUnitOfWork(engine) as uow:
        uow.bulk_jobs.update(progressed)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.bulk_jobs.get(job.id) == progressed
    if engine.dialect.name == "postgresql" and _has_lz4(engine):
        assert _compression(engine, "bulk_jobs", "report", job.id) == "lz4"
