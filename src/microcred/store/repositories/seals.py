"""Organisation seals (X.509 chain + encrypted private key) <-> the ``seals`` table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update

from microcred.service.seal_ports import SealRecord
from microcred.store.tables_seals import seals


def _record(m: RowMapping) -> SealRecord:
    return SealRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        label=m["label"],
        subject=m["subject"],
        algorithm=m["algorithm"],
        certificate_chain=m["certificate_chain"],
        encrypted_key=bytes(m["encrypted_key"]),
        not_before=m["not_before"],
        not_after=m["not_after"],
        created_at=m["created_at"],
        organization_identifier=m["organization_identifier"],
        retired_at=m["retired_at"],
    )


class SqlSealRepository:
    """:class:`microcred.service.seal_ports.SealRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, seal: SealRecord) -> None:
        self._c.execute(
            insert(seals).values(
                id=seal.id,
                organisation_id=seal.organisation_id,
                label=seal.label,
                subject=seal.subject,
                algorithm=seal.algorithm,
                certificate_chain=seal.certificate_chain,
                encrypted_key=seal.encrypted_key,
                organization_identifier=seal.organization_identifier,
                not_before=seal.not_before,
                not_after=seal.not_after,
                created_at=seal.created_at,
                retired_at=seal.retired_at,
            )
        )

    def get(self, seal_id: str) -> SealRecord | None:
        row = self._c.execute(select(seals).where(seals.c.id == seal_id)).first()
        return _record(row._mapping) if row else None

    def list_for(self, organisation_id: str) -> list[SealRecord]:
        rows = self._c.execute(
            select(seals)
            .where(seals.c.organisation_id == organisation_id)
            .order_by(seals.c.created_at.desc(), seals.c.id)
        )
        return [_record(row._mapping) for row in rows]

    def active_for(self, organisation_id: str) -> SealRecord | None:
        row = self._c.execute(
            select(seals)
            .where(seals.c.organisation_id == organisation_id, seals.c.retired_at.is_(None))
            .order_by(seals.c.created_at.desc())
            .limit(1)
        ).first()
        return _record(row._mapping) if row else None

    def retire_all(self, organisation_id: str, *, at: datetime) -> None:
        self._c.execute(
            update(seals)
            .where(seals.c.organisation_id == organisation_id, seals.c.retired_at.is_(None))
            .values(retired_at=at)
        )
