"""The audit log: who issued, revoked or changed what, when (issue 3, "Organisations")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.service.access import require_role
from microcred.service.ids import new_id
from microcred.service.ports import Clock, RandomBytes, UnitOfWork, UnitOfWorkFactory
from microcred.service.records import AuditEvent, Principal


def record_audit(
    uow: UnitOfWork,
    *,
    organisation_id: str,
    actor: str,
    action: str,
    subject: str,
    clock: Clock,
    rng: RandomBytes,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the open unit of work (it commits with the change it records).

    ``details`` must never hold a secret: callers pass ids, labels, reasons.
    """
    event = AuditEvent(
        id=new_id(rng),
        organisation_id=organisation_id,
        actor=actor,
        action=action,
        subject=subject,
        at=clock(),
        details=dict(details or {}),
    )
    uow.audit.record(event)
    return event


def list_audit(
    principal: Principal, *, uow: UnitOfWorkFactory, limit: int = 50, offset: int = 0
) -> list[AuditEvent]:
    """The principal's organisation's audit events, newest first as the store orders them."""
    require_role(principal, "viewer")
    with uow() as tx:
        return tx.audit.list_for(principal.organisation_id, limit=limit, offset=offset)
