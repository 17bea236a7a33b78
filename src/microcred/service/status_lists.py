"""Revocation and suspension with Bitstring Status List v1.0, and the signed lists themselves.

BSL 1.0 §2.2: a ``BitstringStatusListCredential`` per list, signed by the organisation with
``eddsa-rdfc-2022``, served at :func:`~microcred.service.urls.status_list_url`. A list is bound
to the signing key it was opened with and is always signed by that key, retired or not, so its
issuer is the issuer of every credential pointing into it (BSL 1.0 §3.2), even for a did:key
issuer whose DID changed with a rotation. A changed bit bumps the list's version; the signed
text is cached per version and re-signed lazily on the next read. The reason for a change is
kept privately (the award and the audit log), never in the public list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from microcred.core.jsonld.loader import DocumentLoader, default_loader
from microcred.core.proofs.data_integrity import add_proof
from microcred.core.status import bitstring
from microcred.errors import InvalidInputError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict, NotFound
from microcred.service.events import (
    AWARD_REVOKED,
    AWARD_SUSPENDED,
    AWARD_UNSUSPENDED,
    Event,
    publish_events,
)
from microcred.service.issuing import xsd_datetime
from microcred.service.ports import (
    Clock,
    EventPublisher,
    KeyCipher,
    RandomBytes,
    UnitOfWork,
    UnitOfWorkFactory,
)
from microcred.service.records import (
    AwardRecord,
    AwardState,
    Principal,
    StatusListRecord,
    StatusPurpose,
    StatusRef,
)
from microcred.service.signing_keys import load_key_identity
from microcred.service.urls import status_list_url

DEFAULT_TTL_MS: Final = 300_000
"""How long a verifier may cache a list (BSL 1.0 §2.2 ``ttl``, milliseconds): five minutes."""

_Change = tuple[str, StatusRef, bool, AwardState]  # action, position, bit, new state


def _change_for(award: AwardRecord, action: str) -> _Change | None:
    """What ``action`` does to ``award``: None when it is already in that state."""
    if action == "revoke":
        if award.state == "revoked":
            return None
        return AWARD_REVOKED, award.revocation, True, "revoked"
    if award.state == "revoked":
        raise Conflict(f"award {award.id!r} is revoked; it cannot be {action}ed")
    if award.suspension is None:
        raise Conflict(f"award {award.id!r} was not issued as suspendable")
    if action == "suspend":
        if award.state == "suspended":
            return None
        return AWARD_SUSPENDED, award.suspension, True, "suspended"
    if award.state != "suspended":
        return None
    return AWARD_UNSUSPENDED, award.suspension, False, "active"


def _apply(
    principal: Principal,
    award_ids: Sequence[str],
    action: str,
    *,
    reason: str | None,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
) -> list[AwardRecord]:
    require_role(principal, "issuer")
    if reason is not None and len(reason) > 1000:
        raise InvalidInputError("reason: at most 1000 characters")
    events: list[Event] = []
    out: list[AwardRecord] = []
    with uow() as tx:
        at = clock()
        bits: dict[str, dict[int, bool]] = {}
        for award_id in dict.fromkeys(award_ids):
            award = check_owned(principal, tx.awards.get(award_id), "award", award_id)
            change = _change_for(award, action)
            if change is None:
                out.append(award)
                continue
            event, ref, bit, state = change
            bits.setdefault(ref.list_id, {})[ref.index] = bit
            tx.awards.set_state(award.id, state=state, reason=reason, at=at)
            record_audit(
                tx,
                organisation_id=award.organisation_id,
                actor=principal.actor,
                action=event,
                subject=award.id,
                details={"credential_id": award.credential_id, "reason": reason},
                clock=clock,
                rng=rng,
            )
            events.append(
                Event(
                    award.organisation_id,
                    event,
                    {"award_id": award.id, "credential_id": award.credential_id},
                )
            )
            out.append(replace(award, state=state, state_reason=reason))
        for list_id, changes in bits.items():
            tx.status_lists.set_bits(list_id, changes, at=at)
        tx.commit()
    publish_events(publisher, events)
    return out


def revoke(
    principal: Principal,
    award_id: str,
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    reason: str | None = None,
) -> AwardRecord:
    """Issuer role: revoke for good (also a suspended award). Revoking twice changes nothing."""
    return _apply(
        principal,
        [award_id],
        "revoke",
        reason=reason,
        uow=uow,
        clock=clock,
        rng=rng,
        publisher=publisher,
    )[0]


def bulk_revoke(
    principal: Principal,
    award_ids: Sequence[str],
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    reason: str | None = None,
) -> list[AwardRecord]:
    """Issuer role: revoke many in one transaction, one list change per list touched; any id
    not of the principal's organisation is NotFound and nothing is revoked."""
    return _apply(
        principal,
        award_ids,
        "revoke",
        reason=reason,
        uow=uow,
        clock=clock,
        rng=rng,
        publisher=publisher,
    )


def suspend(
    principal: Principal,
    award_id: str,
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    reason: str | None = None,
) -> AwardRecord:
    """Issuer role: suspend a suspendable award (Conflict otherwise, or when revoked)."""
    return _apply(
        principal,
        [award_id],
        "suspend",
        reason=reason,
        uow=uow,
        clock=clock,
        rng=rng,
        publisher=publisher,
    )[0]


def unsuspend(
    principal: Principal,
    award_id: str,
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    reason: str | None = None,
) -> AwardRecord:
    """Issuer role: lift a suspension (Conflict when not suspendable or revoked)."""
    return _apply(
        principal,
        [award_id],
        "unsuspend",
        reason=reason,
        uow=uow,
        clock=clock,
        rng=rng,
        publisher=publisher,
    )[0]


def update_status(
    principal: Principal,
    *,
    credential_id: str,
    purpose: StatusPurpose,
    value: bool,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    reason: str | None = None,
) -> AwardRecord:
    """Issuer role: the VC API ``POST /credentials/status`` shape: set (``value=True``) or
    clear a status of the credential ``credential_id``. Revocation cannot be cleared
    (Conflict); clearing suspension unsuspends."""
    require_role(principal, "issuer")
    with uow() as tx:
        found = tx.awards.by_credential_id(credential_id)
    award = check_owned(principal, found, "credential", credential_id)
    if purpose == "revocation" and not value:
        if award.state == "revoked":
            raise Conflict("a revocation is final; it cannot be cleared")
        return award
    action = "revoke" if purpose == "revocation" else "suspend" if value else "unsuspend"
    return _apply(
        principal,
        [award.id],
        action,
        reason=reason,
        uow=uow,
        clock=clock,
        rng=rng,
        publisher=publisher,
    )[0]


def _sign_list(
    tx: UnitOfWork,
    record: StatusListRecord,
    *,
    cipher: KeyCipher,
    clock: Clock,
    base_url: str | None,
    loader: DocumentLoader,
    ttl_ms: int,
) -> str:
    """The signed ``BitstringStatusListCredential`` text of ``record`` as it stands."""
    identity = load_key_identity(
        tx, record.organisation_id, record.key_id, cipher=cipher, base_url=base_url
    )
    # This state of the list holds from its last change (BSL 1.0 §2.2 validFrom), not from the
    # moment it is (lazily) signed: a verifier whose clock was read just before the signing
    # must not find the list "not yet valid".
    unsigned = bitstring.status_list_credential(
        list_id=status_list_url(base_url, record.id),
        issuer=identity.did,
        purpose=record.purpose,
        bitstring=bitstring.Bitstring.from_bytes(record.bits),
        valid_from=xsd_datetime(record.updated_at),
        ttl_ms=ttl_ms,
    )
    signed = add_proof(
        unsigned, signer=identity.signer, created=xsd_datetime(clock()), loader=loader
    )
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def status_list_credential(
    list_id: str,
    *,
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    base_url: str | None,
    loader: DocumentLoader | None = None,
    ttl_ms: int = DEFAULT_TTL_MS,
) -> str:
    """Public: the signed ``BitstringStatusListCredential`` text of ``list_id`` (serve it as
    is; an ETag of its hash and ``Cache-Control: max-age`` of the ttl suit it). Re-signed only
    when the list changed since the cached text was signed."""
    with uow() as tx:
        record = tx.status_lists.get(list_id)
        if record is None:
            raise NotFound(f"status list {list_id!r} not found")
        cached = tx.status_lists.signed(list_id)
        if cached is not None and cached[0] == record.version:
            return cached[1]
        text = _sign_list(
            tx,
            record,
            cipher=cipher,
            clock=clock,
            base_url=base_url,
            loader=loader or default_loader(),
            ttl_ms=ttl_ms,
        )
        tx.status_lists.store_signed(list_id, version=record.version, text=text)
        tx.commit()
    return text
