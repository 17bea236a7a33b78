"""Webhooks: an organisation's events POSTed to its URLs, HMAC-signed, retried with back-off
(issue 3, "Webhooks").

Registration (owner role) checks the URL with the outbound guard and returns the signing secret
``whsec_<base64 of 32 random bytes>`` once; it is stored encrypted with the
:class:`~microcred.service.ports.KeyCipher` (associated data ``<organisation id>/<webhook id>``).

Delivery goes through a persistent outbox: :class:`OutboxPublisher` writes one delivery row per
event and matching active webhook, with the exact JSON body; :func:`deliver_due` sends the due
ones and records every attempt. Failed attempts (no 2xx answer) are retried after 10 s, 1 min,
5 min, 30 min, 2 h and 6 h; after the seventh attempt the delivery is dead.

Signatures follow the Standard Webhooks scheme: ``webhook-id`` (the delivery id, the same on
every attempt), ``webhook-timestamp`` (Unix seconds of the attempt) and ``webhook-signature:
v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``, the key being the secret's bytes
after ``whsec_``, base64-decoded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

from microcred.errors import InvalidInputError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict
from microcred.service.events import EVENTS, Event
from microcred.service.ids import new_id
from microcred.service.issuing import xsd_datetime
from microcred.service.ports import (
    Clock,
    KeyCipher,
    RandomBytes,
    UnitOfWork,
    UnitOfWorkFactory,
    UrlRefusal,
    WebhookSender,
)
from microcred.service.records import DeliveryRecord, Principal, WebhookRecord

SECRET_PREFIX: Final = "whsec_"
SIGNATURE_VERSION: Final = "v1"
BACKOFF: Final = tuple(timedelta(seconds=s) for s in (10, 60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600))
"""The wait after the 1st, 2nd... failed attempt."""
MAX_ATTEMPTS: Final = len(BACKOFF) + 1
LEASE: Final = timedelta(minutes=5)
"""How long a claimed delivery is left alone by other runners (longer than any send)."""
MAX_URL_CHARS: Final = 2048
MAX_LABEL_CHARS: Final = 200
MAX_WEBHOOKS: Final = 20
"""Active webhooks per organisation (each event is one delivery per webhook)."""
_SECRET_BYTES: Final = 32
_MAX_ERROR_CHARS: Final = 500

_log = logging.getLogger(__name__)


# --- secrets and signatures -----------------------------------------------------------------


def _new_secret(rng: RandomBytes) -> str:
    return SECRET_PREFIX + base64.b64encode(rng(_SECRET_BYTES)).decode("ascii")


def _aad(organisation_id: str, webhook_id: str) -> bytes:
    return f"{organisation_id}/{webhook_id}".encode()


def _encrypt(cipher: KeyCipher, secret: str, *, organisation_id: str, webhook_id: str) -> bytes:
    return cipher.encrypt(secret.encode("ascii"), aad=_aad(organisation_id, webhook_id))


def _decrypt(cipher: KeyCipher, webhook: WebhookRecord) -> str:
    aad = _aad(webhook.organisation_id, webhook.id)
    return cipher.decrypt(webhook.encrypted_secret, aad=aad).decode("ascii")


def sign(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``<message_id>.<timestamp>.<body>`` under the secret's
    key (the base64 after ``whsec_``)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signed_headers(secret: str, *, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one attempt (Standard Webhooks names)."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id=message_id, timestamp=timestamp, body=body),
    }


# --- registration ---------------------------------------------------------------------------


def _events(events: Sequence[str] | None) -> tuple[str, ...]:
    if events is None:
        return EVENTS
    if isinstance(events, str) or not events:
        raise InvalidInputError(f"events: a non-empty list of {', '.join(EVENTS)}")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise InvalidInputError(
            f"events: unknown event {unknown[0]!r}; the events are {', '.join(EVENTS)}"
        )
    return tuple(e for e in EVENTS if e in events)


def _check_url(url: str, url_refusal: UrlRefusal) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InvalidInputError("url: the webhook URL is missing")
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise InvalidInputError(f"url: at most {MAX_URL_CHARS} characters")
    why = url_refusal(url)
    if why is not None:
        raise InvalidInputError(f"url: the webhook URL {url} is refused: {why}")
    return url


def register_webhook(
    principal: Principal,
    url: str,
    events: Sequence[str] | None = None,
    *,
    label: str = "",
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    url_refusal: UrlRefusal,
) -> tuple[WebhookRecord, str]:
    """Owner only: a new active webhook for ``events`` (all when None) and its signing secret,
    shown this once. InvalidInputError (naming the URL) when the outbound guard refuses it."""
    require_role(principal, "owner")
    subscribed = _events(events)
    if len(label) > MAX_LABEL_CHARS:
        raise InvalidInputError(f"label: at most {MAX_LABEL_CHARS} characters")
    url = _check_url(url, url_refusal)
    with uow() as tx:
        active = [w for w in tx.webhooks.list_for(principal.organisation_id) if w.active]
        if len(active) >= MAX_WEBHOOKS:
            raise Conflict(f"an organisation has at most {MAX_WEBHOOKS} active webhooks")
        webhook_id = new_id(rng)
        secret = _new_secret(rng)
        record = WebhookRecord(
            id=webhook_id,
            organisation_id=principal.organisation_id,
            url=url,
            encrypted_secret=_encrypt(
                cipher, secret, organisation_id=principal.organisation_id, webhook_id=webhook_id
            ),
            events=subscribed,
            created_at=clock(),
            label=label,
        )
        tx.webhooks.add(record)
        _audit(
            tx, principal, "webhook.created", record, clock=clock, rng=rng, events=list(subscribed)
        )
        tx.commit()
    return record, secret


def _audit(
    tx: UnitOfWork,
    principal: Principal,
    action: str,
    webhook: WebhookRecord,
    *,
    clock: Clock,
    rng: RandomBytes,
    **details: Any,
) -> None:
    record_audit(
        tx,
        organisation_id=principal.organisation_id,
        actor=principal.actor,
        action=action,
        subject=webhook.id,
        details={"url": webhook.url, **details},
        clock=clock,
        rng=rng,
    )


def list_webhooks(principal: Principal, *, uow: UnitOfWorkFactory) -> list[WebhookRecord]:
    """Owner only: the organisation's webhooks, deactivated ones included."""
    require_role(principal, "owner")
    with uow() as tx:
        return tx.webhooks.list_for(principal.organisation_id)


def _owned(tx: UnitOfWork, principal: Principal, webhook_id: str) -> WebhookRecord:
    return check_owned(principal, tx.webhooks.get(webhook_id), "webhook", webhook_id)


def get_webhook(principal: Principal, webhook_id: str, *, uow: UnitOfWorkFactory) -> WebhookRecord:
    """Owner only: one webhook (NotFound for another organisation's)."""
    require_role(principal, "owner")
    with uow() as tx:
        return _owned(tx, principal, webhook_id)


def deactivate_webhook(
    principal: Principal,
    webhook_id: str,
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> WebhookRecord:
    """Owner only: no more deliveries; pending ones are cancelled, the history is kept.
    Deactivating twice changes nothing."""
    require_role(principal, "owner")
    with uow() as tx:
        webhook = _owned(tx, principal, webhook_id)
        if not webhook.active:
            return webhook
        webhook = replace(webhook, active=False)
        tx.webhooks.update(webhook)
        cancelled = tx.deliveries.cancel_pending(webhook.id)
        _audit(
            tx, principal, "webhook.deactivated", webhook, clock=clock, rng=rng, cancelled=cancelled
        )
        tx.commit()
    return webhook


def rotate_webhook_secret(
    principal: Principal,
    webhook_id: str,
    *,
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
) -> tuple[WebhookRecord, str]:
    """Owner only: a new signing secret, shown this once; every attempt from now on (retries
    of older deliveries included) is signed with it. Conflict for a deactivated webhook."""
    require_role(principal, "owner")
    with uow() as tx:
        webhook = _owned(tx, principal, webhook_id)
        if not webhook.active:
            raise Conflict(f"webhook {webhook_id!r} is deactivated")
        secret = _new_secret(rng)
        webhook = replace(
            webhook,
            encrypted_secret=_encrypt(
                cipher, secret, organisation_id=webhook.organisation_id, webhook_id=webhook.id
            ),
        )
        tx.webhooks.update(webhook)
        _audit(tx, principal, "webhook.secret_rotated", webhook, clock=clock, rng=rng)
        tx.commit()
    return webhook, secret


def list_deliveries(
    principal: Principal,
    webhook_id: str,
    *,
    uow: UnitOfWorkFactory,
    limit: int = 50,
    offset: int = 0,
) -> list[DeliveryRecord]:
    """Owner only: the webhook's deliveries, newest first, with their attempts and last error."""
    require_role(principal, "owner")
    with uow() as tx:
        webhook = _owned(tx, principal, webhook_id)
        return tx.deliveries.list_for(webhook.id, limit=limit, offset=offset)


# --- the outbox -----------------------------------------------------------------------------


def payload(
    *,
    delivery_id: str,
    event: str,
    created: datetime,
    organisation_id: str,
    data: Mapping[str, Any],
) -> str:
    """The JSON body of one delivery: ``id``, ``type``, ``created``, ``organisation``, ``data``
    (the event's ids, never personal data or secrets)."""
    document = {
        "id": delivery_id,
        "type": event,
        "created": xsd_datetime(created),
        "organisation": organisation_id,
        "data": dict(data),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)


class OutboxPublisher:
    """The :class:`~microcred.service.ports.EventPublisher` of webhooks: one delivery row per
    event and active webhook subscribed to it, written in one transaction per batch of events;
    :func:`deliver_due` sends them."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, rng: RandomBytes) -> None:
        self._uow = uow
        self._clock = clock
        self._rng = rng

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None:
        self.publish_many([Event(organisation_id, event, data)])

    def publish_many(self, events: Sequence[Event]) -> None:
        with self._uow() as tx:
            hooks: dict[str, list[WebhookRecord]] = {}
            for org in {e.organisation_id for e in events}:
                hooks[org] = [w for w in tx.webhooks.list_for(org) if w.active]
            if not any(hooks.values()):
                return
            now = self._clock()
            rows: list[DeliveryRecord] = []
            for event in events:
                for webhook in hooks[event.organisation_id]:
                    if event.name not in webhook.events:
                        continue
                    delivery_id = new_id(self._rng)
                    body = payload(
                        delivery_id=delivery_id,
                        event=event.name,
                        created=now,
                        organisation_id=event.organisation_id,
                        data=event.data,
                    )
                    rows.append(
                        DeliveryRecord(
                            id=delivery_id,
                            organisation_id=event.organisation_id,
                            webhook_id=webhook.id,
                            event=event.name,
                            payload=body,
                            created_at=now,
                            next_attempt_at=now,
                        )
                    )
            if rows:
                tx.deliveries.add_many(rows)
                tx.commit()


# --- delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempt:
    status_code: int | None
    error: str | None


def _send(
    delivery: DeliveryRecord,
    webhook: WebhookRecord,
    secret: str,
    *,
    sender: WebhookSender,
    at: datetime,
) -> _Attempt:
    body = delivery.payload.encode("utf-8")
    headers = signed_headers(
        secret, message_id=delivery.id, timestamp=int(at.timestamp()), body=body
    )
    try:
        status = sender(webhook.url, body, headers)
    except Exception as exc:  # a refused URL, a timeout, a reset: all are failed attempts
        return _Attempt(None, f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS])
    return _Attempt(status, None if 200 <= status < 300 else f"HTTP {status}")


def _outcome(delivery: DeliveryRecord, attempt: _Attempt, *, at: datetime) -> DeliveryRecord:
    attempts = delivery.attempts + 1
    done = replace(
        delivery,
        attempts=attempts,
        last_attempt_at=at,
        last_status_code=attempt.status_code,
        last_error=attempt.error,
    )
    if attempt.error is None:
        return replace(done, status="delivered", delivered_at=at, next_attempt_at=None)
    if attempts >= MAX_ATTEMPTS:
        return replace(done, status="dead", next_attempt_at=None)
    return replace(done, next_attempt_at=at + BACKOFF[attempts - 1])


def deliver_due(
    *,
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    sender: WebhookSender,
    now: datetime | None = None,
    limit: int = 100,
) -> list[DeliveryRecord]:
    """Send at most ``limit`` deliveries due at ``now`` (default: the clock) and record each
    attempt in its own transaction; returns the deliveries as recorded. A failed attempt is
    rescheduled after the next step of :data:`BACKOFF`, the last one marks the delivery dead;
    a delivery of a deactivated webhook is cancelled. The attempt time (and the signed
    timestamp) comes from the clock."""
    due = now or clock()
    with uow() as tx:
        claimed = tx.deliveries.claim_due(now=due, lease_until=due + LEASE, limit=limit)
        webhooks = {d.webhook_id: tx.webhooks.get(d.webhook_id) for d in claimed}
        tx.commit()
    secrets: dict[str, str] = {}
    done: list[DeliveryRecord] = []
    for delivery in claimed:
        webhook = webhooks[delivery.webhook_id]
        at = clock()
        if webhook is None or not webhook.active:
            result = replace(
                delivery,
                status="cancelled",
                next_attempt_at=None,
                last_error="the webhook was deactivated",
            )
        else:
            if webhook.id not in secrets:
                secrets[webhook.id] = _decrypt(cipher, webhook)
            attempt = _send(delivery, webhook, secrets[webhook.id], sender=sender, at=at)
            result = _outcome(delivery, attempt, at=at)
            if result.status != "delivered":
                _log.warning(
                    "webhook delivery %s (%s) to %s failed, attempt %d: %s; %s",
                    delivery.id,
                    delivery.event,
                    webhook.url,
                    result.attempts,
                    result.last_error,
                    "dead" if result.status == "dead" else f"next at {result.next_attempt_at}",
                )
        with uow() as tx:
            tx.deliveries.update(result)
            tx.commit()
        done.append(result)
    return done
