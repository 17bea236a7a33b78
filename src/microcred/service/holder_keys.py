"""Holder keys: one Ed25519 key held by the server for each learner, whose did:key is the
``holder`` of the presentations the learner makes (VC-DM 2.0 §4.13; did:key method §3; VC-DI 1.0
§4.2 proofs with ``proofPurpose`` ``authentication``).

Custody is the same as for organisation keys (:mod:`microcred.service.signing_keys`): the seed is
encrypted with the operator's :class:`~microcred.service.ports.KeyCipher` and decrypted only in
memory, into a :class:`~microcred.core.keys.signer.Signer`; it is never returned, logged or put
in a ``repr``. The AES-GCM associated data (``holder/<learner id>/<key id>``) binds a blob to its
learner and key, so a blob copied to another row, or to an organisation key, does not decrypt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from microcred.core.keys.signer import Signer
from microcred.service.ports import Clock, KeyCipher, RandomBytes
from microcred.service.sharing_ports import SharingUnitOfWork, SharingUnitOfWorkFactory
from microcred.service.sharing_records import HolderKeyRecord
from microcred.service.signing_keys import SignerFactory, local_signer, new_encrypted_key


@dataclass(frozen=True)
class HolderIdentity:
    """Who signs a learner's presentations: the did:key, its verification method, the signer."""

    learner_id: str
    did: str
    verification_method: str
    signer: Signer = field(repr=False, compare=False)


def _aad(learner_id: str, key_id: str) -> bytes:
    return f"holder/{learner_id}/{key_id}".encode()


def _did(key: HolderKeyRecord) -> str:
    return "did:key:" + key.public_key_multibase


def _new_key(
    tx: SharingUnitOfWork, learner_id: str, *, cipher: KeyCipher, clock: Clock, rng: RandomBytes
) -> HolderKeyRecord:
    new = new_encrypted_key(lambda key_id: _aad(learner_id, key_id), cipher=cipher, rng=rng)
    record = HolderKeyRecord(
        id=new.key_id,
        learner_id=learner_id,
        public_key_multibase=new.public_key_multibase,
        encrypted_secret=new.encrypted_secret,
        created_at=clock(),
    )
    tx.holder_keys.add(record)
    return record


def holder_key(
    learner_id: str,
    *,
    uow: SharingUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
) -> HolderKeyRecord:
    """The learner's holder key, created (and committed) on first use. Two first uses at once:
    the store keeps one key per learner, the loser reads the winner's."""
    with uow() as tx:
        existing = tx.holder_keys.for_learner(learner_id)
        if existing is not None:
            return existing
        try:
            created = _new_key(tx, learner_id, cipher=cipher, clock=clock, rng=rng)
            tx.commit()
            return created
        except Exception as exc:  # most likely a concurrent first use: read what it stored
            failure = exc
    with uow() as tx:
        existing = tx.holder_keys.for_learner(learner_id)
    if existing is None:
        raise failure
    return existing


def holder_did(
    learner_id: str,
    *,
    uow: SharingUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
) -> str:
    """The learner's holder DID (``did:key:z6Mk...``), creating the key on first use."""
    return _did(holder_key(learner_id, uow=uow, cipher=cipher, clock=clock, rng=rng))


def load_holder_identity(
    learner_id: str,
    *,
    uow: SharingUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    signer_factory: SignerFactory = local_signer,
) -> HolderIdentity:
    """The learner's holder identity with a signer (decrypts the seed in memory only)."""
    key = holder_key(learner_id, uow=uow, cipher=cipher, clock=clock, rng=rng)
    seed = cipher.decrypt(key.encrypted_secret, aad=_aad(learner_id, key.id))
    did = _did(key)
    method = f"{did}#{key.public_key_multibase}"
    return HolderIdentity(
        learner_id=learner_id,
        did=did,
        verification_method=method,
        signer=signer_factory(seed, method),
    )
