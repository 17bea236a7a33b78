"""Small SQL helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Table
from sqlalchemy.exc import DBAPIError

from microcred.store.catalogue_search import norm_text

T = TypeVar("T")

BATCH = 500
"""Values per IN (...) list."""


def batches(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` (stored case-folded) contains ``text``, case-insensitively, wildcards escaped."""
    escaped = norm_text(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result: ColumnElement[bool] = column.like(f"%{escaped}%", escape="\\")
    return result


def bulk_insert(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) in the connection's transaction, fast: ``COPY``
    on PostgreSQL, one ``executemany`` on SQLite. Values go through the columns' own bind
    processors, exactly as with ``insert()``; driver errors are raised as SQLAlchemy's
    (``IntegrityError`` for a unique or foreign key violation)."""
    if not rows:
        return
    dialect = connection.dialect
    columns = list(rows[0])
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    pairs = list(zip(columns, processors, strict=True))
    values = [
        tuple(process(row[name]) if process else row[name] for name, process in pairs)
        for row in rows
    ]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    if not connection.in_transaction():
        connection.begin()
    if dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        connection.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", values
        )
        return
    statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
    raw: Any = connection.connection.dbapi_connection  # psycopg 3
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            statement, None, exc, dialect.loaded_dbapi.Error, dialect=dialect
        ) from None
