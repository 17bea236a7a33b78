"""``eddsa-2022`` (draft name of eddsa-rdfc-2022) verification: the 1EdTech validator fixture
(VC 1.1 + data-integrity/v1 contexts), tampering, the name is signed, opt-in registration."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import StaticDocumentLoader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.keys.multikey import encode_base58btc
from microcred.core.proofs.data_integrity import verify_proofs
from microcred.core.proofs.legacy.eddsa_2022 import Eddsa2022
from microcred.core.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022

W3C = Path(__file__).parents[4] / "vectors" / "w3c-vc-di-eddsa"
FIXTURE = "simple-eddsa-2022.json"

Load = Callable[[str], dict[str, Any]]
Implied = Callable[[dict[str, Any]], Resolver]
Tamper = Callable[[dict[str, Any], tuple[str | int, ...]], dict[str, Any]]


def test_1edtech_fixture_verifies(
    legacy: None, loader: StaticDocumentLoader, fixture_doc: Load, implied_resolver: Implied
) -> None:
    document = fixture_doc(FIXTURE)
    (check,) = verify_proofs(document, resolver=implied_resolver(document), loader=loader)
    assert check.verified, check.reason
    assert (check.proof_type, check.cryptosuite) == ("DataIntegrityProof", "eddsa-2022")
    assert check.controller == document["issuer"]["id"]


@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("issuanceDate",),
        ("credentialSubject", "id"),
        ("credentialSubject", "achievement", "description"),
        ("proof", 0, "created"),
    ],
)
def test_tampered_fixture_fails(
    path: tuple[str | int, ...],
    *,
    legacy: None,
    loader: StaticDocumentLoader,
    fixture_doc: Load,
    implied_resolver: Implied,
    tamper: Tamper,
) -> None:
    original = fixture_doc(FIXTURE)
    document = tamper(original, path)
    (check,) = verify_proofs(document, resolver=implied_resolver(original), loader=loader)
    assert not check.verified
    assert "signature does not match" in (check.reason or ""), check.reason


def test_the_suite_name_is_signed(
    legacy: None, loader: StaticDocumentLoader, fixture_doc: Load, implied_resolver: Implied
) -> None:
    original = fixture_doc(FIXTURE)
    renamed = {**original, "proof": [{**original["proof"][0], "cryptosuite": "eddsa-rdfc-2022"}]}
    (check,) = verify_proofs(renamed, resolver=implied_resolver(original), loader=loader)
    assert not check.verified and "signature does not match" in (check.reason or "")


def test_not_claimed_once_unregistered(
    unregistered: None, loader: StaticDocumentLoader, fixture_doc: Load, implied_resolver: Implied
) -> None:
    document = fixture_doc(FIXTURE)
    (check,) = verify_proofs(document, resolver=implied_resolver(document), loader=loader)
    assert not check.verified and check.reason == "unsupported cryptosuite 'eddsa-2022'"


def test_same_algorithm_as_eddsa_rdfc_2022(legacy: None, loader: StaticDocumentLoader) -> None:
    """A VC 2.0 document signed (test-side) with the rdfc algorithm under the old name verifies;
    the document hash is eddsa-rdfc-2022's, the proof-configuration hash covers the name."""
    key = Ed25519KeyPair.from_json(json.loads((W3C / "keyPair.json").read_text()))
    unsigned = json.loads((W3C / "unsigned.json").read_text())
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": f"{key.did}#{key.public_key_multibase}",
        "proofPurpose": "assertionMethod",
    }
    hash_data = Eddsa2022().hash_data(unsigned, options, loader=loader)
    rdfc = EddsaRdfc2022()
    as_rdfc = rdfc.hash_data(unsigned, {**options, "cryptosuite": rdfc.name}, loader=loader)
    assert hash_data[32:] == as_rdfc[32:] and hash_data[:32] != as_rdfc[:32]
    proof = {**options, "proofValue": encode_base58btc(key.signer().sign(hash_data))}
    (check,) = verify_proofs({**unsigned, "proof": proof}, resolver=Resolver(), loader=loader)
    assert check.verified, check.reason
