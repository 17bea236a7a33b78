"""DID authentication: a learner proves the DID on their account with a presentation signed
by it for the server's one-time challenge and this site's domain; anything else is refused
with the reason; a changed DID loses the proof; the wallet's own did:key is adopted at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fakes import FakeCipher, FakeStore, FixedClock, SeededRandom
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.presentation import create_presentation
from microcred.errors import InvalidInputError
from microcred.service import accounts, did_auth
from microcred.service.accounts import Account
from microcred.service.errors import PermissionDenied
from microcred.service.holder_keys import holder_did
from microcred.service.signing_keys import local_signer

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SITE = "https://wallet.example"
SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))


def did_of(seed: bytes) -> tuple[str, str]:
    """(did:key, verification method) of the Ed25519 key with ``seed``."""
    multibase = Ed25519KeyPair.generate(seed).public_key_multibase
    return f"did:key:{multibase}", f"did:key:{multibase}#{multibase}"


def signed(
    seed: bytes, *, challenge: str, domain: str = "wallet.example", holder: str | None = None
) -> str:
    did, method = did_of(seed)
    vp = create_presentation(
        [],
        signer=local_signer(seed, method),
        holder=holder or did,
        challenge=challenge,
        domain=domain,
        loader=default_loader(),
        created="2026-12-01T09:00:00Z",
    )
    return json.dumps(vp)


@pytest.fixture
def env() -> dict[str, Any]:
    store = FakeStore(clock=FixedClock(NOW))
    ports = {"uow": store.uow, "clock": store.clock, "rng": SeededRandom()}
    account = accounts.register_learner(
        email="aoife@example.ie", name="Aoife", password=None, language="en", **ports
    )
    return {"store": store, "ports": ports, "account": account}


def prove(env: dict[str, Any], presentation: str) -> Any:
    return did_auth.prove_did(
        uow=env["store"].uow,
        clock=env["store"].clock,
        account=env["account"],
        presentation=presentation,
        verifier=Verifier(clock=lambda: NOW),
        base_url=SITE,
    )


def challenge(env: dict[str, Any]) -> did_auth.DidChallenge:
    return did_auth.did_challenge(account=env["account"], base_url=SITE, **env["ports"])


def set_did(env: dict[str, Any], did: str) -> None:
    ports = env["ports"]
    accounts.set_did(uow=ports["uow"], clock=ports["clock"], account=env["account"], did=did)


def test_a_presentation_signed_by_the_did_for_the_challenge_proves_it(
    env: dict[str, Any],
) -> None:
    did, _ = did_of(SEED)
    set_did(env, did)
    given = challenge(env)
    assert (given.did, given.domain) == (did, "wallet.example")
    assert given.expires_at == NOW + did_auth.CHALLENGE_VALIDITY
    pending = did_auth.pending_challenge(
        uow=env["store"].uow, clock=env["store"].clock, account=env["account"], base_url=SITE
    )
    assert pending == given
    proven = prove(env, signed(SEED, challenge=given.challenge))
    assert proven.did == did and proven.did_verified_at == NOW
    assert did_auth.proven_did(proven) == did
    stored = env["store"].tables.learners[env["account"].id]
    assert stored.did_verified_at == NOW
    # the challenge is used up: the same presentation cannot be replayed
    with pytest.raises(did_auth.DidNotProvenError, match="new challenge"):
        prove(env, signed(SEED, challenge=given.challenge))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda c: signed(OTHER_SEED, challenge=c), "not your DID"),
        (lambda c: signed(SEED, challenge="another"), "proof"),
        (lambda c: signed(SEED, challenge=c, domain="elsewhere.example"), "proof"),
        (lambda c: signed(OTHER_SEED, challenge=c, holder=did_of(SEED)[0]), "holder"),
        (lambda c: "{not json", "format"),
        (lambda c: "  ", "paste the signed presentation"),
    ],
)
def test_anything_else_is_refused_with_the_reason(
    env: dict[str, Any], make: Any, says: str
) -> None:
    set_did(env, did_of(SEED)[0])
    given = challenge(env)
    with pytest.raises(did_auth.DidNotProvenError, match=says):
        prove(env, make(given.challenge))
    assert env["store"].tables.learners[env["account"].id].did_verified_at is None


def test_an_expired_challenge_or_no_did_is_refused(env: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError, match="save the DID"):
        challenge(env)
    set_did(env, did_of(SEED)[0])
    given = challenge(env)
    env["store"].clock.advance(minutes=16)
    with pytest.raises(did_auth.DidNotProvenError, match="expired"):
        prove(env, signed(SEED, challenge=given.challenge))
    with pytest.raises(InvalidInputError, match="base_url"):
        did_auth.did_challenge(account=env["account"], base_url=None, **env["ports"])


def test_changing_the_did_drops_the_proof_and_staff_cannot_prove(env: dict[str, Any]) -> None:
    set_did(env, did_of(SEED)[0])
    prove(env, signed(SEED, challenge=challenge(env).challenge))
    set_did(env, did_of(SEED)[0])  # the same DID again: still proven
    assert env["store"].tables.learners[env["account"].id].did_verified_at == NOW
    set_did(env, did_of(OTHER_SEED)[0])
    assert env["store"].tables.learners[env["account"].id].did_verified_at is None
    staff = Account(kind="staff", id="u1", email="s@x.ie", name="S", language=None)
    with pytest.raises(PermissionDenied):
        did_auth.did_challenge(account=staff, base_url=SITE, **env["ports"])


def test_the_wallets_own_did_key_is_adopted_verified(env: dict[str, Any]) -> None:
    store = env["store"]
    ports = {"uow": store.uow, "cipher": FakeCipher(), "clock": store.clock, "rng": SeededRandom()}
    adopted = did_auth.adopt_holder_did(account=env["account"], **ports)
    assert adopted.did == holder_did(env["account"].id, **ports)  # type: ignore[arg-type]
    assert adopted.did is not None and adopted.did.startswith("did:key:z6Mk")
    assert adopted.did_verified_at == NOW
    assert store.tables.learners[env["account"].id] == adopted
    assert store.clock() - NOW < timedelta(seconds=1)
