"""API keys (prefix + SHA-256 of the secret) <-> the ``api_keys`` table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update

from microcred.service.records import ApiKeyRecord
from microcred.store.tables import api_keys


def _record(m: RowMapping) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        prefix=m["prefix"],
        secret_hash=m["secret_hash"],
        role=m["role"],
        label=m["label"],
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
    )


class SqlApiKeyRepository:
    """:class:`microcred.service.ports.ApiKeyRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, key: ApiKeyRecord) -> None:
        self._c.execute(
            insert(api_keys).values(
                id=key.id,
                organisation_id=key.organisation_id,
                prefix=key.prefix,
                secret_hash=key.secret_hash,
                role=key.role,
                label=key.label,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )

    def by_prefix(self, prefix: str) -> ApiKeyRecord | None:
        row = self._c.execute(select(api_keys).where(api_keys.c.prefix == prefix)).first()
        return _record(row._mapping) if row else None

    def list_for(self, organisation_id: str) -> list[ApiKeyRecord]:
        rows = self._c.execute(
            select(api_keys)
            .where(api_keys.c.organisation_id == organisation_id)
            .order_by(api_keys.c.created_at, api_keys.c.id)
        )
        return [_record(row._mapping) for row in rows]

    def revoke(self, key_id: str, *, at: datetime) -> None:
        """Revoke the key; a key revoked before keeps its first revocation time."""
        self._c.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
