"""Bitstring Status Lists (BSL 1.0 §2.2) and the allocation of their positions (§6.5).

Each organisation has, per purpose, a sequence of lists, each bound to the signing key it was
opened with (``key_id``: that key signs the list and every credential with a position in it). A
reservation is for one key: its current list is that key's list with the highest ``sequence``.
``reserve`` takes random free positions from the current list's allocation bitmap
(:func:`microcred.core.status.allocation.allocate`) and, when the key has no list yet (a new or
rotated key) or its current one is full, opens a list for the key with the organisation's next
``sequence`` for the purpose:

- PostgreSQL: in its own short transaction on its own connection, with the current list's row
  locked (``SELECT ... FOR UPDATE``), committed before it returns; a new list is inserted with
  ``ON CONFLICT DO NOTHING`` on (organisation, purpose, sequence), so two processes opening the
  next list for the same key at once end up sharing it (for different keys, the loser opens
  the one after).
- SQLite: the same steps under the database's write lock (``BEGIN IMMEDIATE``). When the unit
  of work has not written yet (the usual order: read, reserve, sign, store), ``reserve`` runs and
  commits in its own transaction; once the unit of work holds the write lock, ``reserve`` runs
  inside that transaction (a second one would wait for it) and commits with it.

Whatever happens, the UNIQUE (list, index) constraints on ``awards`` refuse a position given
twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, RowMapping, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from microcred.core.status.allocation import allocate
from microcred.core.status.bitstring import MIN_ENTRIES, Bitstring
from microcred.errors import InvalidInputError
from microcred.service.ports import RandomBytes
from microcred.service.records import StatusListRecord, StatusPurpose, StatusRef
from microcred.store.engine import in_sqlite_transaction, lock_for_write
from microcred.store.tables import status_lists

LOCK_TIMEOUT = "30s"
"""How long a PostgreSQL reservation waits for the list's row lock before failing."""

_RECORD_COLUMNS = (
    status_lists.c.id,
    status_lists.c.organisation_id,
    status_lists.c.purpose,
    status_lists.c.key_id,
    status_lists.c.length,
    status_lists.c.bits,
    status_lists.c.allocated_count,
    status_lists.c.version,
    status_lists.c.updated_at,
)


def _record(m: RowMapping) -> StatusListRecord:
    return StatusListRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        purpose=m["purpose"],
        key_id=m["key_id"],
        length=m["length"],
        bits=bytes(m["bits"]),
        allocated_count=m["allocated_count"],
        version=m["version"],
        updated_at=m["updated_at"],
    )


def _reserve_in(
    connection: Connection,
    organisation_id: str,
    purpose: StatusPurpose,
    count: int,
    *,
    rng: RandomBytes,
    key_id: str,
    list_length: int,
) -> list[StatusRef]:
    """Reserve ``count`` positions in lists of ``key_id`` inside the caller's transaction on
    ``connection``."""
    lock_for_write(connection)
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    of_purpose = (
        status_lists.c.organisation_id == organisation_id,
        status_lists.c.purpose == purpose,
    )
    refs: list[StatusRef] = []
    while len(refs) < count:
        current = connection.execute(
            select(
                status_lists.c.id,
                status_lists.c.sequence,
                status_lists.c.length,
                status_lists.c.allocated_count,
                status_lists.c.allocation,
            )
            .where(*of_purpose, status_lists.c.key_id == key_id)
            .order_by(status_lists.c.sequence.desc())
            .limit(1)
            .with_for_update()
        ).first()
        if current is None or current.allocated_count >= current.length:
            # Open the next list; if another process just did, loop again: use it when it is
            # this key's, else open the one after.
            last = connection.execute(
                select(func.max(status_lists.c.sequence)).where(*of_purpose)
            ).scalar_one()
            empty = bytes(list_length // 8)
            connection.execute(
                insert(status_lists)
                .values(
                    id=str(uuid.uuid4()),
                    organisation_id=organisation_id,
                    purpose=purpose,
                    key_id=key_id,
                    sequence=0 if last is None else last + 1,
                    length=list_length,
                    bits=empty,
                    allocation=empty,
                    allocated_count=0,
                    version=0,
                    updated_at=datetime.now(UTC),
                )
                .on_conflict_do_nothing()
            )
            continue
        bitmap = Bitstring.from_bytes(bytes(current.allocation))
        take = min(count - len(refs), current.length - current.allocated_count)
        positions = allocate(bitmap, take, rng=rng)
        connection.execute(
            update(status_lists)
            .where(status_lists.c.id == current.id)
            .values(allocation=bitmap.to_bytes(), allocated_count=current.allocated_count + take)
        )
        refs.extend(StatusRef(current.id, index) for index in positions)
    return refs


class SqlStatusListRepository:
    """:class:`microcred.service.ports.StatusListRepository`: reads and bit changes run on the
    unit of work's connection, reservations as described in the module docstring."""

    def __init__(
        self, connection: Connection, engine: Engine, *, list_length: int = MIN_ENTRIES
    ) -> None:
        if list_length <= 0 or list_length % 8:
            raise InvalidInputError(f"status list length must be a multiple of 8: {list_length}")
        self._c = connection
        self._engine = engine
        self._list_length = list_length

    def reserve(
        self,
        organisation_id: str,
        purpose: StatusPurpose,
        count: int,
        *,
        rng: RandomBytes,
        key_id: str,
    ) -> list[StatusRef]:
        """``count`` never-used positions, at random, across as many lists of signing key
        ``key_id`` as needed."""
        if count <= 0:
            return []

        def run(connection: Connection) -> list[StatusRef]:
            return _reserve_in(
                connection,
                organisation_id,
                purpose,
                count,
                rng=rng,
                key_id=key_id,
                list_length=self._list_length,
            )

        if in_sqlite_transaction(self._c):
            return run(self._c)
        with self._engine.connect() as own, own.begin():
            return run(own)

    def get(self, list_id: str) -> StatusListRecord | None:
        row = self._c.execute(select(*_RECORD_COLUMNS).where(status_lists.c.id == list_id)).first()
        return _record(row._mapping) if row else None

    def lists_for(self, organisation_id: str) -> list[StatusListRecord]:
        rows = self._c.execute(
            select(*_RECORD_COLUMNS)
            .where(status_lists.c.organisation_id == organisation_id)
            .order_by(status_lists.c.purpose, status_lists.c.sequence)
        )
        return [_record(row._mapping) for row in rows]

    def set_bits(self, list_id: str, changes: Mapping[int, bool], *, at: datetime) -> None:
        """Apply ``changes`` (position -> set or clear) with the row locked; the list version
        goes up by one when a bit actually changes."""
        lock_for_write(self._c)
        row = self._c.execute(
            select(status_lists.c.bits, status_lists.c.version)
            .where(status_lists.c.id == list_id)
            .with_for_update()
        ).first()
        if row is None:
            raise InvalidInputError(f"no status list {list_id!r}")
        bits = Bitstring.from_bytes(bytes(row.bits))
        for index, value in changes.items():
            bits.set(index, value)
        new = bits.to_bytes()
        if new != bytes(row.bits):
            self._c.execute(
                update(status_lists)
                .where(status_lists.c.id == list_id)
                .values(bits=new, version=row.version + 1, updated_at=at)
            )

    def signed(self, list_id: str) -> tuple[int, str] | None:
        row = self._c.execute(
            select(status_lists.c.signed_version, status_lists.c.signed_text).where(
                status_lists.c.id == list_id
            )
        ).first()
        if row is None or row.signed_text is None:
            return None
        return row.signed_version, row.signed_text

    def store_signed(self, list_id: str, *, version: int, text: str) -> None:
        """Cache the signed list credential; an older version never replaces a newer one."""
        self._c.execute(
            update(status_lists)
            .where(
                status_lists.c.id == list_id,
                (status_lists.c.signed_version.is_(None))
                | (status_lists.c.signed_version <= version),
            )
            .values(signed_text=text, signed_version=version)
        )
