"""Webhooks and their delivery outbox <-> the ``webhooks`` and ``webhook_deliveries`` tables.

The signing secret is stored as the cipher's blob (``secret_encrypted``), never in clear.
Runners claim due deliveries with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (the write
lock on SQLite) and move them out of the way for a lease, so two runners never send the same
attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from microcred.service.records import DeliveryRecord, WebhookRecord
from microcred.store.engine import lock_for_write
from microcred.store.repositories.common import bulk_insert
from microcred.store.tables import webhook_deliveries, webhooks


def _webhook(m: RowMapping) -> WebhookRecord:
    return WebhookRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        url=m["url"],
        encrypted_secret=m["secret_encrypted"],
        events=tuple(m["events"]),
        created_at=m["created_at"],
        active=m["active"],
        label=m["label"],
    )


def _webhook_values(webhook: WebhookRecord) -> dict[str, Any]:
    return {
        "url": webhook.url,
        "secret_encrypted": webhook.encrypted_secret,
        "events": list(webhook.events),
        "active": webhook.active,
        "label": webhook.label,
    }


class SqlWebhookRepository:
    """:class:`microcred.service.ports.WebhookRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, webhook: WebhookRecord) -> None:
        self._c.execute(
            insert(webhooks).values(
                id=webhook.id,
                organisation_id=webhook.organisation_id,
                created_at=webhook.created_at,
                **_webhook_values(webhook),
            )
        )

    def get(self, webhook_id: str) -> WebhookRecord | None:
        row = self._c.execute(select(webhooks).where(webhooks.c.id == webhook_id)).first()
        return _webhook(row._mapping) if row else None

    def list_for(self, organisation_id: str) -> list[WebhookRecord]:
        rows = self._c.execute(
            select(webhooks)
            .where(webhooks.c.organisation_id == organisation_id)
            .order_by(webhooks.c.created_at, webhooks.c.id)
        )
        return [_webhook(row._mapping) for row in rows]

    def update(self, webhook: WebhookRecord) -> None:
        self._c.execute(
            update(webhooks).where(webhooks.c.id == webhook.id).values(**_webhook_values(webhook))
        )


_OUTCOME = (
    "status",
    "attempts",
    "next_attempt_at",
    "last_attempt_at",
    "last_status_code",
    "last_error",
    "delivered_at",
)


def _delivery(m: RowMapping) -> DeliveryRecord:
    return DeliveryRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        webhook_id=m["webhook_id"],
        event=m["event"],
        payload=m["payload"],
        created_at=m["created_at"],
        **{name: m[name] for name in _OUTCOME},
    )


def _row(delivery: DeliveryRecord) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "organisation_id": delivery.organisation_id,
        "webhook_id": delivery.webhook_id,
        "event": delivery.event,
        "payload": delivery.payload,
        "created_at": delivery.created_at,
        **{name: getattr(delivery, name) for name in _OUTCOME},
    }


class SqlDeliveryRepository:
    """:class:`microcred.service.ports.DeliveryRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_many(self, deliveries: Sequence[DeliveryRecord]) -> None:
        bulk_insert(self._c, webhook_deliveries, [_row(d) for d in deliveries])

    def get(self, delivery_id: str) -> DeliveryRecord | None:
        row = self._c.execute(
            select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
        ).first()
        return _delivery(row._mapping) if row else None

    def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[DeliveryRecord]:
        t = webhook_deliveries.c
        due = select(webhook_deliveries).where(t.status == "pending", t.next_attempt_at <= now)
        if self._c.execute(due.with_only_columns(t.id).limit(1)).first() is None:
            return []  # the usual answer, found without taking SQLite's write lock
        lock_for_write(self._c)
        rows = self._c.execute(
            due.order_by(t.next_attempt_at, t.id).limit(limit).with_for_update(skip_locked=True)
        ).all()
        claimed = [_delivery(row._mapping) for row in rows]
        if claimed:
            self._c.execute(
                update(webhook_deliveries)
                .where(t.id.in_([d.id for d in claimed]))
                .values(next_attempt_at=lease_until)
            )
        return [replace(d, next_attempt_at=lease_until) for d in claimed]

    def update(self, delivery: DeliveryRecord) -> None:
        self._c.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery.id)
            .values(**{name: getattr(delivery, name) for name in _OUTCOME})
        )

    def cancel_pending(self, webhook_id: str) -> int:
        t = webhook_deliveries.c
        result = self._c.execute(
            update(webhook_deliveries)
            .where(t.webhook_id == webhook_id, t.status == "pending")
            .values(status="cancelled", next_attempt_at=None)
        )
        return result.rowcount

    def list_for(self, webhook_id: str, *, limit: int, offset: int) -> list[DeliveryRecord]:
        t = webhook_deliveries.c
        rows = self._c.execute(
            select(webhook_deliveries)
            .where(t.webhook_id == webhook_id)
            .order_by(t.created_at.desc(), t.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_delivery(row._mapping) for row in rows]
