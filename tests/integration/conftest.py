"""Database URLs for integration tests: a fresh SQLite file and a fresh PostgreSQL database per
test module; ``database_url`` runs a module once on each ("sqlite", "postgresql").

PostgreSQL: ``MICROCRED_TEST_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432``,
trust auth); a database ``microcred_test_<random>`` is created through the ``postgres``
maintenance database and dropped afterwards. Unreachable: the tests are skipped, or fail when
``MICROCRED_REQUIRE_POSTGRES=1`` (CI).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

POSTGRES_SERVER = os.environ.get("MICROCRED_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def _maintenance() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL is not reachable at {POSTGRES_SERVER}: {exc}".strip()
        if os.environ.get("MICROCRED_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{message} (MICROCRED_REQUIRE_POSTGRES=1)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A URL of an SQLite file that does not exist yet (its folder does not either)."""
    folder: Path = tmp_path_factory.mktemp("sqlite")
    return f"sqlite:///{folder / 'db' / 'microcred.db'}"


@pytest.fixture(scope="module")
def postgresql_url() -> Iterator[str]:
    """A URL of a new, empty PostgreSQL database, dropped after the module."""
    name = f"microcred_test_{secrets.token_hex(6)}"
    with _maintenance() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with _maintenance() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh database of each kind, shared by the tests of one module."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url
