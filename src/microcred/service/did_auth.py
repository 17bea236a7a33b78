"""DID authentication of a learner (issue 4, "learners can also be identified by a DID they
control"): the learner proves control of the DID on their account by signing a Verifiable
Presentation with it (VC-DM 2.0 §4.13; VC-DI 1.0 §4.4 ``proofPurpose`` ``authentication`` with the
server's one-time ``challenge`` and this site's ``domain``, which stop replay).

- :func:`did_challenge`: a fresh challenge (16 random bytes), kept for :data:`CHALLENGE_VALIDITY`;
  asking again replaces it.
- :func:`prove_did`: the presentation must verify (:func:`~microcred.core.verify.presentation.
  verify_presentation`: proof with exactly that challenge and domain, signed with a key the
  ``holder`` controls) and its ``holder`` must be the account's DID; the challenge is used up
  either way, and the DID is marked verified (``did_verified_at``). ``did:key`` and ``did:web``
  (through the guarded fetcher) are resolved by the verifier.
- :func:`adopt_holder_did`: the did:key the server holds for the learner
  (:mod:`microcred.service.holder_keys`) becomes their DID, verified at once (the server signs
  with it for them, control needs no proof).
- Changing the DID (:func:`microcred.service.accounts.set_did`) drops the proof.

A proven DID identifies the learner as the recipient of awards issued to that DID
(:func:`proven_did`); the claim rule is in docs/wallet.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.presentation import PresentationReport, verify_presentation
from microcred.errors import InvalidInputError
from microcred.service.accounts import Account
from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.holder_keys import holder_did
from microcred.service.learner_records import LearnerRecord
from microcred.service.ports import Clock, KeyCipher, RandomBytes, UnitOfWork, UnitOfWorkFactory
from microcred.service.presentations import new_challenge
from microcred.service.sharing_ports import SharingUnitOfWorkFactory

CHALLENGE_VALIDITY: Final = timedelta(minutes=15)
MAX_PRESENTATION_BYTES: Final = 256 * 1024


class DidNotProvenError(InvalidInputError):
    """The presentation did not prove control of the DID; ``report`` says why."""

    def __init__(self, message: str, report: PresentationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class DidChallenge:
    """What the learner signs: ``challenge`` and ``domain`` in the proof, ``did`` as holder."""

    did: str
    challenge: str
    domain: str
    expires_at: datetime


def site_domain(base_url: str | None) -> str:
    """The ``domain`` a presentation for this site must carry: the host of its public URL."""
    host = urlsplit(base_url or "").hostname
    if not host:
        raise InvalidInputError("DID authentication needs the site's public address (base_url)")
    return host


def _learner(tx: UnitOfWork, account: Account) -> LearnerRecord:
    if account.kind != "learner":
        raise PermissionDenied("only learners prove a DID")
    learner = tx.learners.get(account.id)
    if learner is None:
        raise NotFound("this account no longer exists")
    return learner


def did_challenge(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    account: Account,
    base_url: str | None,
) -> DidChallenge:
    """A fresh challenge for proving the account's DID (InvalidInputError when it has none)."""
    domain = site_domain(base_url)
    challenge = new_challenge(rng)
    expires_at = clock() + CHALLENGE_VALIDITY
    with uow() as tx:
        learner = _learner(tx, account)
        if learner.did is None:
            raise InvalidInputError("did: save the DID you control first")
        tx.learners.set_did_challenge(learner.id, challenge, expires_at)
        tx.commit()
    return DidChallenge(did=learner.did, challenge=challenge, domain=domain, expires_at=expires_at)


def pending_challenge(
    *, uow: UnitOfWorkFactory, clock: Clock, account: Account, base_url: str | None
) -> DidChallenge | None:
    """The challenge the learner was given and may still answer, or None."""
    with uow() as tx:
        learner = _learner(tx, account)
        pending = tx.learners.did_challenge(learner.id)
    if learner.did is None or pending is None or pending[1] <= clock():
        return None
    return DidChallenge(learner.did, pending[0], site_domain(base_url), pending[1])


def _reason(report: PresentationReport) -> str:
    failed = [c for c in report.checks if not c.passed]
    if not failed:
        return "the presentation did not prove control of the DID"
    return "; ".join(f"{c.name}: {c.reason}" for c in failed)


def prove_did(
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    account: Account,
    presentation: str,
    verifier: Verifier,
    base_url: str | None,
) -> LearnerRecord:
    """Mark the account's DID verified when ``presentation`` (JSON) proves control of it; raises
    :class:`DidNotProvenError` naming the failed check otherwise. The challenge is used up."""
    domain = site_domain(base_url)
    with uow() as tx:
        learner = _learner(tx, account)
        pending = tx.learners.did_challenge(learner.id)
        if learner.did is None:
            raise InvalidInputError("did: save the DID you control first")
        if pending is None or pending[1] <= clock():
            raise DidNotProvenError("challenge: ask for a new challenge (it is used or expired)")
        tx.learners.set_did_challenge(learner.id, None, None)
        tx.commit()
    if not presentation.strip():
        raise DidNotProvenError("presentation: paste the signed presentation")
    if len(presentation.encode("utf-8")) > MAX_PRESENTATION_BYTES:
        raise DidNotProvenError(f"presentation: larger than {MAX_PRESENTATION_BYTES // 1024} KB")
    report = verify_presentation(
        presentation, verifier=verifier, challenge=pending[0], domain=domain
    )
    holder = report.check("holder")
    if not report.own.verified or holder is None or not holder.passed:
        raise DidNotProvenError(f"presentation: {_reason(report)}", report)
    if report.holder != learner.did:
        raise DidNotProvenError(
            f"presentation: its holder is {report.holder}, not your DID {learner.did}", report
        )
    with uow() as tx:
        current = _learner(tx, account)
        if current.did != learner.did:
            raise DidNotProvenError("did: the DID changed meanwhile; prove the new one")
        proven = replace(current, did_verified_at=clock())
        tx.learners.update(proven)
        tx.commit()
    return proven


def adopt_holder_did(
    *,
    uow: SharingUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    account: Account,
) -> LearnerRecord:
    """Make the did:key the wallet holds for the learner their DID, verified at once."""
    with uow() as tx:
        _learner(tx, account)
    did = holder_did(account.id, uow=uow, cipher=cipher, clock=clock, rng=rng)
    with uow() as tx:
        learner = _learner(tx, account)
        adopted = replace(learner, did=did, did_verified_at=clock())
        tx.learners.update(adopted)
        tx.learners.set_did_challenge(learner.id, None, None)
        tx.commit()
    return adopted


def proven_did(learner: LearnerRecord) -> str | None:
    """The learner's DID when they proved control of it, else None."""
    return learner.did if learner.did and learner.did_verified_at is not None else None
