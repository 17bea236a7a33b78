"""Verifiable Presentations made for learners and checked for verifiers (issue 4, "the learner
selects credentials and presents them, signed by a key held for them (did:key) with the
verifier's challenge and domain; a verifier page checks them").

:func:`present` embeds the chosen held credentials (a VC-JWT as an
``EnvelopedVerifiableCredential``, VC-JOSE-COSE §3.1.3) in a presentation whose ``holder`` is
the learner's did:key (:mod:`microcred.service.holder_keys`), signed with ``eddsa-rdfc-2022``
for ``authentication`` with the verifier's ``challenge`` and ``domain`` (VC-DM 2.0 §4.13,
VC-DI 1.0 §4.2 and §2.1.2). :func:`check_presentation` verifies one against the verifier's
challenge and domain (the core's :func:`verify_presentation`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from microcred.core.jsonld.loader import DocumentLoader, default_loader
from microcred.core.proofs.jose import enveloped_credential
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.presentation import (
    MAX_CREDENTIALS,
    PresentationReport,
    create_presentation,
    verify_presentation,
)
from microcred.errors import InvalidInputError
from microcred.service.accounts import Account
from microcred.service.holder_keys import load_holder_identity
from microcred.service.ids import new_id
from microcred.service.issuing import xsd_datetime
from microcred.service.learner_records import HoldingRecord
from microcred.service.ports import Clock, KeyCipher, RandomBytes
from microcred.service.sharing import learner_id_of, own_holding
from microcred.service.sharing_ports import SharingUnitOfWorkFactory
from microcred.service.signing_keys import SignerFactory, local_signer

MAX_OPTION_CHARS: Final = 512
CHALLENGE_BYTES: Final = 16


def new_challenge(rng: RandomBytes) -> str:
    """A fresh challenge a verifier gives the learner (16 random bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(rng(CHALLENGE_BYTES)).rstrip(b"=").decode("ascii")


def _option(name: str, value: str | None, *, required: bool) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise InvalidInputError(f"{name}: the verifier's {name} is required")
        return None
    if len(text) > MAX_OPTION_CHARS or any(ord(c) < 0x20 for c in text):
        raise InvalidInputError(
            f"{name}: at most {MAX_OPTION_CHARS} characters, without control characters"
        )
    return text


def embeddable(holding: HoldingRecord) -> dict[str, Any]:
    """The held credential as it goes in a presentation's ``verifiableCredential``."""
    if holding.kind == "jwt":
        return enveloped_credential(holding.credential.strip())
    if holding.kind == "ob2":
        raise InvalidInputError(
            f"credential {holding.id!r}: an Open Badges 2.0 assertion is not a Verifiable "
            "Credential and cannot be presented"
        )
    try:
        document = json.loads(holding.credential)
    except ValueError as exc:
        raise InvalidInputError(f"credential {holding.id!r} is not JSON") from exc
    if not isinstance(document, dict):
        raise InvalidInputError(f"credential {holding.id!r} is not a JSON object")
    return document


def present(
    account: Account,
    holding_ids: Sequence[str],
    *,
    challenge: str | None,
    domain: str | None,
    uow: SharingUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    loader: DocumentLoader | None = None,
    signer_factory: SignerFactory = local_signer,
) -> dict[str, Any]:
    """A presentation of the learner's credentials ``holding_ids`` (in that order, each once),
    signed by the learner's holder key for the verifier's ``challenge`` (required) and
    ``domain`` (optional)."""
    learner_id = learner_id_of(account)
    checked_challenge = _option("challenge", challenge, required=True)
    checked_domain = _option("domain", domain, required=False)
    wanted = list(dict.fromkeys(holding_ids))
    if not wanted:
        raise InvalidInputError("credentials: choose at least one credential to present")
    if len(wanted) > MAX_CREDENTIALS:
        raise InvalidInputError(f"credentials: at most {MAX_CREDENTIALS} in one presentation")
    with uow() as tx:
        holdings = [own_holding(tx, learner_id, holding_id) for holding_id in wanted]
    credentials = [embeddable(h) for h in holdings]
    identity = load_holder_identity(
        learner_id, uow=uow, cipher=cipher, clock=clock, rng=rng, signer_factory=signer_factory
    )
    return create_presentation(
        credentials,
        signer=identity.signer,
        holder=identity.did,
        challenge=checked_challenge,
        domain=checked_domain,
        loader=loader or default_loader(),
        created=xsd_datetime(clock()),
        presentation_id=f"urn:uuid:{new_id(rng)}",
    )


def check_presentation(
    presentation: Mapping[str, Any] | str | bytes,
    *,
    verifier: Verifier,
    challenge: str | None,
    domain: str | None,
) -> PresentationReport:
    """Public: verify a signed presentation for the verifier's ``challenge`` and ``domain``
    (when given, the holder's proof must carry exactly them); never raises on bad input."""
    return verify_presentation(
        presentation,
        verifier=verifier,
        challenge=challenge.strip() if challenge and challenge.strip() else None,
        domain=domain.strip() if domain and domain.strip() else None,
    )


def presentable_holdings(account: Account, *, uow: SharingUnitOfWorkFactory) -> list[HoldingRecord]:
    """The learner's credentials that can go in a presentation (every kind but OB 2.0), newest
    first."""
    learner_id = learner_id_of(account)
    with uow() as tx:
        holdings = tx.holdings.list_for(learner_id)
    return [h for h in holdings if h.kind != "ob2"]
