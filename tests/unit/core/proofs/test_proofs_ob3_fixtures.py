"""1EdTech validator fixtures (OB 3.0): proofs verify given the controller document their key
implies (STANDARDS 3.7 rule 1), and the "err-proof" fixtures fail with named reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver, controller_document_for_key
from microcred.core.jsonld.loader import StaticDocumentLoader, default_loader
from microcred.core.keys.multikey import is_public_key_multibase
from microcred.core.proofs.data_integrity import verify_proofs

FIXTURES = Path(__file__).parents[3] / "vectors" / "ob3-impl" / "validator-fixtures"


@pytest.fixture(scope="module")
def loader() -> StaticDocumentLoader:
    return default_loader()


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def _implied_documents(document: dict[str, Any]) -> dict[str, Any]:
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    documents = {}
    for proof in proofs:
        base, _, fragment = str(proof.get("verificationMethod", "")).partition("#")
        if base.startswith("https://") and is_public_key_multibase(fragment):
            documents[base] = controller_document_for_key(base, fragment)
    return documents


@pytest.mark.parametrize(
    "name",
    [
        "simple.json",
        "simple-did-key-method.json",
        "simple-did-web-method.json",
        "simple-context-alias.json",
        "simple-context-version.json",
        "endorsement-valid.json",
        "simple-eddsa-2022.json",  # legacy suite name, verified (never issued)
        "simple_v1.json",  # legacy Ed25519Signature2020, verified (never issued)
        "complete.json",  # endorsements with identical nested proofs (named graphs)
    ],
)
def test_valid_fixtures_verify(name: str, loader: StaticDocumentLoader) -> None:
    document = _load(name)
    resolver = Resolver(documents=_implied_documents(document))
    checks = verify_proofs(document, resolver=resolver, loader=loader)
    assert checks and all(c.verified for c in checks), [c.reason for c in checks]


def test_key_in_fragment_rule_is_equivalent(loader: StaticDocumentLoader) -> None:
    document = _load("simple.json")
    (check,) = verify_proofs(document, resolver=Resolver(key_in_fragment=True), loader=loader)
    assert check.verified and check.controller == document["issuer"]["id"]


def test_multiple_proofs_one_unsupported(loader: StaticDocumentLoader) -> None:
    document = _load("simple-multiple-proofs.json")
    checks = verify_proofs(document, resolver=Resolver(key_in_fragment=True), loader=loader)
    assert [c.verified for c in checks] == [False, True]
    assert checks[0].reason == "unsupported proof type 'SomeProofType'"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("simple-err-proof-value.json", "signature does not match"),
        ("simple-err-proof-method.json", "no controller document is available"),
        ("simple-err-proof-method-no-scheme.json", "is not a valid URL"),
        ("simple-err-proof-method-unknown-did-method.json", "DID method 'example'"),
        ("simple-err-proof-method-unknown-scheme.json", "no controller document"),
    ],
)
def test_error_fixtures_fail_with_reasons(
    name: str, reason: str, loader: StaticDocumentLoader
) -> None:
    document = _load(name)
    resolver = Resolver(documents=_implied_documents(document))
    checks = verify_proofs(document, resolver=resolver, loader=loader)
    assert checks and not any(c.verified for c in checks)
    assert reason in (checks[0].reason or ""), checks[0].reason
