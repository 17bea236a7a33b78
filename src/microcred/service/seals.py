"""Europass export and the organisation seals that sign it (issue 5; STANDARDS.md §2.4-§2.5).

An owner uploads the organisation's X.509 seal (PKCS#12 + password, or PEM chain + key): it is
validated (the key matches the certificate, the certificate is valid now; a key usage that does
not allow signing is a warning) and stored with its private key encrypted by the key cipher,
bound to ``<organisation id>/seal/<seal id>`` like the signing keys (service/signing_keys.py).
A new upload retires the previous seal. Seals are listed without secrets.

:func:`export_elm` turns one of the organisation's awards into a Europass
``EuropeanDigitalCredential`` (core/formats/elm.py), optionally sealed with JAdES
(core/proofs/jades.py); the seal certificate's ``organizationIdentifier`` becomes the issuer's
eIDAS legal identifier.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from microcred.core.formats.elm import elm_from_ob3
from microcred.core.proofs.jades import (
    SealKey,
    load_seal_pem,
    load_seal_pkcs12,
    load_stored_seal,
    organization_identifier,
    seal,
)
from microcred.errors import MICROCRED, DocumentParseError, InvalidInputError, KeyFormatError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict, NotFound
from microcred.service.ids import new_id
from microcred.service.ports import Clock, KeyCipher, RandomBytes
from microcred.service.records import Principal
from microcred.service.seal_ports import SealRecord, SealUnitOfWork, SealUnitOfWorkFactory

__all__ = [
    "ELM_MEDIA_TYPE",
    "JADES_MEDIA_TYPE",
    "ElmExport",
    "InvalidSealError",
    "SealInfo",
    "export_elm",
    "export_elm_for_holder",
    "list_seals",
    "read_seal_file",
    "upload_seal",
]

ELM_MEDIA_TYPE = "application/ld+json"
JADES_MEDIA_TYPE = "application/jose+json"
SealFormat = Literal["pkcs12", "pem"]
MAX_SEAL_FILE_BYTES = 256 * 1024


class InvalidSealError(InvalidInputError):
    """An uploaded seal cannot be used: not PKCS#12 or PEM, a wrong password, a key that does
    not match its certificate or is too weak, a certificate that is not valid now."""

    problem_type = MICROCRED + "INVALID_SEAL"


@dataclass(frozen=True)
class SealInfo:
    """A seal as anyone in the organisation may see it (no key), with upload warnings."""

    id: str
    label: str
    subject: str
    algorithm: str
    not_before: datetime
    not_after: datetime
    organization_identifier: str | None
    created_at: datetime
    active: bool
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ElmExport:
    """An exported award: the bytes and their media type (ELM JSON-LD, or the JAdES JSON)."""

    content: bytes
    media_type: str
    sealed: bool

    def filename(self, award_id: str) -> str:
        """The download's file name: ``europass-<award>.jsonld`` or ``.jades.json`` when sealed."""
        return f"europass-{award_id}.{'jades.json' if self.sealed else 'jsonld'}"


def _aad(organisation_id: str, seal_id: str) -> bytes:
    return f"{organisation_id}/seal/{seal_id}".encode()


def _info(record: SealRecord, warnings: tuple[str, ...] = ()) -> SealInfo:
    return SealInfo(
        id=record.id,
        label=record.label,
        subject=record.subject,
        algorithm=record.algorithm,
        not_before=record.not_before,
        not_after=record.not_after,
        organization_identifier=record.organization_identifier,
        created_at=record.created_at,
        active=record.retired_at is None,
        warnings=warnings,
    )


def read_seal_file(data: bytes, password: str | None, kind: SealFormat | None = None) -> SealKey:
    """A seal from PKCS#12 or PEM bytes (``kind`` None: PEM when the data looks like PEM);
    :class:`InvalidSealError` names what is wrong."""
    if not data:
        raise InvalidSealError("the seal file is empty")
    if len(data) > MAX_SEAL_FILE_BYTES:
        raise InvalidSealError(f"the seal file is larger than {MAX_SEAL_FILE_BYTES:,} bytes")
    if kind is None:
        kind = "pem" if b"-----BEGIN" in data else "pkcs12"
    try:
        if kind == "pem":
            return load_seal_pem(data, password)
        return load_seal_pkcs12(data, password)
    except KeyFormatError as problem:
        raise InvalidSealError(str(problem)) from None


def upload_seal(
    principal: Principal,
    *,
    data: bytes,
    password: str | None,
    kind: SealFormat | None = None,
    label: str = "",
    uow: SealUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
) -> SealInfo:
    """Owner only: validate and store a seal; it replaces the active one."""
    require_role(principal, "owner")
    key = read_seal_file(data, password, kind)
    now = clock()
    if problem := key.validity_problem(now):
        raise InvalidSealError(problem)
    certificate = key.certificate
    seal_id = new_id(rng)
    organisation_id = principal.organisation_id
    record = SealRecord(
        id=seal_id,
        organisation_id=organisation_id,
        label=label.strip()[:200] or certificate.subject.rfc4514_string()[:200],
        subject=certificate.subject.rfc4514_string(),
        algorithm=key.algorithm,
        certificate_chain=key.chain_pem(),
        encrypted_key=cipher.encrypt(key.private_key_der(), aad=_aad(organisation_id, seal_id)),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        created_at=now,
        organization_identifier=organization_identifier(certificate),
    )
    with uow() as tx:
        tx.seals.retire_all(organisation_id, at=now)
        tx.seals.add(record)
        record_audit(
            tx,
            organisation_id=organisation_id,
            actor=principal.actor,
            action="seal.uploaded",
            subject=seal_id,
            details={"subject": record.subject, "not_after": record.not_after.isoformat()},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return _info(record, tuple(key.usage_warnings()))


def list_seals(principal: Principal, *, uow: SealUnitOfWorkFactory) -> list[SealInfo]:
    """Any role: the organisation's seals, newest first, without their keys."""
    require_role(principal, "viewer")
    with uow() as tx:
        return [_info(r) for r in tx.seals.list_for(principal.organisation_id)]


def _active_seal(tx: SealUnitOfWork, organisation_id: str, cipher: KeyCipher) -> SealKey:
    record = tx.seals.active_for(organisation_id)
    if record is None:
        raise NotFound("the organisation has no seal; an owner must upload one first")
    der = cipher.decrypt(record.encrypted_key, aad=_aad(organisation_id, record.id))
    return load_stored_seal(der, record.certificate_chain)


def export_elm(
    principal: Principal,
    award_id: str,
    *,
    sealed: bool,
    uow: SealUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
) -> ElmExport:
    """Issuer role: the Europass export of one of the organisation's awards, sealed or not."""
    require_role(principal, "issuer")
    with uow() as tx:
        award = check_owned(principal, tx.awards.get(award_id), "award", award_id)
        key = _active_seal(tx, principal.organisation_id, cipher) if sealed else None
    return _export(award.credential, award_id, key, clock)


def export_elm_for_holder(
    award_id: str, *, uow: SealUnitOfWorkFactory, cipher: KeyCipher, clock: Clock
) -> ElmExport:
    """The Europass export of an award for the learner who holds it (the caller has checked
    that the learner's wallet holds ``award_id``): sealed when the issuer has a seal valid now,
    unsealed otherwise."""
    with uow() as tx:
        award = tx.awards.get(award_id)
        if award is None:
            raise NotFound(f"award {award_id!r} not found")
        key = (
            _active_seal(tx, award.organisation_id, cipher)
            if tx.seals.active_for(award.organisation_id) is not None
            else None
        )
    if key is not None and key.validity_problem(clock()):
        key = None
    return _export(award.credential, award_id, key, clock)


def _export(credential_text: str, award_id: str, key: SealKey | None, clock: Clock) -> ElmExport:
    try:
        credential = json.loads(credential_text)
    except ValueError:
        raise DocumentParseError(f"award {award_id!r}: its stored credential is not JSON") from None
    legal_identifier = organization_identifier(key.certificate) if key else None
    document = elm_from_ob3(credential, legal_identifier=legal_identifier)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if key is None:
        return ElmExport(payload, ELM_MEDIA_TYPE, sealed=False)
    now = clock()
    if problem := key.validity_problem(now):
        raise Conflict(problem + "; upload a new seal")
    envelope = seal(payload, key, signing_time=now)
    return ElmExport(json.dumps(envelope).encode("utf-8"), JADES_MEDIA_TYPE, sealed=True)
