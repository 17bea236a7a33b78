"""``Ed25519Signature2020`` verification: the W3C vc-di-eddsa vectors (intermediate values) and
the 1EdTech OB 3.0 validator fixtures; tampering, context, key type, issuance refusal."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver, controller_document_for_key
from microcred.core.jsonld.canonicalize import canonical_nquads
from microcred.core.jsonld.loader import StaticDocumentLoader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.keys.multikey import encode_base58btc
from microcred.core.proofs.data_integrity import add_proof, verify_proofs
from microcred.core.proofs.legacy.ed25519_signature_2020 import Ed25519Signature2020
from microcred.errors import ProofError

W3C = Path(__file__).parents[4] / "vectors" / "w3c-vc-di-eddsa"
VECTORS = W3C / "Ed25519Signature2020"
SIGNED = json.loads((VECTORS / "signedEdSig.json").read_text())
KEY = Ed25519KeyPair.from_json(json.loads((W3C / "keyPair.json").read_text()))

Load = Callable[[str], dict[str, Any]]
Implied = Callable[[dict[str, Any]], Resolver]
Tamper = Callable[[dict[str, Any], tuple[str | int, ...]], dict[str, Any]]


def _text(name: str) -> str:
    return (VECTORS / name).read_text()


def _unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def test_w3c_vector_intermediate_values(loader: StaticDocumentLoader) -> None:
    config = json.loads(_text("proofConfigEdSig.json"))
    assert canonical_nquads(config, loader=loader) == _text("proofCanonEdSig.txt")
    assert canonical_nquads(_unsecured(SIGNED), loader=loader) == _text("canonDocEdSig.txt")
    options = {k: v for k, v in SIGNED["proof"].items() if k != "proofValue"}
    hash_data = Ed25519Signature2020().hash_data(_unsecured(SIGNED), options, loader=loader)
    assert hash_data.hex() == _text("combinedHashEdSig.txt").strip()
    assert hash_data[32:] == hashlib.sha256(_text("canonDocEdSig.txt").encode()).digest()


def test_w3c_vector_verifies(legacy: None, loader: StaticDocumentLoader) -> None:
    (check,) = verify_proofs(SIGNED, resolver=Resolver(), loader=loader)
    assert check.verified, check.reason
    assert (check.proof_type, check.cryptosuite) == ("Ed25519Signature2020", None)
    assert check.controller == SIGNED["proof"]["verificationMethod"].split("#")[0]


@pytest.mark.parametrize("name", ["simple_v1.json", "credential-status-revoked.json"])
def test_1edtech_fixtures_verify(
    name: str,
    legacy: None,
    loader: StaticDocumentLoader,
    fixture_doc: Load,
    implied_resolver: Implied,
) -> None:
    document = fixture_doc(name)
    (check,) = verify_proofs(document, resolver=implied_resolver(document), loader=loader)
    assert check.verified, check.reason
    assert check.proof_type == "Ed25519Signature2020"
    assert check.controller == document["issuer"]["id"]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("simple_v1.json", ("name",)),
        ("simple_v1.json", ("issuer", "name")),
        ("simple_v1.json", ("issuanceDate",)),
        ("simple_v1.json", ("credentialSubject", "achievement", "criteria", "narrative")),
        ("simple_v1.json", ("proof", 0, "created")),
        ("credential-status-revoked.json", ("credentialSubject", "achievement", "name")),
        ("credential-status-revoked.json", ("issuer", "address", "addressCountry")),
    ],
)
def test_tampered_fixture_fails(
    name: str,
    path: tuple[str | int, ...],
    *,
    legacy: None,
    loader: StaticDocumentLoader,
    fixture_doc: Load,
    implied_resolver: Implied,
    tamper: Tamper,
) -> None:
    original = fixture_doc(name)
    document = tamper(original, path)
    (check,) = verify_proofs(document, resolver=implied_resolver(original), loader=loader)
    assert not check.verified
    assert "signature does not match" in (check.reason or ""), check.reason


def test_tampered_w3c_vector_fails(
    legacy: None, loader: StaticDocumentLoader, tamper: Tamper
) -> None:
    document = tamper(SIGNED, ("credentialSubject", "alumniOf"))
    (check,) = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert not check.verified and "signature does not match" in (check.reason or "")


def test_not_claimed_once_unregistered(
    unregistered: None, loader: StaticDocumentLoader, fixture_doc: Load, implied_resolver: Implied
) -> None:
    document = fixture_doc("simple_v1.json")
    (check,) = verify_proofs(document, resolver=implied_resolver(document), loader=loader)
    assert not check.verified
    assert check.reason == "unsupported proof type 'Ed25519Signature2020'"


def test_suite_context_is_required(legacy: None, loader: StaticDocumentLoader) -> None:
    document = {**SIGNED, "@context": SIGNED["@context"][:2]}
    (check,) = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert not check.verified
    assert "https://w3id.org/security/suites/ed25519-2020/v1" in (check.reason or "")


def test_proof_with_a_cryptosuite_is_refused(legacy: None, loader: StaticDocumentLoader) -> None:
    document = {**SIGNED, "proof": {**SIGNED["proof"], "cryptosuite": "eddsa-rdfc-2022"}}
    (check,) = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert not check.verified and "has no cryptosuite" in (check.reason or "")


def _controller_document(vm_type: str, key: dict[str, str]) -> tuple[str, dict[str, Any]]:
    controller = "https://vc.example/issuers/5678"
    vm_id = controller + "#key-1"
    document = {
        "id": controller,
        "verificationMethod": [{"id": vm_id, "type": vm_type, "controller": controller, **key}],
        "assertionMethod": [vm_id],
    }
    return vm_id, document


@pytest.mark.parametrize(
    ("vm_type", "key", "verified"),
    [
        ("Ed25519VerificationKey2020", {"publicKeyMultibase": KEY.public_key_multibase}, True),
        ("Multikey", {"publicKeyMultibase": KEY.public_key_multibase}, True),
        ("Ed25519VerificationKey2018", {"publicKeyBase58": KEY.public_key_multibase[5:]}, False),
    ],
)
def test_verification_method_types(
    vm_type: str, key: dict[str, str], verified: bool, legacy: None, loader: StaticDocumentLoader
) -> None:
    vm_id, controller_doc = _controller_document(vm_type, key)
    options = {**SIGNED["proof"], "verificationMethod": vm_id}
    del options["proofValue"]
    signature = KEY.signer().sign(
        Ed25519Signature2020().hash_data(_unsecured(SIGNED), options, loader=loader)
    )
    document = {**SIGNED, "proof": {**options, "proofValue": encode_base58btc(signature)}}
    resolver = Resolver(documents={controller_doc["id"]: controller_doc})
    (check,) = verify_proofs(document, resolver=resolver, loader=loader)
    assert check.verified is verified, check.reason
    if not verified:
        assert "cannot use a 'Ed25519VerificationKey2018'" in (check.reason or "")


def test_complete_v1_cannot_be_verified(
    legacy: None, loader: StaticDocumentLoader, fixture_doc: Load
) -> None:
    """complete_v1.json names ``#key-1`` (no key in the fragment, no published controller
    document), and its undefined types would be dropped by JSON-LD: refused in safe mode."""
    document = fixture_doc("complete_v1.json")
    (check, *_) = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert not check.verified and "no controller document" in (check.reason or "")

    base = "https://1edtech.edu/issuers/565049"
    any_key = controller_document_for_key(base, KEY.public_key_multibase)
    vm = dict(any_key["verificationMethod"][0], id=base + "#key-1")
    resolver = Resolver(
        documents={base: {**any_key, "verificationMethod": [vm], "assertionMethod": [vm["id"]]}}
    )
    (check, *_) = verify_proofs(document, resolver=resolver, loader=loader)
    assert not check.verified
    assert "'1EdTech" in (check.reason or "") and "not an absolute IRI" in (check.reason or "")


@pytest.mark.parametrize("name", ["Ed25519Signature2020", "eddsa-2022"])
def test_add_proof_refuses_legacy_formats(
    name: str, legacy: None, loader: StaticDocumentLoader
) -> None:
    with pytest.raises(ProofError, match=r"legacy proof format.*never issues it"):
        add_proof(
            _unsecured(SIGNED), signer=KEY.signer(), cryptosuite=name, created=None, loader=loader
        )


def test_suite_itself_refuses_to_sign(loader: StaticDocumentLoader) -> None:
    suite = Ed25519Signature2020()
    with pytest.raises(ProofError, match="never issues"):
        suite.create_proof_options(_unsecured(SIGNED), {"type": "Ed25519Signature2020"})
    with pytest.raises(ProofError, match="never issues"):
        suite.sign(KEY.signer(), b"\x00" * 64)


def test_proof_with_its_own_context(legacy: None, loader: StaticDocumentLoader) -> None:
    """jsonld-signatures keeps a proof's own ``@context`` for the proof options."""
    document = {**SIGNED, "proof": {"@context": SIGNED["@context"], **SIGNED["proof"]}}
    (check,) = verify_proofs(document, resolver=Resolver(), loader=loader)
    assert check.verified, check.reason
