"""Awards: the exact signed credential text, plus indexed columns beside it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, or_, select, text, update

from microcred.service.records import AwardRecord, AwardState, StatusRef
from microcred.store.catalogue_search import norm_text
from microcred.store.repositories.common import batches, bulk_insert, contains
from microcred.store.repositories.toast import prefer_lz4
from microcred.store.tables import awards


def _learner_name(learner: Mapping[str, Any]) -> str | None:
    name = learner.get("name") or " ".join(
        str(learner[k]) for k in ("given_name", "family_name") if learner.get(k)
    )
    return norm_text(str(name))[:512] if name else None


def _learner_email(learner: Mapping[str, Any]) -> str | None:
    email = learner.get("email")
    return norm_text(str(email))[:512] if email else None


# PostgreSQL: probe the partial unique index on (organisation_id, row_key) once per key. With
# statistics from before the table filled (never analysed: autovacuum off or not yet run) the
# planner believes the organisation has a handful of awards and answers ``row_key IN (...)`` by
# scanning all of them (~1 s per 500-key chunk at 90,000 awards: a bulk job slowed down
# quadratically); the table is analysed once when its statistics say it is empty, after which
# PostgreSQL scales its estimates with the table's size.
_EXISTING_ROW_KEYS = text(
    "SELECT k.key FROM unnest(CAST(:keys AS varchar[])) AS k(key) CROSS JOIN LATERAL"
    f" (SELECT 1 FROM {awards.name} WHERE organisation_id = :organisation_id"
    " AND row_key = k.key LIMIT 1) AS found"
)
_NEVER_ANALYSED = text(
    f"SELECT reltuples <= 0 AND EXISTS (SELECT 1 FROM {awards.name})"
    f" FROM pg_class WHERE oid = CAST('{awards.name}' AS regclass)"
)


def _row(award: AwardRecord) -> dict[str, Any]:
    return {
        "id": award.id,
        "organisation_id": award.organisation_id,
        "credential_id": award.credential_id,
        "version_id": award.version_id,
        "learner": dict(award.learner),
        "learner_name": _learner_name(award.learner),
        "learner_email": _learner_email(award.learner),
        "credential": award.credential,
        "suite": award.suite,
        "issued_at": award.issued_at,
        "valid_until": award.valid_until,
        "state": award.state,
        "state_reason": award.state_reason,
        "row_key": award.row_key,
        "revocation_list_id": award.revocation.list_id,
        "revocation_index": award.revocation.index,
        "suspension_list_id": award.suspension.list_id if award.suspension else None,
        "suspension_index": award.suspension.index if award.suspension else None,
    }


def _record(m: RowMapping) -> AwardRecord:
    suspension = (
        StatusRef(m["suspension_list_id"], m["suspension_index"])
        if m["suspension_list_id"] is not None
        else None
    )
    return AwardRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        credential_id=m["credential_id"],
        version_id=m["version_id"],
        learner=m["learner"],
        credential=m["credential"],
        suite=m["suite"],
        issued_at=m["issued_at"],
        revocation=StatusRef(m["revocation_list_id"], m["revocation_index"]),
        suspension=suspension,
        valid_until=m["valid_until"],
        state=m["state"],
        state_reason=m["state_reason"],
        row_key=m["row_key"],
    )


class SqlAwardRepository:
    """:class:`microcred.service.ports.AwardRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_many(self, awards_: Sequence[AwardRecord]) -> None:
        """Insert all at once (``COPY`` on PostgreSQL, ``executemany`` on SQLite).

        PostgreSQL compresses the credential texts (several KB each, stored out of line) with
        lz4 when it can (:mod:`~microcred.store.repositories.toast`): about half the server CPU
        of the default pglz per award."""
        if awards_:
            prefer_lz4(self._c)
        bulk_insert(self._c, awards, [_row(a) for a in awards_])

    def get(self, award_id: str) -> AwardRecord | None:
        row = self._c.execute(select(awards).where(awards.c.id == award_id)).first()
        return _record(row._mapping) if row else None

    def get_many(self, award_ids: Sequence[str]) -> list[AwardRecord]:
        found: dict[str, AwardRecord] = {}
        for batch in batches(award_ids):
            for row in self._c.execute(select(awards).where(awards.c.id.in_(batch))):
                record = _record(row._mapping)
                found[record.id] = record
        return [found[i] for i in award_ids if i in found]

    def by_credential_id(self, credential_id: str) -> AwardRecord | None:
        row = self._c.execute(select(awards).where(awards.c.credential_id == credential_id)).first()
        return _record(row._mapping) if row else None

    def existing_row_keys(self, organisation_id: str, keys: Iterable[str]) -> set[str]:
        """The ``keys`` already issued in the organisation (one probe of the unique
        (organisation, row key) index per key)."""
        wanted = sorted(set(keys))
        if not wanted:
            return set()
        if self._c.dialect.name == "postgresql":
            if self._c.execute(_NEVER_ANALYSED).scalar():
                self._c.exec_driver_sql(f"ANALYZE {awards.name}")
            rows = self._c.execute(
                _EXISTING_ROW_KEYS, {"organisation_id": organisation_id, "keys": wanted}
            )
            return set(rows.scalars())
        found: set[str] = set()
        for batch in batches(wanted):
            found.update(
                self._c.execute(
                    select(awards.c.row_key).where(
                        awards.c.organisation_id == organisation_id, awards.c.row_key.in_(batch)
                    )
                ).scalars()
            )
        return found

    def list_for(
        self, organisation_id: str, *, text: str | None, limit: int, offset: int
    ) -> list[AwardRecord]:
        """In issuing order (oldest first); ``text`` matches the learner's name or e-mail
        (case-insensitive substring) or is the exact award or credential id."""
        statement = select(awards).where(awards.c.organisation_id == organisation_id)
        if text:
            statement = statement.where(
                or_(
                    contains(awards.c.learner_name, text),
                    contains(awards.c.learner_email, text),
                    awards.c.credential_id == text,
                    awards.c.id == text,
                )
            )
        statement = statement.order_by(awards.c.issued_at, awards.c.id).limit(limit).offset(offset)
        return [_record(row._mapping) for row in self._c.execute(statement)]

    def set_state(
        self, award_id: str, *, state: AwardState, reason: str | None, at: datetime
    ) -> None:
        self._c.execute(
            update(awards)
            .where(awards.c.id == award_id)
            .values(state=state, state_reason=reason, state_changed_at=at)
        )
