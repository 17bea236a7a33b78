"""Verifying Europass credentials (core/verify/elm.py): plain-worded JAdES + ELM checks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from elm_support import NOW, example_elm, make_seal, sample
from microcred.core.proofs.jades import load_seal_pem, seal
from microcred.core.trust.registry import TrustedProvider, TrustRegistry
from microcred.core.verify.elm import (
    CERTIFICATE,
    CHAIN,
    EU_ELEMENTS,
    SEAL,
    STRUCTURE,
    verify_elm,
    verify_elm_bytes,
)
from microcred.core.verify.report import Outcome
from microcred.errors import InvalidInputError


def _sealed(**seal_options: object) -> tuple[dict, object]:
    material = make_seal(**seal_options)  # type: ignore[arg-type]
    doc = example_elm()
    return seal(json.dumps(doc).encode(), load_seal_pem(material.pem()), signing_time=NOW), material


def test_sealed_export_verifies_with_chain_not_checked() -> None:
    envelope, _ = _sealed()
    report = verify_elm(envelope)
    assert report.verified, report.to_dict()
    assert report.check(SEAL).outcome is Outcome.PASSED
    assert report.check(CERTIFICATE).outcome is Outcome.PASSED
    chain = report.check(CHAIN)
    assert chain.outcome is Outcome.SKIPPED and "not checked" in chain.reason
    assert report.check(STRUCTURE).outcome is Outcome.PASSED
    assert report.check(EU_ELEMENTS).outcome is Outcome.PASSED
    assert report.summary.achievement_name == "Data Protection by Design"
    assert report.summary.securing.startswith("JAdES seal (")


def test_trusted_anchor_passes_the_chain_check() -> None:
    envelope, material = _sealed()
    report = verify_elm(envelope, trust_anchors=[material.ca])
    assert report.check(CHAIN).outcome is Outcome.PASSED


def test_modified_sealed_export_does_not_verify() -> None:
    envelope, _ = _sealed()
    envelope["payload"] = envelope["payload"].replace("Aoife", "Eve")
    report = verify_elm(envelope)
    assert not report.verified
    assert report.check(SEAL).outcome is Outcome.FAILED
    assert report.problem_details()[0]["title"] == SEAL


def test_expired_seal_certificate_does_not_verify() -> None:
    envelope, _ = _sealed(not_before=NOW - timedelta(days=90), not_after=NOW - timedelta(days=1))
    report = verify_elm(envelope)
    assert not report.verified
    assert report.check(CERTIFICATE).outcome is Outcome.FAILED


def test_ec_signed_sample_verifies_and_says_qa_is_missing() -> None:
    report = verify_elm(sample("Sample-MC-Annex1-signed.jsonld"))
    assert report.verified, report.to_dict()
    eu = report.check(EU_ELEMENTS)
    assert eu.outcome is Outcome.FAILED and not eu.required
    assert eu.details["missing"] == ["type of quality assurance"]
    assert "adoTst" in report.check(SEAL).reason


def test_unsealed_sample_is_not_verified_but_fully_reported() -> None:
    report = verify_elm(sample("Sample-MC-Annex1-unsigned.jsonld"))
    assert not report.verified
    assert "no seal" in report.check(SEAL).reason
    assert "issued" in report.check(STRUCTURE).reason
    assert report.summary.id == "urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b"


def test_bytes_that_are_not_elm_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="not a Europass"):
        verify_elm_bytes(b'{"@context": ["https://www.w3.org/ns/credentials/v2"]}')
    envelope, _ = _sealed()
    assert verify_elm_bytes(json.dumps(envelope).encode()).verified


def test_the_unwrapper_recognises_elm_for_the_verification_inputs() -> None:
    from elm_support import SAMPLES
    from microcred.core.verify.elm import ELM_EXTRA
    from microcred.core.verify.inputs import read_presented

    signed = (SAMPLES / "Sample-MC-Annex1-signed.jsonld").read_bytes()
    presented = read_presented(signed)
    assert presented.source == "JAdES-sealed Europass credential"
    assert verify_elm(presented.extra[ELM_EXTRA]).verified
    bare = read_presented((SAMPLES / "Sample-MC-Annex1-unsigned.jsonld").read_bytes())
    assert bare.source == "Europass credential" and ELM_EXTRA in bare.extra
    other = read_presented(b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": []}')
    assert ELM_EXTRA not in other.extra


def test_the_report_says_whether_the_issuer_is_a_trusted_provider() -> None:
    document = sample("Sample-MC-Annex1-signed.jsonld")
    issuer = "urn:epass:org:1f0de2587-9348-4fa9-b4d7-a77e34a9ac8a"
    accredited = TrustedProvider(
        did=issuer,
        legal_name="ORGANIZACION TEST",
        country="ES",
        qa_type="http://data.europa.eu/snb/accreditation/bb4618238e",
        accrediting_body="ANECA",
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
    )
    trusted = verify_elm(document, trust=TrustRegistry((accredited,)).trust_of)
    check = trusted.check("trusted provider")
    assert check is not None and check.outcome is Outcome.PASSED and not check.required
    assert "Institutional Quality Assurance by ANECA" in check.reason
    assert "valid on the issuing date 2023-09-27" in check.reason
    late = TrustRegistry((replace(accredited, valid_from=datetime(2024, 1, 1, tzinfo=UTC)),))
    check = verify_elm(document, trust=late.trust_of).check("trusted provider")
    assert check is not None and check.outcome is Outcome.FAILED
    assert check.details["listed"] and check.details["validOnIssuingDate"] is False
    outside = verify_elm(document, trust=TrustRegistry(()).trust_of)
    assert outside.verified  # informative: still verifies cryptographically
    check = outside.check("trusted provider")
    assert check is not None and "is not in the trust registry" in check.reason
    unconsulted = verify_elm(document).check("trusted provider")
    assert unconsulted is not None and unconsulted.outcome is Outcome.SKIPPED
