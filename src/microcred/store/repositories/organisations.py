"""Organisations (tenants) <-> the ``organisations`` table."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, insert, select

from microcred.service.records import Organisation
from microcred.store.tables import organisations


def _record(m: RowMapping) -> Organisation:
    return Organisation(
        id=m["id"],
        slug=m["slug"],
        legal_name=m["legal_name"],
        country=m["country"],
        created_at=m["created_at"],
        identifiers=dict(m["identifiers"]),
        url=m["url"],
    )


class SqlOrganisationRepository:
    """:class:`microcred.service.ports.OrganisationRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, organisation: Organisation) -> None:
        self._c.execute(
            insert(organisations).values(
                id=organisation.id,
                slug=organisation.slug,
                legal_name=organisation.legal_name,
                country=organisation.country,
                identifiers=dict(organisation.identifiers),
                url=organisation.url,
                created_at=organisation.created_at,
            )
        )

    def get(self, organisation_id: str) -> Organisation | None:
        row = self._c.execute(
            select(organisations).where(organisations.c.id == organisation_id)
        ).first()
        return _record(row._mapping) if row else None

    def by_slug(self, slug: str) -> Organisation | None:
        row = self._c.execute(select(organisations).where(organisations.c.slug == slug)).first()
        return _record(row._mapping) if row else None

    def list(self) -> list[Organisation]:
        rows = self._c.execute(select(organisations).order_by(organisations.c.slug))
        return [_record(row._mapping) for row in rows]
