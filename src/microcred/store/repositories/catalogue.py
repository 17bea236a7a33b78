"""Catalogue entries and their immutable versions, and the public catalogue search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Exists, RowMapping, and_, exists, insert, select, update

from microcred.service.ports import CatalogueQuery
from microcred.service.records import CatalogueEntry, CatalogueVersion
from microcred.store.catalogue_search import norm_language, norm_participation, search_columns
from microcred.store.repositories.common import contains
from microcred.store.tables import catalogue_entries, catalogue_facets, catalogue_versions

_VERSION_COLUMNS = (
    catalogue_versions.c.id,
    catalogue_versions.c.entry_id,
    catalogue_versions.c.organisation_id,
    catalogue_versions.c.version,
    catalogue_versions.c.description,
    catalogue_versions.c.created_at,
    catalogue_versions.c.published_at,
)


def _entry(m: RowMapping) -> CatalogueEntry:
    return CatalogueEntry(
        id=m["id"],
        organisation_id=m["organisation_id"],
        slug=m["slug"],
        created_at=m["created_at"],
        latest_version=m["latest_version"],
        published_version=m["published_version"],
    )


def _version(m: RowMapping) -> CatalogueVersion:
    return CatalogueVersion(
        id=m["id"],
        entry_id=m["entry_id"],
        organisation_id=m["organisation_id"],
        version=m["version"],
        description=m["description"],
        created_at=m["created_at"],
        published_at=m["published_at"],
    )


def _facet(kind: str, value: str) -> Exists:
    return exists().where(
        catalogue_facets.c.version_id == catalogue_versions.c.id,
        catalogue_facets.c.kind == kind,
        catalogue_facets.c.value == value,
    )


class SqlCatalogueRepository:
    """:class:`microcred.service.ports.CatalogueRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_entry(self, entry: CatalogueEntry) -> None:
        self._c.execute(
            insert(catalogue_entries).values(
                id=entry.id,
                organisation_id=entry.organisation_id,
                slug=entry.slug,
                created_at=entry.created_at,
                latest_version=entry.latest_version,
                published_version=entry.published_version,
            )
        )

    def get_entry(self, entry_id: str) -> CatalogueEntry | None:
        row = self._c.execute(
            select(catalogue_entries).where(catalogue_entries.c.id == entry_id)
        ).first()
        return _entry(row._mapping) if row else None

    def entry_by_slug(self, organisation_id: str, slug: str) -> CatalogueEntry | None:
        row = self._c.execute(
            select(catalogue_entries).where(
                catalogue_entries.c.organisation_id == organisation_id,
                catalogue_entries.c.slug == slug,
            )
        ).first()
        return _entry(row._mapping) if row else None

    def update_entry(self, entry: CatalogueEntry) -> None:
        """Store the entry's slug, latest and published version (its owner never changes)."""
        self._c.execute(
            update(catalogue_entries)
            .where(catalogue_entries.c.id == entry.id)
            .values(
                slug=entry.slug,
                latest_version=entry.latest_version,
                published_version=entry.published_version,
            )
        )

    def add_version(self, version: CatalogueVersion) -> None:
        columns = search_columns(version.description)
        self._c.execute(
            insert(catalogue_versions).values(
                id=version.id,
                entry_id=version.entry_id,
                organisation_id=version.organisation_id,
                version=version.version,
                description=dict(version.description),
                created_at=version.created_at,
                published_at=version.published_at,
                search_text=columns.text,
                eqf_level=columns.eqf_level,
                ects=columns.ects,
            )
        )
        if columns.facets:
            self._c.execute(
                insert(catalogue_facets),
                [
                    {"version_id": version.id, "kind": kind, "value": value}
                    for kind, value in sorted(columns.facets)
                ],
            )

    def get_version(self, version_id: str) -> CatalogueVersion | None:
        row = self._c.execute(
            select(*_VERSION_COLUMNS).where(catalogue_versions.c.id == version_id)
        ).first()
        return _version(row._mapping) if row else None

    def version_of(self, entry_id: str, version: int) -> CatalogueVersion | None:
        row = self._c.execute(
            select(*_VERSION_COLUMNS).where(
                catalogue_versions.c.entry_id == entry_id,
                catalogue_versions.c.version == version,
            )
        ).first()
        return _version(row._mapping) if row else None

    def set_published(self, version_id: str, *, at: datetime) -> None:
        """Mark the version published at ``at`` and make it its entry's published version."""
        row = self._c.execute(
            select(catalogue_versions.c.entry_id, catalogue_versions.c.version).where(
                catalogue_versions.c.id == version_id
            )
        ).first()
        if row is None:
            return
        self._c.execute(
            update(catalogue_versions)
            .where(
                catalogue_versions.c.id == version_id, catalogue_versions.c.published_at.is_(None)
            )
            .values(published_at=at)
        )
        self._c.execute(
            update(catalogue_entries)
            .where(catalogue_entries.c.id == row.entry_id)
            .values(published_version=row.version)
        )

    def entries_for(self, organisation_id: str) -> list[CatalogueEntry]:
        rows = self._c.execute(
            select(catalogue_entries)
            .where(catalogue_entries.c.organisation_id == organisation_id)
            .order_by(catalogue_entries.c.slug)
        )
        return [_entry(row._mapping) for row in rows]

    def search_published(
        self, query: CatalogueQuery, *, limit: int, offset: int
    ) -> list[CatalogueVersion]:
        """The published version of every entry matching all criteria of ``query``, in the
        order they were written (``created_at``, then id). ``text`` matches title, description
        and learning outcomes in any language, case-insensitively; ``esco_skill`` is an IRI."""
        v = catalogue_versions
        statement = (
            select(*_VERSION_COLUMNS)
            .join(
                catalogue_entries,
                and_(
                    catalogue_entries.c.id == v.c.entry_id,
                    catalogue_entries.c.published_version == v.c.version,
                ),
            )
            .where(v.c.published_at.is_not(None))
        )
        if query.text:
            statement = statement.where(contains(v.c.search_text, query.text))
        if query.organisation_id is not None:
            statement = statement.where(v.c.organisation_id == query.organisation_id)
        if query.eqf_level is not None:
            statement = statement.where(v.c.eqf_level == query.eqf_level)
        if query.ects_min is not None:
            statement = statement.where(v.c.ects >= query.ects_min)
        if query.ects_max is not None:
            statement = statement.where(v.c.ects <= query.ects_max)
        if query.language:
            statement = statement.where(_facet("language", norm_language(query.language)))
        if query.participation:
            statement = statement.where(
                _facet("participation", norm_participation(query.participation))
            )
        if query.esco_skill:
            statement = statement.where(_facet("esco_skill", query.esco_skill.strip()))
        statement = statement.order_by(v.c.created_at, v.c.id).limit(limit).offset(offset)
        return [_version(row._mapping) for row in self._c.execute(statement)]
