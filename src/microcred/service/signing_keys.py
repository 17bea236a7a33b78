"""Organisation signing keys: Ed25519 seeds encrypted at rest, the issuer identity, rotation,
and the did:web document listing every key (did:web §3.2; W3C CID 1.0 §2.2.2 Multikey).

The seed is decrypted only in memory, into a :class:`~microcred.core.keys.signer.Signer`; it is
never returned, logged or put in a record's ``repr``. The AES-GCM associated data binds a blob to
its organisation and key (``<organisation id>/<key id>``), so a blob moved to another row does
not decrypt.

Rotation retires a key from issuing credentials; it does not destroy it. A retired key's seed
stays stored and decryptable, because every status list is bound to the key it was opened with
and is re-signed by that key whenever one of its bits changes (:func:`load_key_identity`): the
list's issuer must be the issuer of the credentials pointing into it (BSL 1.0 §3.2), and for a
did:key issuer only the old key speaks for the old DID.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from microcred.core.did.web import did_web_document
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.keys.signer import Ed25519Signer, Signer
from microcred.service.access import require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict, NotFound
from microcred.service.ids import new_id
from microcred.service.ports import Clock, KeyCipher, RandomBytes, UnitOfWork, UnitOfWorkFactory
from microcred.service.records import Organisation, Principal, SigningKeyRecord
from microcred.service.urls import did_web_of, hosts_did_web

SignerFactory = Callable[[bytes, str], Signer]
"""Key custody seam: ``(seed, verification method URL) -> Signer``."""


def local_signer(seed: bytes, verification_method: str) -> Signer:
    """The default custody: sign in process with libsodium."""
    return Ed25519Signer(seed, verification_method=verification_method)


@dataclass(frozen=True)
class IssuerIdentity:
    """Who signs for an organisation right now: its DID, the active key's method and signer."""

    organisation: Organisation
    did: str
    verification_method: str
    key_id: str
    signer: Signer = field(repr=False, compare=False)


@dataclass(frozen=True)
class PublicKey:
    """A signing key as anyone may see it."""

    id: str
    organisation_id: str
    public_key_multibase: str
    verification_method: str
    created_at: datetime
    retired_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.retired_at is None


def _aad(organisation_id: str, key_id: str) -> bytes:
    return f"{organisation_id}/{key_id}".encode()


@dataclass(frozen=True)
class EncryptedKey:
    """A new Ed25519 key as it is stored: its id, public key and encrypted seed."""

    key_id: str
    public_key_multibase: str
    encrypted_secret: bytes = field(repr=False)


def new_encrypted_key(
    aad: Callable[[str], bytes], *, cipher: KeyCipher, rng: RandomBytes
) -> EncryptedKey:
    """A fresh Ed25519 key whose seed is encrypted at once, bound by ``aad(key_id)`` to its
    owner and id (so a blob copied to another row does not decrypt); the seed is not kept."""
    seed = rng(32)
    pair = Ed25519KeyPair.generate(seed)
    key_id = new_id(rng)
    return EncryptedKey(key_id, pair.public_key_multibase, cipher.encrypt(seed, aad=aad(key_id)))


def new_signing_key(
    tx: UnitOfWork,
    *,
    organisation_id: str,
    ordinal: int,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
) -> SigningKeyRecord:
    """Generate an Ed25519 key, encrypt its seed and add it to the open unit of work."""
    new = new_encrypted_key(lambda key_id: _aad(organisation_id, key_id), cipher=cipher, rng=rng)
    record = SigningKeyRecord(
        id=new.key_id,
        organisation_id=organisation_id,
        public_key_multibase=new.public_key_multibase,
        encrypted_secret=new.encrypted_secret,
        created_at=clock(),
        ordinal=ordinal,
    )
    tx.signing_keys.add(record)
    return record


def _keys(tx: UnitOfWork, organisation_id: str) -> list[SigningKeyRecord]:
    keys = sorted(tx.signing_keys.all_for(organisation_id), key=lambda k: k.ordinal)
    if [k.ordinal for k in keys] != list(range(len(keys))):
        raise Conflict(f"the signing keys of organisation {organisation_id} are misnumbered")
    return keys


def _active(tx: UnitOfWork, organisation_id: str) -> SigningKeyRecord:
    key = tx.signing_keys.active_for(organisation_id)
    if key is None:
        raise NotFound(f"organisation {organisation_id!r} has no active signing key")
    return key


def organisation_did(
    organisation: Organisation, active_key: SigningKeyRecord, *, base_url: str | None
) -> str:
    """did:web under an https ``base_url``; otherwise did:key of the active key (so a rotation
    changes the DID of a did:key issuer)."""
    if hosts_did_web(base_url):
        return did_web_of(str(base_url), organisation.slug)
    return "did:key:" + active_key.public_key_multibase


def verification_method_of(
    organisation: Organisation, key: SigningKeyRecord, *, base_url: str | None
) -> str:
    """``<did:web>#key-<ordinal>``, or ``did:key:<mb>#<mb>`` without did:web hosting."""
    if hosts_did_web(base_url):
        return f"{did_web_of(str(base_url), organisation.slug)}#key-{key.ordinal}"
    return f"did:key:{key.public_key_multibase}#{key.public_key_multibase}"


def _identity(
    organisation: Organisation,
    key: SigningKeyRecord,
    *,
    cipher: KeyCipher,
    base_url: str | None,
    signer_factory: SignerFactory,
) -> IssuerIdentity:
    """``organisation`` acting as ``key`` (decrypts its seed into a signer)."""
    seed = cipher.decrypt(key.encrypted_secret, aad=_aad(organisation.id, key.id))
    method = verification_method_of(organisation, key, base_url=base_url)
    return IssuerIdentity(
        organisation=organisation,
        did=organisation_did(organisation, key, base_url=base_url),
        verification_method=method,
        key_id=key.id,
        signer=signer_factory(seed, method),
    )


def _organisation(tx: UnitOfWork, organisation_id: str) -> Organisation:
    organisation = tx.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id!r} not found")
    return organisation


def load_issuer_identity(
    tx: UnitOfWork,
    organisation_id: str,
    *,
    cipher: KeyCipher,
    base_url: str | None,
    signer_factory: SignerFactory = local_signer,
) -> IssuerIdentity:
    """The identity that signs credentials for ``organisation_id`` now (its active key)."""
    organisation = _organisation(tx, organisation_id)
    key = _active(tx, organisation_id)
    return _identity(
        organisation, key, cipher=cipher, base_url=base_url, signer_factory=signer_factory
    )


def load_key_identity(
    tx: UnitOfWork,
    organisation_id: str,
    key_id: str,
    *,
    cipher: KeyCipher,
    base_url: str | None,
    signer_factory: SignerFactory = local_signer,
) -> IssuerIdentity:
    """The identity of one key of ``organisation_id``, active or retired: what signs a status
    list bound to that key. For a retired did:key key, ``did`` is the DID it issued as."""
    organisation = _organisation(tx, organisation_id)
    key = next((k for k in tx.signing_keys.all_for(organisation_id) if k.id == key_id), None)
    if key is None:
        raise NotFound(f"organisation {organisation_id!r} has no signing key {key_id!r}")
    return _identity(
        organisation, key, cipher=cipher, base_url=base_url, signer_factory=signer_factory
    )


def _public(organisation: Organisation, key: SigningKeyRecord, base_url: str | None) -> PublicKey:
    return PublicKey(
        id=key.id,
        organisation_id=key.organisation_id,
        public_key_multibase=key.public_key_multibase,
        verification_method=verification_method_of(organisation, key, base_url=base_url),
        created_at=key.created_at,
        retired_at=key.retired_at,
    )


def issuer_did(organisation_id: str, *, uow: UnitOfWorkFactory, base_url: str | None) -> str:
    """The DID an organisation issues as today (public)."""
    with uow() as tx:
        organisation = _organisation(tx, organisation_id)
        return organisation_did(organisation, _active(tx, organisation_id), base_url=base_url)


def public_keys(
    organisation_id: str, *, uow: UnitOfWorkFactory, base_url: str | None
) -> list[PublicKey]:
    """Every signing key of an organisation, oldest first, active and retired (public)."""
    with uow() as tx:
        organisation = _organisation(tx, organisation_id)
        return [_public(organisation, k, base_url) for k in _keys(tx, organisation_id)]


def rotate_key(
    principal: Principal,
    *,
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    base_url: str | None,
) -> PublicKey:
    """Owner only: a new active key, whose credentials get positions in new status lists; the
    old one is retired from issuing but stays in the DID document and keeps signing the status
    lists opened with it, so credentials it signed keep verifying and can still be revoked."""
    require_role(principal, "owner")
    organisation_id = principal.organisation_id
    with uow() as tx:
        organisation = _organisation(tx, organisation_id)
        keys = _keys(tx, organisation_id)
        old = _active(tx, organisation_id)
        tx.signing_keys.retire(old.id, at=clock())
        new = new_signing_key(
            tx,
            organisation_id=organisation_id,
            ordinal=len(keys),
            cipher=cipher,
            clock=clock,
            rng=rng,
        )
        record_audit(
            tx,
            organisation_id=organisation_id,
            actor=principal.actor,
            action="signing_key.rotated",
            subject=new.id,
            details={"retired": old.id, "public_key_multibase": new.public_key_multibase},
            clock=clock,
            rng=rng,
        )
        tx.commit()
        return _public(organisation, new, base_url)


def did_document(slug: str, *, uow: UnitOfWorkFactory, base_url: str | None) -> dict[str, Any]:
    """The did:web DID document of organisation ``slug`` listing ALL its keys as Multikey
    ``#key-<n>`` (public; served at ``<base_url>/orgs/<slug>/did.json``)."""
    if not hosts_did_web(base_url):
        raise NotFound("this server hosts no did:web documents (no https base URL is set)")
    with uow() as tx:
        organisation = tx.organisations.by_slug(slug)
        if organisation is None:
            raise NotFound(f"organisation {slug!r} not found")
        keys = _keys(tx, organisation.id)
    if not keys:
        raise NotFound(f"organisation {slug!r} has no signing keys")
    return did_web_document(
        did_web_of(str(base_url), organisation.slug), [k.public_key_multibase for k in keys]
    )
