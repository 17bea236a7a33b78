"""add_proof / verify_proofs behaviour (VC Data Integrity 1.0 §4.2-4.5): purposes, challenges,
domains, proof sets, unsupported proofs and malformed input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import StaticDocumentLoader, default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.proofs import registry
from microcred.core.proofs.data_integrity import add_proof, verify_proofs
from microcred.errors import DataLossError, InvalidInputError, ProofError

VECTORS = Path(__file__).parents[3] / "vectors"
UNSIGNED = json.loads((VECTORS / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
PEER = VECTORS / "ob3-impl" / "js-peer"
KEY = Ed25519KeyPair.from_json(
    json.loads((VECTORS / "w3c-vc-di-eddsa" / "keyPair.json").read_text())
)
CREATED = "2024-05-01T12:00:00Z"
SECURITY = "https://w3id.org/security#"


@pytest.fixture(scope="module")
def loader() -> StaticDocumentLoader:
    return default_loader()


def _sign(loader: StaticDocumentLoader, **kwargs: Any) -> dict[str, Any]:
    return add_proof(UNSIGNED, signer=KEY.signer(), created=CREATED, loader=loader, **kwargs)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_round_trip_with_proof_array(suite: str, loader: StaticDocumentLoader) -> None:
    signed = _sign(loader, cryptosuite=suite)
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert "proof" not in UNSIGNED
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader)
    assert (check.verified, check.cryptosuite, check.proof_index) == (True, suite, 0)


def test_second_proof_is_appended_as_a_set(loader: StaticDocumentLoader) -> None:
    first = _sign(loader, proof_as_array=False)
    other = Ed25519KeyPair.generate(bytes(range(32)))
    both = add_proof(
        first,
        signer=other.signer(),
        cryptosuite="eddsa-jcs-2022",
        created=CREATED,
        loader=loader,
        proof_as_array=False,
    )
    assert len(both["proof"]) == 2 and both["proof"][0] == first["proof"]
    checks = verify_proofs(both, resolver=Resolver(), loader=loader)
    assert [c.verified for c in checks] == [True, True]
    assert [c.controller for c in checks] == [KEY.did, other.did]


@pytest.mark.parametrize(
    ("kwargs", "problem", "reason"),
    [
        ({"expected_purpose": "authentication"}, "PROOF_VERIFICATION_ERROR", "purpose"),
        ({"challenge": "abc"}, "INVALID_CHALLENGE_ERROR", "challenge"),
        ({"domain": "example.org"}, "INVALID_DOMAIN_ERROR", "domain"),
    ],
)
def test_wrong_purpose_challenge_domain_refused(
    kwargs: dict[str, Any], problem: str, reason: str, loader: StaticDocumentLoader
) -> None:
    signed = _sign(loader)
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader, **kwargs)
    assert not check.verified
    assert check.problem_type == SECURITY + problem
    assert reason in (check.reason or "")


def test_challenge_and_domain_are_signed_and_checked(loader: StaticDocumentLoader) -> None:
    signed = _sign(
        loader, proof_purpose="authentication", challenge="c-123", domain="verifier.example"
    )
    ok = verify_proofs(
        signed,
        resolver=Resolver(),
        loader=loader,
        expected_purpose="authentication",
        challenge="c-123",
        domain="verifier.example",
    )
    assert ok[0].verified, ok[0].reason
    wrong = verify_proofs(
        signed,
        resolver=Resolver(),
        loader=loader,
        expected_purpose="authentication",
        challenge="c-999",
    )
    assert wrong[0].problem_type == SECURITY + "INVALID_CHALLENGE_ERROR"
    signed["proof"][0]["domain"] = "evil.example"  # changing it breaks the signature
    forged = verify_proofs(
        signed,
        resolver=Resolver(),
        loader=loader,
        expected_purpose="authentication",
        domain="evil.example",
    )
    assert not forged[0].verified and "signature" in (forged[0].reason or "")


def test_key_not_in_assertion_method_is_refused(loader: StaticDocumentLoader) -> None:
    controller = "https://issuer.example/org"
    vm = f"{controller}#{KEY.public_key_multibase}"
    doc = {
        "id": controller,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": KEY.public_key_multibase,
            }
        ],
        "authentication": [vm],
    }
    signed = add_proof(UNSIGNED, signer=KEY.signer(vm), created=CREATED, loader=loader)
    (check,) = verify_proofs(signed, resolver=Resolver(documents={controller: doc}), loader=loader)
    assert not check.verified
    assert check.problem_type == SECURITY + "INVALID_VERIFICATION_METHOD"
    assert "not listed under assertionMethod" in (check.reason or "")


def test_key_of_someone_else_fails(loader: StaticDocumentLoader) -> None:
    impostor = Ed25519KeyPair.generate(bytes(32))
    signed = add_proof(
        UNSIGNED,
        signer=impostor.signer(KEY.did_key_verification_method),
        created=CREATED,
        loader=loader,
    )
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader)
    assert not check.verified and "signature does not match" in (check.reason or "")


def test_jcs_context_prefix_rule(loader: StaticDocumentLoader) -> None:
    signed = _sign(loader, cryptosuite="eddsa-jcs-2022")
    assert signed["proof"][0]["@context"] == UNSIGNED["@context"]
    signed["@context"] = list(reversed(signed["@context"]))
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader)
    assert not check.verified and "@context" in (check.reason or "")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "RsaSignature2018"}, "unsupported proof type 'RsaSignature2018'"),
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "unsupported cryptosuite 'ecdsa-rdfc-2019'"),
        ({"proofValue": "uAAAA"}, "prefix 'u'"),
        ({"proofValue": "z2222"}, "an Ed25519 signature has 64"),
        ({"proofPurpose": None}, "the proof has no proofPurpose"),
        ({"verificationMethod": None}, "the proof has no verificationMethod"),
        ({"created": "yesterday"}, "not a valid XML Schema dateTime"),
        ({"verificationMethod": "did:key:z6MkBAD#z6MkBAD"}, "does not hold an Ed25519 key"),
    ],
)
def test_malformed_proofs_give_named_reasons(
    change: dict[str, Any], reason: str, loader: StaticDocumentLoader
) -> None:
    signed = _sign(loader)
    proof = {**signed["proof"][0], **change}
    signed["proof"] = [{k: v for k, v in proof.items() if v is not None}]
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader)
    assert not check.verified
    assert reason in (check.reason or ""), check.reason


@pytest.mark.parametrize(
    "document",
    [
        "not a document",
        {"proof": "nope"},
        {"proof": [1, None]},
        {"@context": 5, "proof": {"type": "DataIntegrityProof"}},
    ],
)
def test_garbage_never_raises(document: Any, loader: StaticDocumentLoader) -> None:
    checks = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert checks and not any(c.verified for c in checks)
    assert all(c.reason for c in checks)


def test_unknown_context_fails_cleanly(loader: StaticDocumentLoader) -> None:
    signed = _sign(loader)
    signed["@context"] = [*signed["@context"], "https://unknown.example/context.json"]
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader)
    assert not check.verified and "unknown.example" in (check.reason or "")


def test_no_proof_gives_no_checks(loader: StaticDocumentLoader) -> None:
    assert verify_proofs(UNSIGNED, resolver=Resolver(), loader=loader) == []


def test_expired_proof_refused_when_now_given(loader: StaticDocumentLoader) -> None:
    from datetime import UTC, datetime

    signed = _sign(loader, expires="2025-01-01T00:00:00Z")
    assert verify_proofs(signed, resolver=Resolver(), loader=loader)[0].verified
    (check,) = verify_proofs(
        signed, resolver=Resolver(), loader=loader, now=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert not check.verified and "expired" in (check.reason or "")


def test_issuing_errors_raise(loader: StaticDocumentLoader) -> None:
    with pytest.raises(ProofError, match="unsupported cryptosuite 'ecdsa-rdfc-2019'"):
        _sign(loader, cryptosuite="ecdsa-rdfc-2019")
    with pytest.raises(ProofError, match="dateTime"):
        add_proof(UNSIGNED, signer=KEY.signer(), created="2024-13-01", loader=loader)
    with pytest.raises(InvalidInputError):
        add_proof([], signer=KEY.signer(), created=None, loader=loader)  # type: ignore[arg-type]
    badge = json.loads((PEER / "ob3-unsigned.json").read_text())
    with pytest.raises(DataLossError):
        add_proof({**badge, "ects": 3}, signer=KEY.signer(), created=None, loader=loader)
    with pytest.raises(ProofError, match="previous proof 'urn:x'"):
        _sign(loader, previous_proof="urn:x")


def test_registry_lists_and_rejects(loader: StaticDocumentLoader) -> None:
    assert {"eddsa-rdfc-2022", "eddsa-jcs-2022"} <= set(registry.registered_suites())
    with pytest.raises(ProofError, match="unsupported cryptosuite 'bbs-2023'"):
        registry.get("bbs-2023")


def test_js_peer_issued_credentials(loader: StaticDocumentLoader) -> None:
    signed = json.loads((PEER / "ob3-signed.json").read_text())
    (check,) = verify_proofs(signed, resolver=Resolver(), loader=loader)
    assert check.verified and check.controller == signed["issuer"]["id"]
    tampered = json.loads((PEER / "ob3-tampered.json").read_text())
    assert not verify_proofs(tampered, resolver=Resolver(), loader=loader)[0].verified
    did_web_doc = json.loads((PEER / "did-web-issuer.example.json").read_text())
    on_web = json.loads((PEER / "ob3-signed-didweb.json").read_text())
    resolver = Resolver(documents={did_web_doc["id"]: did_web_doc})
    (check,) = verify_proofs(on_web, resolver=resolver, loader=loader)
    assert check.verified and check.controller == "did:web:issuer.example"
