"""Claims: award.issued makes one claim and one e-mail per award with a learner e-mail, in the
learner's language (issuance choice, else the credential's, else English); only the token's
hash is stored; a learner accepts it once into the wallet; a used or expired claim is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from service_support import Env

from fakes import PlainRenderer
from microcred.service import accounts, claims
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.events import Event

BASE = "https://issuer.example"


def publisher(env: Env) -> claims.ClaimPublisher:
    return claims.ClaimPublisher(renderer=PlainRenderer(), base_url=BASE, **env.writes)


def issued_events(env: Env) -> list[Event]:
    return [Event(org, name, data) for org, name, data in env.publisher.events]


def claim_token(env: Env, to: str) -> str:
    [mail] = [m for m in env.store.tables.mails.values() if m.to == to]
    found = re.search(r"url=https://issuer\.example/claim/([A-Za-z0-9_-]+)", mail.text)
    assert found
    return found.group(1)


def setup(env: Env, **learner: Any) -> tuple[Any, str]:
    _, owner = env.organisation()
    version = env.published(owner)
    award = env.issue(owner, version, **({"learner": learner} if learner else {}))
    publisher(env).publish_many(issued_events(env))
    return award, str(award.learner.get("email", "")).lower()


def test_an_issued_award_gets_one_claim_and_one_mail() -> None:
    env = Env()
    award, to = setup(env, name="Aoife Murphy", email="Aoife.Murphy@example.ie")
    [claim] = env.store.tables.claims.values()
    assert (claim.award_id, claim.email, claim.language) == (award.id, to, "en")
    assert (claim.expires_at - claim.created_at).days == 90
    [mail] = env.store.tables.mails.values()
    assert mail.to == to and mail.subject == "claim [en]" and mail.status == "pending"
    token = claim_token(env, to)
    assert claim.token_hash == accounts.hash_token(token) and token not in str(claim)
    publisher(env).publish_many(issued_events(env))  # published twice: still one claim
    assert len(env.store.tables.claims) == 1 and len(env.store.tables.mails) == 1


def test_the_language_chosen_at_issuance_wins() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    award = env.issue(owner, version)
    stored = env.store.tables.awards[award.id]
    env.store.tables.awards[award.id] = type(stored)(
        **{**stored.__dict__, "learner": {**stored.learner, "language": "de"}}
    )
    publisher(env).publish_many(issued_events(env))
    [mail] = env.store.tables.mails.values()
    assert mail.subject == "claim [de]"


def test_an_award_without_an_email_gets_no_claim_and_other_events_are_ignored() -> None:
    env = Env()
    setup(env, name="Aoife Murphy", did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    publisher(env).publish("org", "award.revoked", {"award_id": "x"})
    assert env.store.tables.claims == {} and env.store.tables.mails == {}


def test_a_learner_accepts_a_claim_once() -> None:
    env = Env()
    award, to = setup(env)
    token = claim_token(env, to)
    view = claims.open_claim(uow=env.uow, clock=env.clock, token=token, language="en")
    assert view.usable and view.award.id == award.id and view.title
    learner = accounts.register_learner(
        email=to, name="Aoife", password="a long passphrase", **env.writes
    )
    holding = claims.accept_claim(account=learner, token=token, **env.writes)
    assert (holding.award_id, holding.learner_id, holding.status) == (award.id, learner.id, "valid")
    assert holding.credential == award.credential and holding.title
    assert claims.accept_claim(account=learner, token=token, **env.writes) == holding
    other = accounts.register_learner(
        email="someone@example.ie", name="S", password="a long passphrase", **env.writes
    )
    with pytest.raises(Conflict, match="already been claimed"):
        claims.accept_claim(account=other, token=token, **env.writes)
    used = claims.open_claim(uow=env.uow, clock=env.clock, token=token, language="en")
    assert (used.usable, used.reason) == (False, "used")


def test_unknown_expired_and_staff_claims_are_refused() -> None:
    env = Env()
    _, to = setup(env)
    token = claim_token(env, to)
    with pytest.raises(NotFound):
        claims.open_claim(uow=env.uow, clock=env.clock, token="nope", language="en")
    learner = accounts.register_learner(email=to, name="A", password=None, **env.writes)
    staff = accounts.Account("staff", "u1", "s@example.ie", "S", None, "org", "owner")
    with pytest.raises(PermissionDenied):
        claims.accept_claim(account=staff, token=token, **env.writes)
    env.clock.advance(days=91)
    assert claims.open_claim(uow=env.uow, clock=env.clock, token=token, language="en").reason == (
        "expired"
    )
    with pytest.raises(Conflict, match="expired"):
        claims.accept_claim(account=learner, token=token, **env.writes)
