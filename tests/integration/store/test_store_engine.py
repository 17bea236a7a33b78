"""Engines: URL handling, SQLite set-up (folder, WAL, foreign keys, busy timeout)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from microcred.errors import InvalidInputError
from microcred.store.engine import make_engine, normalise_url


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h:5432/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///var/microcred.db", "sqlite"),
    ],
)
def test_urls_get_the_psycopg3_driver(url: str, driver: str) -> None:
    assert normalise_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "nonsense"])
def test_other_databases_are_refused(url: str) -> None:
    with pytest.raises(InvalidInputError):
        make_engine(url)


def test_sqlite_file_folder_and_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'folder' / 'm.db'}")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 30_000
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.commit()
        assert (tmp_path / "new" / "folder" / "m.db").exists()
    finally:
        engine.dispose()
