"""Verifiable Presentations: a holder signs (authentication), the verifier checks everything."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.proofs.data_integrity import add_proof
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.presentation import (
    MAX_CREDENTIALS,
    create_presentation,
    verify_presentation,
)
from microcred.core.verify.report import Outcome

PEER = Path(__file__).parents[3] / "vectors" / "js-peer-issued"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
HOLDER = Ed25519KeyPair.generate(bytes(range(32)))
STRANGER = Ed25519KeyPair.generate(bytes(range(1, 33)))
CHALLENGE = "c0ae1c8e-c7e7-469f-b252-86e6a0e7387e"
DOMAIN = "verifier.example"


def load(name: str) -> Any:
    return json.loads((PEER / name).read_text(encoding="utf-8"))


def verifier() -> Verifier:
    return Verifier(clock=lambda: NOW)


def present(
    credentials: list[Any], *, holder: str | None = HOLDER.did, key: Ed25519KeyPair = HOLDER
) -> dict[str, Any]:
    return create_presentation(
        credentials,
        signer=key.signer(),
        holder=holder,
        challenge=CHALLENGE,
        domain=DOMAIN,
        loader=default_loader(),
        created="2026-11-30T12:00:00Z",
    )


@pytest.fixture(scope="module")
def signed_vp() -> dict[str, Any]:
    return present([load("ob3-signed.json"), load("ob3-enveloped.json")])


def test_a_signed_presentation_verifies_with_its_challenge_and_domain(
    signed_vp: dict[str, Any],
) -> None:
    proof = signed_vp["proof"][0]
    assert proof["proofPurpose"] == "authentication"
    assert (proof["challenge"], proof["domain"]) == (CHALLENGE, DOMAIN)
    report = verify_presentation(signed_vp, verifier=verifier(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.verified, report.to_dict()
    assert report.holder == HOLDER.did
    assert report.check("holder").outcome is Outcome.PASSED  # type: ignore[union-attr]
    assert [c.verified for c in report.credentials] == [True, True]
    assert [c.summary.securing for c in report.credentials] == ["Data Integrity", "VC-JWT"]
    assert report.problem_details() == []


def test_text_input_is_accepted(signed_vp: dict[str, Any]) -> None:
    text = json.dumps(signed_vp).encode()
    assert verify_presentation(text, verifier=verifier(), challenge=CHALLENGE).verified


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"challenge": "another"}, "https://w3id.org/security#INVALID_CHALLENGE_ERROR"),
        ({"domain": "evil.example"}, "https://w3id.org/security#INVALID_DOMAIN_ERROR"),
    ],
)
def test_a_replayed_presentation_is_refused(
    signed_vp: dict[str, Any], options: dict[str, str], problem: str
) -> None:
    report = verify_presentation(signed_vp, verifier=verifier(), **options)
    assert not report.verified
    assert [p["type"] for p in report.problem_details()] == [problem]


def test_tampering_with_the_presentation_breaks_the_holder_proof(
    signed_vp: dict[str, Any],
) -> None:
    tampered = copy.deepcopy(signed_vp)
    tampered["verifiableCredential"].pop()
    report = verify_presentation(tampered, verifier=verifier(), challenge=CHALLENGE)
    assert not report.verified
    assert report.check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]
    assert "signature does not match" in report.check("proof").reason  # type: ignore[union-attr]


def test_a_bad_credential_inside_a_good_presentation_fails_and_is_named() -> None:
    vp = present([load("ob3-signed.json"), load("ob3-tampered.json")])
    report = verify_presentation(vp, verifier=verifier(), challenge=CHALLENGE)
    assert report.check("proof").passed  # type: ignore[union-attr]
    assert not report.verified
    assert [c.verified for c in report.credentials] == [True, False]
    assert [p["title"] for p in report.problem_details()] == ["credential 2: proof"]


def test_the_holder_must_control_the_signing_key() -> None:
    vp = present([load("ob3-signed.json")], holder=HOLDER.did, key=STRANGER)
    report = verify_presentation(vp, verifier=verifier())
    assert not report.verified
    holder = report.check("holder")
    assert holder is not None and holder.outcome is Outcome.FAILED
    assert STRANGER.did in holder.reason


def test_without_a_holder_the_signer_is_reported() -> None:
    vp = present([load("ob3-signed.json")], holder=None)
    report = verify_presentation(vp, verifier=verifier())
    assert report.verified
    assert report.check("holder").outcome is Outcome.SKIPPED  # type: ignore[union-attr]
    assert HOLDER.did in report.check("holder").reason  # type: ignore[union-attr]


def test_an_assertion_proof_is_not_an_authentication_proof() -> None:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": [load("ob3-signed.json")],
    }
    vp = add_proof(
        unsigned, signer=HOLDER.signer(), created=None, loader=default_loader()
    )  # proofPurpose assertionMethod
    report = verify_presentation(vp, verifier=verifier())
    assert not report.verified
    assert "expected 'authentication'" in report.check("proof").reason  # type: ignore[union-attr]


def test_unsigned_presentations_only_when_allowed() -> None:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiablePresentation",
        "verifiableCredential": load("ob3-signed.json"),
    }
    lenient = verify_presentation(unsigned, verifier=verifier(), require_proof=False)
    assert lenient.verified, lenient.to_dict()
    assert lenient.check("proof").outcome is Outcome.SKIPPED  # type: ignore[union-attr]
    strict = verify_presentation(unsigned, verifier=verifier())
    assert not strict.verified
    assert "no proof" in strict.check("proof").reason  # type: ignore[union-attr]


def test_too_many_credentials_are_refused_unverified() -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [{}] * (MAX_CREDENTIALS + 1),
    }
    report = verify_presentation(vp, verifier=verifier(), require_proof=False)
    assert not report.verified
    assert report.credentials == ()
    assert report.check("credentials").outcome is Outcome.FAILED  # type: ignore[union-attr]


HOSTILE: list[Any] = [
    b"",
    b"not json",
    b"[]",
    "{" * 100 + "}" * 100,
    {},
    {"@context": 5, "type": {}, "holder": [], "verifiableCredential": [1, None, "x"]},
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "proof": [None, 1, {"type": "DataIntegrityProof"}],
        "verifiableCredential": {"type": "EnvelopedVerifiableCredential", "id": "data:,x"},
    },
    {"@context": ["https://evil.example/ctx"], "type": ["VerifiablePresentation"], "proof": {}},
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_gives_a_failed_report_never_an_exception(value: Any) -> None:
    report = verify_presentation(value, verifier=verifier(), challenge="x")
    assert not report.verified
    assert report.problem_details()
    json.dumps(report.to_dict())
