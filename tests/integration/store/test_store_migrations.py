"""Alembic migrations: an empty database gets every table; upgrading again changes nothing; the
migrated schema equals the table definitions; an unknown newer revision is refused."""

from __future__ import annotations

import multiprocessing

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from store_workers import upgrade_together

from microcred.errors import MicrocredError
from microcred.store.engine import check_revision, make_engine, upgrade
from microcred.store.tables import metadata

HEAD = "20261122_0008"


def test_two_processes_upgrade_an_empty_database_at_once(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert check_revision(engine) is False  # empty database: upgrade needed
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(2)
        workers = [
            context.Process(target=upgrade_together, args=(database_url, barrier)) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        assert [worker.exitcode for worker in workers] == [0, 0]
        tables = set(inspect(engine).get_table_names())
        assert tables == set(metadata.tables) | {"alembic_version"}
        assert check_revision(engine) is True
    finally:
        engine.dispose()


def test_upgrade_again_is_a_no_op_and_matches_the_tables(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_heads() == (HEAD,)
            assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        assert check_revision(engine) is True
    finally:
        engine.dispose()


def test_unknown_newer_revision_is_refused(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '29990101_0001'"))
        with pytest.raises(MicrocredError, match=r"29990101_0001.*does not know"):
            check_revision(engine)
        with pytest.raises(MicrocredError, match="refusing"):
            upgrade(database_url)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"UPDATE alembic_version SET version_num = '{HEAD}'"))
        engine.dispose()
