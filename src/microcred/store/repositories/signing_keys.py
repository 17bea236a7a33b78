"""Signing keys (Ed25519, seed encrypted at rest) <-> the ``signing_keys`` table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update

from microcred.service.records import SigningKeyRecord
from microcred.store.tables import signing_keys


def _record(m: RowMapping) -> SigningKeyRecord:
    return SigningKeyRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        public_key_multibase=m["public_key_multibase"],
        encrypted_secret=bytes(m["encrypted_secret"]),
        created_at=m["created_at"],
        retired_at=m["retired_at"],
        ordinal=m["ordinal"],
    )


class SqlSigningKeyRepository:
    """:class:`microcred.service.ports.SigningKeyRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, key: SigningKeyRecord) -> None:
        self._c.execute(
            insert(signing_keys).values(
                id=key.id,
                organisation_id=key.organisation_id,
                public_key_multibase=key.public_key_multibase,
                encrypted_secret=key.encrypted_secret,
                created_at=key.created_at,
                retired_at=key.retired_at,
                ordinal=key.ordinal,
            )
        )

    def active_for(self, organisation_id: str) -> SigningKeyRecord | None:
        """The newest (highest ordinal) key that is not retired."""
        row = self._c.execute(
            select(signing_keys)
            .where(
                signing_keys.c.organisation_id == organisation_id,
                signing_keys.c.retired_at.is_(None),
            )
            .order_by(signing_keys.c.ordinal.desc())
            .limit(1)
        ).first()
        return _record(row._mapping) if row else None

    def all_for(self, organisation_id: str) -> list[SigningKeyRecord]:
        """Every key, active and retired, by ordinal (the ``#key-<ordinal>`` numbering)."""
        rows = self._c.execute(
            select(signing_keys)
            .where(signing_keys.c.organisation_id == organisation_id)
            .order_by(signing_keys.c.ordinal)
        )
        return [_record(row._mapping) for row in rows]

    def retire(self, key_id: str, *, at: datetime) -> None:
        self._c.execute(
            update(signing_keys)
            .where(signing_keys.c.id == key_id, signing_keys.c.retired_at.is_(None))
            .values(retired_at=at)
        )
