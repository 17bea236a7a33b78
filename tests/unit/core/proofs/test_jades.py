"""JAdES seals (core/proofs/jades.py): seal, verify, tamper, certificate validity, trust."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from elm_support import NOW, make_seal, sample
from microcred.core.keys.jwk import b64url_decode
from microcred.core.proofs.jades import (
    issuer_serial,
    load_seal_pem,
    load_seal_pkcs12,
    load_trust_anchors,
    seal,
    verify_seal,
)
from microcred.errors import KeyFormatError, MicrocredError

PAYLOAD = json.dumps({"id": "urn:x", "title": {"en": "Ré"}}, ensure_ascii=False).encode()


def _header(envelope: dict) -> dict:
    return json.loads(b64url_decode(envelope["signatures"][0]["protected"]))


@pytest.mark.parametrize("rsa_key", [False, True], ids=["ES256", "RS256"])
def test_sealed_payload_verifies(rsa_key: bool) -> None:
    material = make_seal(rsa_key=rsa_key)
    key = load_seal_pkcs12(material.pkcs12(), "secret")
    envelope = seal(PAYLOAD, key, signing_time=NOW)
    header = _header(envelope)
    assert header["alg"] == ("RS256" if rsa_key else "ES256")
    assert header["b64"] is False and header["crit"] == ["b64", "sigT"]
    assert header["sigT"] == "2026-03-01T12:00:00Z"
    assert len(header["x5c"]) == 2 and header["kid"] == issuer_serial(material.certificate)
    assert envelope["payload"] == PAYLOAD.decode()
    result = verify_seal(envelope)
    assert result.signature_valid, result.signature_reason
    assert result.certificate_valid is True
    assert result.chain == "not checked"
    assert result.payload == PAYLOAD
    assert result.organization_identifier == "VATIE-1234567T"


def test_one_changed_byte_fails() -> None:
    envelope = seal(PAYLOAD, load_seal_pem(make_seal().pem()), signing_time=NOW)
    envelope["payload"] = envelope["payload"].replace("urn:x", "urn:y")
    result = verify_seal(envelope)
    assert not result.signature_valid
    assert "changed" in result.signature_reason


def test_changed_signing_time_fails() -> None:
    envelope = seal(PAYLOAD, load_seal_pem(make_seal().pem()), signing_time=NOW)
    header = _header(envelope)
    header["sigT"] = "2026-03-02T12:00:00Z"
    protected = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    envelope["signatures"][0]["protected"] = protected
    assert not verify_seal(envelope).signature_valid


def test_certificate_expired_at_signing_time_fails() -> None:
    material = make_seal(not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=1))
    result = verify_seal(seal(PAYLOAD, load_seal_pem(material.pem()), signing_time=NOW))
    assert result.signature_valid
    assert result.certificate_valid is False
    assert "not valid at the signing time" in result.certificate_reason


def test_trust_anchor_makes_the_chain_trusted_and_another_leaves_it_unchecked() -> None:
    material = make_seal()
    envelope = seal(PAYLOAD, load_seal_pem(material.pem()), signing_time=NOW)
    trusted = verify_seal(envelope, trust_anchors=load_trust_anchors(material.ca_pem()))
    assert trusted.chain == "trusted"
    assert "Test Seal CA" in trusted.chain_reason
    other = make_seal()
    unrelated = verify_seal(envelope, trust_anchors=[other.ca])
    assert unrelated.chain == "not checked"


def test_the_ec_sealed_samples_verify_with_an_unchecked_chain() -> None:
    for name in ("Sample-MC-Annex1-signed.jsonld", "Sample-CertOfPart-signed.jsonld"):
        result = verify_seal(sample(name))
        assert result.signature_valid, result.signature_reason
        assert result.certificate_valid is True
        assert result.chain == "not checked"
        assert result.unchecked == ("adoTst", "etsiU")
        assert result.organization_identifier == "VATES-A00000000"


def test_the_ec_sample_modified_fails() -> None:
    document = sample("Sample-MC-Annex1-signed.jsonld")
    document["payload"] = document["payload"].replace("Ana", "Anna", 1)
    assert not verify_seal(document).signature_valid


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("nope", "not a JSON object"),
        ({"payload": "x"}, "JWS JSON serialisation"),
        ({"payload": "x", "signatures": [{"protected": "e30", "signature": ""}]}, "b64: false"),
        ({"payload": "x", "signatures": [{"protected": "!!", "signature": ""}]}, "base64url"),
    ],
)
def test_malformed_seals_are_reported_not_raised(document: object, reason: str) -> None:
    result = verify_seal(document)
    assert not result.signature_valid and reason in result.signature_reason


def test_unknown_critical_header_is_refused() -> None:
    envelope = seal(PAYLOAD, load_seal_pem(make_seal().pem()), signing_time=NOW)
    header = _header(envelope) | {"crit": ["b64", "sigT", "exotic"]}
    envelope["signatures"][0]["protected"] = (
        base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    )
    assert "exotic" in verify_seal(envelope).signature_reason


def test_bad_key_files_name_the_problem() -> None:
    material = make_seal()
    with pytest.raises(KeyFormatError, match="password"):
        load_seal_pkcs12(material.pkcs12(), "wrong")
    with pytest.raises(KeyFormatError, match="no private key"):
        load_seal_pem(material.ca_pem())
    other = make_seal()
    other_key = other.pem().split(b"-----END CERTIFICATE-----\n")[-1]
    mismatched = material.certificate.public_bytes(serialization.Encoding.PEM) + other_key
    with pytest.raises(KeyFormatError, match="belongs to the seal's private key"):
        load_seal_pem(mismatched)
    with pytest.raises(MicrocredError, match="no readable PEM"):
        load_trust_anchors(b"not pem")
