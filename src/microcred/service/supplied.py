"""Signing a credential a caller supplies: the W3C VC API ``POST /credentials/issue``.

VC API (VCALM) §3.3.1 "Issue Credential": the caller sends an unsigned credential; the issuer
sets itself as ``issuer``, adds its status entry, secures it and returns it. The award is kept
like any other (exact signed text, status positions) but points to no catalogue version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.core.jsonld.loader import DocumentLoader, default_loader
from microcred.core.securing import SUITES, secure_credential
from microcred.errors import InvalidInputError
from microcred.service.access import require_role
from microcred.service.ids import new_id
from microcred.service.issuing import (
    DEFAULT_SUITE,
    credential_text,
    publish_issued,
    record_issued,
    reserve_positions,
    valid_until_of,
    with_status,
    xsd_datetime,
)
from microcred.service.ports import (
    Clock,
    EventPublisher,
    KeyCipher,
    RandomBytes,
    UnitOfWorkFactory,
)
from microcred.service.records import AwardRecord, Principal
from microcred.service.signing_keys import SignerFactory, load_issuer_identity
from microcred.service.signing_keys import local_signer as _local_signer
from microcred.service.urls import credential_url

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _unsigned(
    credential: Mapping[str, Any], *, issuer_did: str, credential_id: str, now: str
) -> dict[str, Any]:
    """The caller's credential with microcred as issuer, an id and a validFrom (VC-DM 2.0 §4)."""
    if not isinstance(credential, Mapping):
        raise InvalidInputError("credential: must be a JSON object")
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2:
        raise InvalidInputError(f"credential/@context: must be a list starting with {VC_V2}")
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise InvalidInputError("credential/type: must be a list including VerifiableCredential")
    if not isinstance(credential.get("credentialSubject"), Mapping | list):
        raise InvalidInputError("credential/credentialSubject: is required")
    if "proof" in credential:
        raise InvalidInputError("credential/proof: the credential is already secured")
    if "credentialStatus" in credential:
        raise InvalidInputError("credential/credentialStatus: microcred adds the status itself")
    unsigned = dict(credential)
    issuer = credential.get("issuer")
    unsigned["issuer"] = {**issuer, "id": issuer_did} if isinstance(issuer, Mapping) else issuer_did
    unsigned.setdefault("id", credential_id)
    unsigned.setdefault("validFrom", now)
    return unsigned


def issue_supplied_credential(
    principal: Principal,
    *,
    credential: Mapping[str, Any],
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    publisher: EventPublisher,
    base_url: str | None,
    credential_id: str | None = None,
    suspendable: bool = False,
    suite: str = DEFAULT_SUITE,
    loader: DocumentLoader | None = None,
    signer_factory: SignerFactory = _local_signer,
) -> AwardRecord:
    """Issuer role: secure ``credential`` as the principal's organisation, with status.

    Raises InvalidInputError naming the property that makes the credential unusable.
    """
    require_role(principal, "issuer")
    if suite not in SUITES:
        raise InvalidInputError(f"suite: {suite!r} is not one of {', '.join(SUITES)}")
    organisation_id = principal.organisation_id
    award_id = new_id(rng)
    with uow() as tx:
        identity = load_issuer_identity(
            tx, organisation_id, cipher=cipher, base_url=base_url, signer_factory=signer_factory
        )
        now = clock()
        unsigned = _unsigned(
            credential,
            issuer_did=identity.did,
            credential_id=credential_id or credential_url(base_url, award_id),
            now=xsd_datetime(now),
        )
        if tx.awards.by_credential_id(str(unsigned["id"])) is not None:
            raise InvalidInputError(f"credential/id: {unsigned['id']!r} was issued before")
        (revocation,) = reserve_positions(tx, identity, "revocation", 1, rng)
        suspension = (
            reserve_positions(tx, identity, "suspension", 1, rng)[0] if suspendable else None
        )
        secured = secure_credential(
            with_status(unsigned, base_url, revocation, suspension),
            signer=identity.signer,
            suite=suite,
            created=xsd_datetime(now),
            loader=loader or default_loader(),
        )
        subject = unsigned["credentialSubject"]
        award = AwardRecord(
            id=award_id,
            organisation_id=organisation_id,
            credential_id=str(unsigned["id"]),
            version_id=None,
            learner={"id": subject.get("id")} if isinstance(subject, Mapping) else {},
            credential=credential_text(secured),
            suite=suite,
            issued_at=now,
            revocation=revocation,
            suspension=suspension,
            valid_until=valid_until_of(unsigned),
        )
        record_issued(
            tx, [award], principal=principal, key_id=identity.key_id, clock=clock, rng=rng
        )
        tx.commit()
    publish_issued(publisher, [award])
    return award
