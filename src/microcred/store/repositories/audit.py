"""The audit log (who issued, revoked or changed what) <-> the ``audit_events`` table.

Events are buffered and written in one batch when the unit of work commits (or before the log is
read), so auditing each of 500 awards costs one ``COPY``/``executemany``, not 500 INSERTs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, select

from microcred.service.records import AuditEvent
from microcred.store.repositories.common import bulk_insert
from microcred.store.tables import audit_events


def _record(m: RowMapping) -> AuditEvent:
    return AuditEvent(
        id=m["id"],
        organisation_id=m["organisation_id"],
        actor=m["actor"],
        action=m["action"],
        subject=m["subject"],
        at=m["at"],
        details=m["details"],
    )


class SqlAuditLog:
    """:class:`microcred.service.ports.AuditLog` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._pending: list[dict[str, Any]] = []

    def record(self, event: AuditEvent) -> None:
        self._pending.append(
            {
                "id": event.id,
                "organisation_id": event.organisation_id,
                "actor": event.actor,
                "action": event.action,
                "subject": event.subject,
                "at": event.at,
                "details": dict(event.details),
            }
        )

    def flush(self) -> None:
        """Write the buffered events (the unit of work calls this before it commits)."""
        pending, self._pending = self._pending, []
        bulk_insert(self._c, audit_events, pending)

    def discard(self) -> None:
        """Forget the buffered events (rollback)."""
        self._pending = []

    def list_for(self, organisation_id: str, *, limit: int, offset: int) -> list[AuditEvent]:
        """Newest first."""
        self.flush()
        rows = self._c.execute(
            select(audit_events)
            .where(audit_events.c.organisation_id == organisation_id)
            .order_by(audit_events.c.at.desc(), audit_events.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_record(row._mapping) for row in rows]
