"""Share links, LinkedIn links, holder keys and presentations, on the in-memory fakes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from fakes import FakeCipher, FakeStore, FixedClock, SeededRandom
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import Outcome, VerificationReport
from microcred.errors import InvalidInputError
from microcred.service.accounts import Account
from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.holder_keys import holder_did, load_holder_identity
from microcred.service.learner_records import HoldingRecord
from microcred.service.linkedin import add_to_profile_url
from microcred.service.presentations import check_presentation, new_challenge, present
from microcred.service.sharing import (
    LiveVerification,
    NoLongerShared,
    create_share_link,
    list_share_links,
    open_share_link,
    revoke_share_link,
)

PEER = Path(__file__).parents[2] / "vectors" / "js-peer-issued"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ANNA = Account(
    kind="learner", id="learner-anna", email="anna@example.org", name="Anna", language=None
)
BEN = Account(kind="learner", id="learner-ben", email="ben@example.org", name="Ben", language=None)


@pytest.fixture
def store() -> FakeStore:
    store = FakeStore(clock=FixedClock(NOW))
    with store.uow() as tx:
        for owner, holding_id, name, kind in (
            (ANNA, "h-anna", "ob3-signed.json", "ob3"),
            (ANNA, "h-anna-jwt", "ob3.vc-jwt", "jwt"),
            (BEN, "h-ben", "ob3-signed.json", "ob3"),
        ):
            tx.holdings.add(
                HoldingRecord(
                    id=holding_id,
                    learner_id=owner.id,
                    credential=(PEER / name).read_text(encoding="utf-8").strip(),
                    kind=kind,  # type: ignore[arg-type]
                    source="import:" + name,
                    added_at=NOW,
                    title="Data Literacy",
                    issuer_name="University of Galway",
                )
            )
        tx.commit()
    return store


def _link(store: FakeStore, account: Account = ANNA, **options: object):  # type: ignore[no-untyped-def]
    return create_share_link(
        account,
        "h-anna" if account is ANNA else "h-ben",
        uow=store.uow,
        clock=store.clock,
        rng=SeededRandom(),
        **options,  # type: ignore[arg-type]
    )


def test_a_link_opens_counts_views_and_dies_when_revoked(store: FakeStore) -> None:
    link = _link(store, label="  for   my CV ")
    assert link.visibility == "unlisted" and link.label == "for my CV"
    assert len(link.token) == 24 and "=" not in link.token
    opened = open_share_link(link.token, uow=store.uow, clock=store.clock)
    assert opened.holding.id == "h-anna"
    again = open_share_link(link.token, uow=store.uow, clock=store.clock)
    assert (again.link.views, again.link.last_viewed_at) == (2, NOW)
    assert [k.views for k in list_share_links(ANNA, uow=store.uow)] == [2]
    revoked = revoke_share_link(ANNA, link.id, uow=store.uow, clock=store.clock)
    assert revoked.revoked_at == NOW
    with pytest.raises(NoLongerShared, match="revoked"):
        open_share_link(link.token, uow=store.uow, clock=store.clock)


def test_an_expired_link_is_no_longer_shared(store: FakeStore) -> None:
    link = _link(store, visibility="public", expires_at=NOW + timedelta(days=1))
    assert open_share_link(link.token, uow=store.uow, clock=store.clock).link.visibility == "public"
    later = FixedClock(NOW + timedelta(days=2))
    with pytest.raises(NoLongerShared, match="expired"):
        open_share_link(link.token, uow=store.uow, clock=later)


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "../../etc", "A" * 24])
def test_unknown_or_malformed_tokens_are_not_found(store: FakeStore, token: str) -> None:
    with pytest.raises(NotFound):
        open_share_link(token, uow=store.uow, clock=store.clock)


def test_another_learner_can_neither_share_nor_revoke_nor_list(store: FakeStore) -> None:
    link = _link(store)
    with pytest.raises(NotFound):
        create_share_link(BEN, "h-anna", uow=store.uow, clock=store.clock, rng=SeededRandom())
    with pytest.raises(NotFound):
        revoke_share_link(BEN, link.id, uow=store.uow, clock=store.clock)
    assert list_share_links(BEN, uow=store.uow) == []
    assert open_share_link(link.token, uow=store.uow, clock=store.clock).link.revoked_at is None
    staff = Account(kind="staff", id="u1", email="s@x.org", name="S", language=None)
    with pytest.raises(PermissionDenied):
        list_share_links(staff, uow=store.uow)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"visibility": "everyone"}, "visibility"),
        ({"expires_at": NOW - timedelta(seconds=1)}, "future"),
        ({"expires_at": datetime(2027, 1, 1)}, "time zone"),
        ({"label": "x" * 201}, "label"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_stored(
    store: FakeStore, options: dict[str, object], problem: str
) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        _link(store, **options)
    assert list_share_links(ANNA, uow=store.uow) == []


def test_live_verification_is_cached_per_link_for_a_minute(store: FakeStore) -> None:
    calls: list[str] = []

    def verify(text: str) -> VerificationReport:
        calls.append(text)
        return VerificationReport(())

    clock = FixedClock(NOW)
    live = LiveVerification(verify, clock=clock)
    shared = open_share_link(_link(store).token, uow=store.uow, clock=store.clock)
    first = live.check(shared)
    clock.now = NOW + timedelta(seconds=59)
    assert live.check(shared) is first and len(calls) == 1
    clock.now = NOW + timedelta(seconds=60)
    assert live.check(shared).checked_at == clock.now and len(calls) == 2


def test_live_verification_checks_again_when_the_award_state_changes(store: FakeStore) -> None:
    calls: list[str] = []

    def verify(text: str) -> VerificationReport:
        calls.append(text)
        return VerificationReport(())

    live = LiveVerification(verify, clock=FixedClock(NOW))
    shared = open_share_link(_link(store).token, uow=store.uow, clock=store.clock)
    active = replace(shared, award_state="active")
    first = live.check(active)
    assert live.check(active) is first and len(calls) == 1
    revoked = live.check(replace(shared, award_state="revoked"))
    assert revoked is not first and len(calls) == 2
    assert live.check(replace(shared, award_state="revoked")) is revoked and len(calls) == 2


def test_linkedin_url_is_pre_filled_and_encoded() -> None:
    url = add_to_profile_url(
        name="Données & IA: niveau 1",
        organisation_name="Université de Lyon",
        issued=datetime(2026, 3, 2, tzinfo=UTC),
        expires=datetime(2029, 3, 2, tzinfo=UTC),
        cert_url="https://wallet.example/s/abc?x=1",
        cert_id="urn:uuid:1234",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in url and "+" not in url and "&IA" not in url
    assert dict(parse_qsl(parts.query)) == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Données & IA: niveau 1",
        "organizationName": "Université de Lyon",
        "issueYear": "2026",
        "issueMonth": "3",
        "expirationYear": "2029",
        "expirationMonth": "3",
        "certUrl": "https://wallet.example/s/abc?x=1",
        "certId": "urn:uuid:1234",
    }
    with pytest.raises(InvalidInputError, match="name"):
        add_to_profile_url(name="  ")
    assert "organizationId=1337" in add_to_profile_url(
        name="X", organisation_id="1337", organisation_name="ignored"
    )


def test_one_holder_key_per_learner_encrypted_and_stable(store: FakeStore) -> None:
    cipher, rng = FakeCipher(), SeededRandom()
    ports = {"uow": store.uow, "cipher": cipher, "clock": store.clock, "rng": rng}
    did = holder_did(ANNA.id, **ports)  # type: ignore[arg-type]
    assert did.startswith("did:key:z6Mk") and holder_did(ANNA.id, **ports) == did  # type: ignore[arg-type]
    assert holder_did(BEN.id, **ports) != did  # type: ignore[arg-type]
    (key,) = [k for k in store.tables.holder_keys.values() if k.learner_id == ANNA.id]
    assert len(key.encrypted_secret) > 32 and "encrypted_secret" not in repr(key)
    identity = load_holder_identity(ANNA.id, **ports)  # type: ignore[arg-type]
    assert identity.verification_method == f"{did}#{did.removeprefix('did:key:')}"
    assert "signer" not in repr(identity)
    # the blob is bound to its learner: moved to another learner it does not decrypt
    with pytest.raises(Exception):  # noqa: B017 -- AES-GCM authentication failure
        cipher.decrypt(key.encrypted_secret, aad=f"holder/{BEN.id}/{key.id}".encode())


def test_present_signs_for_the_verifier_and_verifies(store: FakeStore) -> None:
    challenge = new_challenge(SeededRandom(3))
    ports = {"uow": store.uow, "cipher": FakeCipher(), "clock": store.clock, "rng": SeededRandom()}
    vp = present(
        ANNA,
        ["h-anna", "h-anna-jwt", "h-anna"],
        challenge=challenge,
        domain="jobs.example",
        **ports,
    )  # type: ignore[arg-type]
    proof = vp["proof"][0] if isinstance(vp["proof"], list) else vp["proof"]
    assert (proof["proofPurpose"], proof["cryptosuite"]) == ("authentication", "eddsa-rdfc-2022")
    assert (proof["challenge"], proof["domain"]) == (challenge, "jobs.example")
    assert vp["holder"] == holder_did(ANNA.id, **ports)  # type: ignore[arg-type]
    assert len(vp["verifiableCredential"]) == 2
    assert vp["verifiableCredential"][1]["type"] == "EnvelopedVerifiableCredential"
    verifier = Verifier(clock=lambda: NOW)
    report = check_presentation(
        json.dumps(vp), verifier=verifier, challenge=challenge, domain="jobs.example"
    )
    assert report.verified, report.to_dict()
    assert report.check("holder").outcome is Outcome.PASSED  # type: ignore[union-attr]
    replayed = check_presentation(vp, verifier=verifier, challenge="another", domain=None)
    assert not replayed.verified
    assert replayed.check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]


def test_present_refuses_bad_requests(store: FakeStore) -> None:
    ports = {"uow": store.uow, "cipher": FakeCipher(), "clock": store.clock, "rng": SeededRandom()}
    with pytest.raises(InvalidInputError, match="challenge"):
        present(ANNA, ["h-anna"], challenge=" ", domain=None, **ports)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="at least one"):
        present(ANNA, [], challenge="c", domain=None, **ports)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        present(ANNA, ["h-ben"], challenge="c", domain=None, **ports)  # type: ignore[arg-type]
    assert store.tables.holder_keys == {}
