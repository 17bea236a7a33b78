"""Registering the legacy suites: claimed by cryptosuite name or proof type, counted as
supported, verify-only, removable; and what the proof summary makes of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import StaticDocumentLoader
from microcred.core.proofs import registry
from microcred.core.proofs.data_integrity import ProofCheck, verify_proofs
from microcred.core.proofs.legacy.registration import (
    legacy_suites_registered,
    register_legacy_suites,
    unregister_legacy_suites,
)
from microcred.core.verify.checks import summarise_proofs
from microcred.core.verify.report import Outcome
from microcred.errors import ProofError

Load = Callable[[str], dict[str, Any]]
Implied = Callable[[dict[str, Any]], Resolver]
Tamper = Callable[[dict[str, Any], tuple[str | int, ...]], dict[str, Any]]


def test_registration_claims_by_name_and_by_type(legacy: None) -> None:
    assert {"eddsa-2022", "Ed25519Signature2020"} <= set(registry.registered_suites())
    assert registry.for_proof("DataIntegrityProof", "eddsa-2022").name == "eddsa-2022"
    assert registry.for_proof("Ed25519Signature2020", None).name == "Ed25519Signature2020"
    assert registry.is_supported(proof_type="Ed25519Signature2020", cryptosuite=None)
    assert registry.is_supported(proof_type="DataIntegrityProof", cryptosuite="eddsa-2022")
    assert not registry.is_supported(proof_type="SomeProofType", cryptosuite=None)
    assert not registry.is_supported(proof_type="DataIntegrityProof", cryptosuite=None)
    with pytest.raises(ProofError, match="unsupported proof type 'Ed25519Signature2018'"):
        registry.for_proof("Ed25519Signature2018", None)


def test_legacy_suites_are_verify_only(legacy: None) -> None:
    for name in ("eddsa-2022", "Ed25519Signature2020"):
        with pytest.raises(ProofError, match=f"'{name}' is a legacy proof format"):
            registry.for_issuing(name)
    assert registry.for_issuing("eddsa-rdfc-2022").name == "eddsa-rdfc-2022"
    with pytest.raises(ProofError, match="unsupported cryptosuite 'bbs-2023'"):
        registry.for_issuing("bbs-2023")


def test_unregister_removes_them() -> None:
    was = legacy_suites_registered()
    register_legacy_suites()
    register_legacy_suites()  # idempotent
    assert legacy_suites_registered()
    unregister_legacy_suites()
    assert not legacy_suites_registered()
    assert not registry.is_supported(proof_type="Ed25519Signature2020", cryptosuite=None)
    assert {"eddsa-rdfc-2022", "eddsa-jcs-2022"} <= set(registry.registered_suites())
    if was:
        register_legacy_suites()


def _supported(check: ProofCheck) -> bool:
    """The predicate proposed for checks.is_supported_proof."""
    return registry.is_supported(proof_type=check.proof_type, cryptosuite=check.cryptosuite)


@pytest.mark.parametrize("name", ["simple_v1.json", "simple-eddsa-2022.json"])
def test_summary_passes_genuine_and_fails_tampered(
    name: str,
    *,
    legacy: None,
    loader: StaticDocumentLoader,
    fixture_doc: Load,
    implied_resolver: Implied,
    tamper: Tamper,
) -> None:
    document = fixture_doc(name)
    resolver = implied_resolver(document)
    good = summarise_proofs(
        verify_proofs(document, resolver=resolver, loader=loader), supported=_supported
    )
    assert good.outcome is Outcome.PASSED, good.reason
    tampered = tamper(document, ("name",))
    bad = summarise_proofs(
        verify_proofs(tampered, resolver=resolver, loader=loader), supported=_supported
    )
    assert bad.outcome is Outcome.FAILED
    assert "does not verify" in bad.reason and "signature does not match" in bad.reason
