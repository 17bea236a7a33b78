"""Database engines and schema migrations for SQLite (the default) and PostgreSQL.

``make_engine`` turns a database URL into a configured SQLAlchemy engine; ``upgrade`` runs the
Alembic migrations bundled in ``microcred.store.migrations`` up to the newest revision (what
``microcred db upgrade`` does); ``check_revision`` refuses a database whose schema was written by a
newer microcred than this one.

SQLite runs in WAL mode (synchronous=NORMAL: a power cut may lose the last commits, never
corrupt the file) with foreign keys on and a busy timeout. Its transactions behave like
PostgreSQL's READ COMMITTED: reads run without a lock, each seeing the latest commits, and the
first write (or :func:`lock_for_write`) starts ``BEGIN IMMEDIATE``, which holds the database's
one write lock until commit. So a slow step between reads and writes (signing) blocks nobody, and
a transaction never fails half-way because another process wrote after it had read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url

from microcred.errors import InvalidInputError, MicrocredError

__all__ = [
    "check_revision",
    "in_sqlite_transaction",
    "lock_for_write",
    "make_engine",
    "normalise_url",
    "upgrade",
]

SQLITE_BUSY_TIMEOUT_MS = 30_000
_MIGRATIONS = "microcred.store:migrations"
_UPGRADE_LOCK_KEY = 0x6D6963726F637264  # "microcrd": one upgrade at a time on PostgreSQL
_LOCK_FREE = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "END", "ROLLBACK", "RELEASE")


def normalise_url(url: str) -> URL:
    """``url`` with the driver microcred uses: ``postgresql://`` becomes ``postgresql+psycopg://``
    (psycopg 3); SQLite stays on the standard library driver."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise InvalidInputError(f"not a database URL: {url!r}") from exc
    if parsed.drivername in {"postgresql", "postgres", "postgresql+psycopg"}:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in {"sqlite", "sqlite+pysqlite"}:
        return parsed
    raise InvalidInputError(
        f"unsupported database {parsed.drivername!r}: use sqlite:///FILE or postgresql://..."
    )


def _json_default(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, json_serializer=_to_json)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The sqlite3 module begins no transaction itself; `_write_lock` below does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # Checkpoint every ~40 MB of WAL, not every 4 MB: bulk issuance writes ~2 MB per
            # 500 awards, and each checkpoint costs an fsync.
            cursor.execute("PRAGMA wal_autocheckpoint = 10000")
            cursor.execute("PRAGMA foreign_keys = ON")
            # 32 MiB page cache (default 2 MiB): a bulk chunk updates six indexes of awards.
            cursor.execute("PRAGMA cache_size = -32768")
        finally:
            cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def _write_lock(
        connection: Connection, _cursor: Any, statement: str, *_args: Any, **_kw: Any
    ) -> None:
        raw: Any = connection.connection.dbapi_connection
        if not raw.in_transaction and not statement.lstrip()[:8].upper().startswith(_LOCK_FREE):
            raw.execute("BEGIN IMMEDIATE")

    return engine


def lock_for_write(connection: Connection) -> None:
    """Take the write lock now, before reading rows that will be written back.

    SQLite: ``BEGIN IMMEDIATE`` unless the connection is already in a transaction. PostgreSQL:
    nothing, the caller locks its rows with ``SELECT ... FOR UPDATE``.
    """
    if connection.dialect.name == "sqlite" and not in_sqlite_transaction(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def in_sqlite_transaction(connection: Connection) -> bool:
    """True when ``connection`` is SQLite and holds an open transaction (the write lock)."""
    raw: Any = connection.connection.dbapi_connection
    return connection.dialect.name == "sqlite" and bool(raw.in_transaction)


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for ``url`` (``sqlite:///path/file.db`` or ``postgresql://...``).

    SQLite: the file's folder is created; WAL, ``foreign_keys=ON``, a 30 s busy timeout and
    ``BEGIN IMMEDIATE`` at a transaction's first write. PostgreSQL: psycopg 3, connections
    checked before use.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, json_serializer=_to_json, pool_pre_ping=True)


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:
        return False


def check_revision(engine: Engine) -> bool:
    """True when the schema is at the newest revision, False when ``upgrade`` is needed (an empty
    database included); raises :class:`MicrocredError` for a revision this release does not know."""
    with engine.connect() as connection:
        return _check_connection(connection)


def _check_connection(connection: Connection) -> bool:
    script = ScriptDirectory.from_config(_alembic_config(connection))
    current = MigrationContext.configure(connection).get_current_heads()
    unknown = [rev for rev in current if not _known(script, rev)]
    if unknown:
        raise MicrocredError(
            f"the database schema is at revision {', '.join(unknown)}, which this version of "
            "microcred does not know (written by a newer release?); refusing to use it"
        )
    return set(current) == set(script.get_heads())


def upgrade(url: str) -> None:
    """Migrate the database at ``url`` to the newest schema revision (idempotent).

    Refuses a database at a revision this release does not know. Concurrent upgrades wait for
    each other (an advisory lock on PostgreSQL, the write lock on SQLite).
    """
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK_KEY}
                )
            lock_for_write(connection)  # SQLite: the write lock before looking
            if not _check_connection(connection):
                command.upgrade(_alembic_config(connection), "head")
    finally:
        engine.dispose()
