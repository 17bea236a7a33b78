"""JAdES seals from a hostile sender (core/proofs/jades.py): a seal's x5c chain and its
certificates are chosen by whoever sent it, and an uploaded seal file by whoever uploads it. A
giant chain, giant or ill-typed x5c entries, and certificates crafted with an unknown or broken
public key end in a failed verification naming the problem (or a refused upload), quickly -
never another exception - through :func:`verify_seal`, the verify entry point
(:func:`verify_presented`) and the seal upload (:func:`read_seal_file`)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from elm_support import NOW, example_elm, make_seal
from microcred.core.keys.jwk import b64url_decode, b64url_encode
from microcred.core.proofs.jades import load_seal_pkcs12, seal, verify_seal
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import VerificationReport
from microcred.errors import MicrocredError
from microcred.service import seals
from microcred.service.presented import verify_presented

MATERIAL = make_seal()
EC_KEY_OID = bytes.fromhex("06072a8648ce3d0201")  # id-ecPublicKey
P256_OID = bytes.fromhex("06082a8648ce3d030107")  # prime256v1


def sealed() -> dict[str, Any]:
    key = load_seal_pkcs12(MATERIAL.pkcs12(), "secret")
    payload = json.dumps(example_elm(), ensure_ascii=False).encode()
    return seal(payload, key, signing_time=NOW)


def with_header(envelope: dict[str, Any], **changes: Any) -> dict[str, Any]:
    signature = envelope["signatures"][0]
    header = {**json.loads(b64url_decode(signature["protected"])), **changes}
    protected = b64url_encode(json.dumps(header).encode())
    return {**envelope, "signatures": [{**signature, "protected": protected}]}


def der(certificate: Any) -> bytes:
    return bytes(certificate.public_bytes(serialization.Encoding.DER))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


LEAF, CA = der(MATERIAL.certificate), der(MATERIAL.ca)
UNKNOWN_KEY = LEAF.replace(EC_KEY_OID, bytes.fromhex("06072a8648ce3d0209"))
BROKEN_KEY = LEAF.replace(P256_OID, bytes.fromhex("06082a8648ce3d030101"))

HOSTILE_X5C: dict[str, tuple[list[Any], str]] = {
    "a chain of 10,000": ([b64(LEAF)] * 10_000, "more than 10 certificates"),
    "giant entries": (["A" * (1024 * 1024)] * 5, "cannot be read"),
    "not base64": (["%%%"], "cannot be read"),
    "numbers and objects": ([1, {"a": 1}, None], "cannot be read"),
    "a truncated certificate": ([b64(LEAF[:200])], "cannot be read"),
    "an unknown key type": ([b64(UNKNOWN_KEY), b64(CA)], "unknown kind or malformed"),
    "a key off its curve": ([b64(BROKEN_KEY), b64(CA)], "unknown kind or malformed"),
    "empty": ([], "no x5c certificate chain"),
}


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    answer = call()
    return answer, time.perf_counter() - started


@pytest.mark.parametrize("name", sorted(HOSTILE_X5C))
def test_a_hostile_x5c_fails_verification_with_its_reason(name: str) -> None:
    chain, says = HOSTILE_X5C[name]
    envelope = with_header(sealed(), x5c=chain, **{"x5t#S256": None})
    result, elapsed = timed(lambda: verify_seal(envelope, trust_anchors=[MATERIAL.ca]))
    assert not result.signature_valid
    assert says in result.signature_reason, result.signature_reason
    assert elapsed < 2.0


@pytest.mark.parametrize("name", sorted(HOSTILE_X5C))
def test_a_hostile_seal_is_a_failed_report_at_the_verify_entry_point(name: str) -> None:
    chain, _ = HOSTILE_X5C[name]
    data = json.dumps(with_header(sealed(), x5c=chain, **{"x5t#S256": None})).encode()
    verifier = Verifier(clock=lambda: NOW)
    try:
        (_, report), elapsed = timed(
            lambda: verify_presented(data, verifier=verifier, fetcher=None)
        )
    except MicrocredError as refused:
        assert str(refused)
        return
    assert isinstance(report, VerificationReport)
    assert not report.verified
    assert elapsed < 3.0


def test_the_control_seal_verifies() -> None:
    result = verify_seal(sealed(), trust_anchors=[MATERIAL.ca])
    assert result.signature_valid and result.chain == "trusted", result.signature_reason


@pytest.mark.parametrize("crafted", [UNKNOWN_KEY, BROKEN_KEY], ids=["unknown key", "off curve"])
def test_an_upload_with_a_crafted_certificate_is_refused_with_a_reason(crafted: bytes) -> None:
    key = MATERIAL.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    certificate = (
        b"-----BEGIN CERTIFICATE-----\n"
        + base64.encodebytes(crafted)
        + b"-----END CERTIFICATE-----\n"
    )
    with pytest.raises(seals.InvalidSealError, match="belongs to the seal's private key"):
        seals.read_seal_file(certificate + key, None)
