"""Webhooks: registration (secret shown once, stored encrypted), tenant isolation, the outbox,
Standard Webhooks signatures checked by recomputing the HMAC, the back-off schedule, dead
deliveries, cancellation and secret rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import replace
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from service_support import Env

from fakes import ScriptedSender, public_urls_only
from microcred.errors import InvalidInputError
from microcred.service import issuing, webhooks
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.events import EVENTS
from microcred.service.records import DeliveryRecord, Principal, WebhookRecord

URL = "https://hooks.example.org/microcred"
SCHEDULE_S = [10, 60, 300, 1800, 7200, 21600]


def _register(
    env: Env, principal: Principal, events: list[str] | None = None, url: str = URL
) -> tuple[WebhookRecord, str]:
    return webhooks.register_webhook(
        principal,
        url,
        events,
        label="student records",
        uow=env.uow,
        cipher=env.cipher,
        clock=env.clock,
        rng=env.rng,
        url_refusal=public_urls_only,
    )


def _outbox(env: Env) -> webhooks.OutboxPublisher:
    return webhooks.OutboxPublisher(uow=env.uow, clock=env.clock, rng=env.rng)


def _deliver(env: Env, sender: ScriptedSender) -> list[DeliveryRecord]:
    return webhooks.deliver_due(uow=env.uow, cipher=env.cipher, clock=env.clock, sender=sender)


def _deliveries(env: Env, principal: Principal, webhook: WebhookRecord) -> list[DeliveryRecord]:
    return webhooks.list_deliveries(principal, webhook.id, uow=env.uow)


def _expected_signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """Standard Webhooks, computed here from first principles."""
    key = base64.b64decode(secret.split("_", 1)[1])
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def test_registration_shows_the_secret_once_and_stores_it_encrypted() -> None:
    env = Env()
    org, owner = env.organisation()
    record, secret = _register(env, owner)
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert record.events == EVENTS and record.active and record.url == URL
    stored = env.store.tables.webhooks[record.id]
    assert secret.encode() not in stored.encrypted_secret
    aad = f"{org.id}/{record.id}".encode()
    assert env.cipher.decrypt(stored.encrypted_secret, aad=aad) == secret.encode()
    with pytest.raises(InvalidTag):  # the blob is bound to its organisation and webhook
        env.cipher.decrypt(stored.encrypted_secret, aad=f"{org.id}/other".encode())
    listed = webhooks.list_webhooks(owner, uow=env.uow)
    assert [w.id for w in listed] == [record.id]
    shown = repr(listed) + repr(record) + json.dumps([e.details for e in env.store.tables.audit])
    assert secret not in shown and secret[6:] not in shown
    assert "encrypted_secret" not in repr(record)
    assert env.store.tables.audit[-1].action == "webhook.created"


def test_events_are_checked_and_kept_in_a_fixed_order() -> None:
    env = Env()
    _, owner = env.organisation()
    record, _ = _register(env, owner, ["bulk.finished", "award.revoked", "award.revoked"])
    assert record.events == ("award.revoked", "bulk.finished")
    for bad in ([], ["award.deleted"]):
        with pytest.raises(InvalidInputError, match="events"):
            _register(env, owner, bad)


@pytest.mark.parametrize(
    "url", ["http://hooks.example.org/x", "https://10.0.0.1/x", "https://169.254.169.254/x"]
)
def test_a_refused_url_is_an_input_error_naming_it(url: str) -> None:
    env = Env()
    _, owner = env.organisation()
    commits = env.store.commits
    with pytest.raises(InvalidInputError, match=f"url: the webhook URL {url} is refused"):
        _register(env, owner, url=url)
    assert env.store.commits == commits


def test_only_owners_manage_webhooks() -> None:
    env = Env()
    _, issuer = env.organisation(role="issuer")
    with pytest.raises(PermissionDenied, match="owner"):
        _register(env, issuer)
    with pytest.raises(PermissionDenied):
        webhooks.list_webhooks(issuer, uow=env.uow)


def test_organisation_b_cannot_see_or_change_organisation_a_webhooks() -> None:
    env = Env()
    _, owner_a = env.organisation("Alpha University")
    _, owner_b = env.organisation("Beta Institute")
    hook_a, _ = _register(env, owner_a)
    commits = env.store.commits
    attempts = [
        lambda: webhooks.get_webhook(owner_b, hook_a.id, uow=env.uow),
        lambda: webhooks.deactivate_webhook(owner_b, hook_a.id, **env.writes),
        lambda: webhooks.rotate_webhook_secret(owner_b, hook_a.id, cipher=env.cipher, **env.writes),
        lambda: webhooks.list_deliveries(owner_b, hook_a.id, uow=env.uow),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert webhooks.list_webhooks(owner_b, uow=env.uow) == []
    assert env.store.commits == commits
    assert webhooks.get_webhook(owner_a, hook_a.id, uow=env.uow).active


def test_an_issued_award_is_written_to_the_outbox_of_subscribed_active_webhooks() -> None:
    env = Env()
    org, owner = env.organisation()
    _, other_owner = env.organisation("Beta Institute")
    issued_hook, _ = _register(env, owner, ["award.issued"])
    revoked_only, _ = _register(env, owner, ["award.revoked"])
    other_org_hook, _ = _register(env, other_owner)
    version = env.published(owner)
    award = issuing.issue_award(
        owner,
        version_id=version.id,
        learner={"name": "Aoife Murphy", "email": "aoife@example.ie"},
        **{**env.issues, "publisher": _outbox(env)},
    )
    [delivery] = _deliveries(env, owner, issued_hook)
    assert _deliveries(env, owner, revoked_only) == []
    assert _deliveries(env, other_owner, other_org_hook) == []
    assert delivery.status == "pending" and delivery.next_attempt_at == env.clock.now
    body = json.loads(delivery.payload)
    assert body == {
        "id": delivery.id,
        "type": "award.issued",
        "created": "2026-03-02T09:30:00Z",
        "organisation": org.id,
        "data": {
            "award_id": award.id,
            "credential_id": award.credential_id,
            "version_id": version.id,
        },
    }
    assert "Aoife" not in delivery.payload and "aoife@" not in delivery.payload


def test_a_delivery_is_signed_standard_webhooks_style() -> None:
    env = Env()
    org, owner = env.organisation()
    hook, secret = _register(env, owner)
    _outbox(env).publish(org.id, "bulk.finished", {"job_id": "j1", "issued": 3})
    sender = ScriptedSender(204)
    [done] = _deliver(env, sender)
    assert done.status == "delivered" and done.attempts == 1 and done.last_status_code == 204
    assert done.delivered_at == env.clock.now and done.next_attempt_at is None
    [(url, body, headers)] = sender.requests
    assert url == hook.url
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"] == done.id == json.loads(body)["id"]
    assert headers["webhook-timestamp"] == str(int(env.clock.now.timestamp()))
    assert headers["webhook-signature"] == _expected_signature(
        secret, done.id, headers["webhook-timestamp"], body
    )
    assert body == done.payload.encode()
    assert secret not in json.dumps(headers)


def test_failures_back_off_10s_1min_5min_30min_2h_6h_then_the_delivery_is_dead() -> None:
    env = Env()
    org, owner = env.organisation()
    hook, secret = _register(env, owner)
    _outbox(env).publish(org.id, "award.revoked", {"award_id": "a1"})
    sender = ScriptedSender(500)
    waits = []
    for attempt in range(1, 8):
        [done] = _deliver(env, sender)
        assert done.attempts == attempt and done.last_status_code == 500
        assert done.last_error == "HTTP 500"
        if done.status == "dead":
            break
        assert done.status == "pending" and done.next_attempt_at is not None
        wait = done.next_attempt_at - env.clock.now
        waits.append(int(wait.total_seconds()))
        env.clock.advance(seconds=wait.total_seconds() - 1)
        assert _deliver(env, sender) == []  # not due yet
        env.clock.advance(seconds=1)
    assert waits == SCHEDULE_S
    assert done.status == "dead" and done.attempts == 7 and done.next_attempt_at is None
    env.clock.advance(days=2)
    assert _deliver(env, sender) == []
    assert len(sender.requests) == 7
    ids = {headers["webhook-id"] for _, _, headers in sender.requests}
    assert ids == {done.id}  # every retry is the same message, signed again
    for _, body, headers in sender.requests:
        assert headers["webhook-signature"] == _expected_signature(
            secret, done.id, headers["webhook-timestamp"], body
        )
    assert _deliveries(env, owner, hook)[0].status == "dead"


def test_a_failed_connection_is_retried_and_then_delivered() -> None:
    env = Env()
    org, owner = env.organisation()
    _register(env, owner)
    _outbox(env).publish(org.id, "award.suspended", {"award_id": "a1"})
    sender = ScriptedSender(ConnectionError("connection refused"), 200)
    [first] = _deliver(env, sender)
    assert first.status == "pending" and first.last_status_code is None
    assert first.last_error == "ConnectionError: connection refused"
    env.clock.advance(seconds=10)
    [second] = _deliver(env, sender)
    assert second.status == "delivered" and second.attempts == 2 and second.last_error is None


def test_deactivation_cancels_pending_deliveries_and_stops_new_ones() -> None:
    env = Env()
    org, owner = env.organisation()
    hook, _ = _register(env, owner)
    _outbox(env).publish(org.id, "award.issued", {"award_id": "a1"})
    gone = webhooks.deactivate_webhook(owner, hook.id, **env.writes)
    assert not gone.active
    assert webhooks.deactivate_webhook(owner, hook.id, **env.writes) == gone  # no-op
    assert [d.status for d in _deliveries(env, owner, hook)] == ["cancelled"]
    _outbox(env).publish(org.id, "award.issued", {"award_id": "a2"})
    assert len(_deliveries(env, owner, hook)) == 1
    assert _deliver(env, ScriptedSender(200)) == []
    with pytest.raises(Conflict, match="deactivated"):
        webhooks.rotate_webhook_secret(owner, hook.id, cipher=env.cipher, **env.writes)


def test_a_pending_delivery_of_a_webhook_deactivated_meanwhile_is_cancelled_not_sent() -> None:
    env = Env()
    org, owner = env.organisation()
    hook, _ = _register(env, owner)
    _outbox(env).publish(org.id, "award.issued", {"award_id": "a1"})
    with env.uow() as tx:  # deactivated without cancelling, as a crash in between would leave it
        tx.webhooks.update(replace(hook, active=False))
        tx.commit()
    sender = ScriptedSender(200)
    [done] = _deliver(env, sender)
    assert done.status == "cancelled" and sender.requests == []


def test_rotation_signs_later_attempts_with_the_new_secret_only() -> None:
    env = Env()
    org, owner = env.organisation()
    hook, old = _register(env, owner)
    _outbox(env).publish(org.id, "award.issued", {"award_id": "a1"})
    sender = ScriptedSender(503, 200)
    _deliver(env, sender)
    rotated, new = webhooks.rotate_webhook_secret(owner, hook.id, cipher=env.cipher, **env.writes)
    assert new != old and rotated.id == hook.id
    env.clock.advance(seconds=10)
    _deliver(env, sender)
    (_, body1, h1), (_, body2, h2) = sender.requests
    assert h1["webhook-signature"] == _expected_signature(
        old, h1["webhook-id"], h1["webhook-timestamp"], body1
    )
    assert h2["webhook-signature"] == _expected_signature(
        new, h2["webhook-id"], h2["webhook-timestamp"], body2
    )
    assert h2["webhook-signature"] != _expected_signature(
        old, h2["webhook-id"], h2["webhook-timestamp"], body2
    )
    assert env.store.tables.audit[-1].action == "webhook.secret_rotated"


def test_secrets_never_reach_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    env = Env()
    org, owner = env.organisation()
    hook, secret = _register(env, owner)
    _outbox(env).publish(org.id, "award.issued", {"award_id": "a1"})
    _deliver(env, ScriptedSender(500))
    _, rotated = webhooks.rotate_webhook_secret(owner, hook.id, cipher=env.cipher, **env.writes)
    env.clock.advance(seconds=10)
    _deliver(env, ScriptedSender(RuntimeError("boom")))
    assert "failed, attempt 2" in caplog.text
    for text in (secret, rotated):
        assert text not in caplog.text and text[6:] not in caplog.text


def test_deliveries_are_listed_newest_first_and_paged() -> None:
    env = Env()
    org, owner = env.organisation()
    hook, _ = _register(env, owner)
    outbox = _outbox(env)
    for n in range(3):
        outbox.publish(org.id, "award.issued", {"award_id": f"a{n}"})
        env.clock.advance(seconds=1)
    listed = _deliveries(env, owner, hook)
    assert [json.loads(d.payload)["data"]["award_id"] for d in listed] == ["a2", "a1", "a0"]
    page: list[Any] = webhooks.list_deliveries(owner, hook.id, uow=env.uow, limit=1, offset=1)
    assert [d.id for d in page] == [listed[1].id]
