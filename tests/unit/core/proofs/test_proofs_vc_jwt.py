"""VC-JWT (VC-JOSE-COSE §3.1, OB 3.0 §8.2): JS-peer tokens, both profiles, claims, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from microcred.core.did.resolver import Resolver
from microcred.core.keys.jwk import b64url_decode, b64url_encode, ed25519_jwk_from_multibase
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.proofs.jose import (
    enveloped_credential,
    parse_enveloped,
    sign_vc_jwt,
    verify_vc_jwt,
)
from microcred.errors import DocumentParseError, ProofError

VECTORS = Path(__file__).parents[3] / "vectors"
PEER = VECTORS / "ob3-impl" / "js-peer"
FIXTURES = VECTORS / "ob3-impl" / "validator-fixtures"
PEER_KEY = Ed25519KeyPair.generate(
    bytes.fromhex(json.loads((PEER / "issuer-key.json").read_text())["seedHex"])
)
PEER_DID = (PEER / "issuer-did.txt").read_text().split()[0]
CREDENTIAL = json.loads((PEER / "ob3-unsigned.json").read_text())
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _token(header: dict[str, Any], payload: dict[str, Any], sign: Any) -> str:
    head = b64url_encode(json.dumps(header).encode())
    body = b64url_encode(json.dumps(payload).encode())
    return f"{head}.{body}." + b64url_encode(sign(f"{head}.{body}".encode()))


@pytest.mark.parametrize("name", ["ob3.vc-jwt", "ob3.ob3-jwt"])
def test_js_peer_tokens_verify(name: str) -> None:
    check = verify_vc_jwt((PEER / name).read_text(), resolver=Resolver(), now=NOW)
    assert check.verified, check.reason
    assert check.controller == PEER_DID
    assert check.credential is not None and check.credential["issuer"]["id"] == PEER_DID
    assert "iss" not in check.credential


def test_js_peer_tampered_token_fails() -> None:
    check = verify_vc_jwt((PEER / "ob3-tampered.vc-jwt").read_text(), resolver=Resolver())
    assert not check.verified
    assert check.problem_type == "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
    assert check.credential is not None and check.credential["name"] == "Forged"


def test_js_peer_enveloped_credential() -> None:
    token = parse_enveloped(json.loads((PEER / "ob3-enveloped.json").read_text()))
    assert verify_vc_jwt(token, resolver=Resolver()).verified
    assert parse_enveloped(enveloped_credential(token)) == token


def test_enveloped_refusals() -> None:
    with pytest.raises(ProofError, match="SD-JWT"):
        parse_enveloped(
            {"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+sd-jwt,abc~"}
        )
    with pytest.raises(DocumentParseError, match="not an EnvelopedVerifiableCredential"):
        parse_enveloped(CREDENTIAL)


def test_vc_jose_cose_profile() -> None:
    token = sign_vc_jwt(CREDENTIAL, signer=PEER_KEY.signer(), profile="vc-jose-cose")
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "kid": PEER_KEY.did_key_verification_method}
    assert json.loads(b64url_decode(token.split(".")[1])) == CREDENTIAL
    check = verify_vc_jwt(token, resolver=Resolver(), now=NOW)
    assert check.verified and check.credential == CREDENTIAL


def test_ob3_profile_adds_registered_claims() -> None:
    credential = {**CREDENTIAL, "validUntil": "2030-01-01T00:00:00Z"}
    token = sign_vc_jwt(credential, signer=PEER_KEY.signer(), profile="ob3")
    assert json.loads(b64url_decode(token.split(".")[0]))["typ"] == "JWT"
    payload = json.loads(b64url_decode(token.split(".")[1]))
    assert {k: payload[k] for k in ("iss", "jti", "sub", "nbf", "exp")} == {
        "iss": PEER_DID,
        "jti": CREDENTIAL["id"],
        "sub": CREDENTIAL["credentialSubject"]["id"],
        "nbf": 1704067200,
        "exp": 1893456000,
    }
    check = verify_vc_jwt(token, resolver=Resolver(), now=NOW)
    assert check.verified and check.credential == credential
    late = verify_vc_jwt(token, resolver=Resolver(), now=datetime(2031, 1, 1, tzinfo=UTC))
    assert not late.verified and "expired" in (late.reason or "")
    early = verify_vc_jwt(token, resolver=Resolver(), now=datetime(2020, 1, 1, tzinfo=UTC))
    assert not early.verified and "not valid yet" in (early.reason or "")


def test_ob3_profile_needs_a_subject_id() -> None:
    credential = {**CREDENTIAL, "credentialSubject": {"type": ["AchievementSubject"]}}
    with pytest.raises(ProofError, match="sub claim"):
        sign_vc_jwt(credential, signer=PEER_KEY.signer(), profile="ob3")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": "did:web:evil.example"}, "iss"),
        ({"jti": "urn:uuid:other"}, "jti"),
        ({"sub": "did:example:someone-else"}, "sub"),
        ({"nbf": 1}, "nbf"),
        ({"exp": "tomorrow"}, "NumericDate"),
    ],
)
def test_inconsistent_claims_fail(claims: dict[str, Any], reason: str) -> None:
    signer = PEER_KEY.signer()
    header = {"alg": "EdDSA", "typ": "JWT", "kid": signer.verification_method}
    token = _token(header, {**CREDENTIAL, **claims}, signer.sign)
    check = verify_vc_jwt(token, resolver=Resolver())
    assert not check.verified and reason in (check.reason or ""), check.reason


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"alg": "none"}, "alg 'none'"),
        ({"alg": "HS256", "kid": "x"}, "not supported"),
        ({"alg": "EdDSA", "typ": "vp+jwt"}, "typ"),
        ({"alg": "EdDSA", "crit": ["exp"]}, "critical"),
        ({"alg": "EdDSA"}, "names no key"),
    ],
)
def test_refused_headers(header: dict[str, Any], reason: str) -> None:
    token = _token(header, CREDENTIAL, PEER_KEY.signer().sign)
    check = verify_vc_jwt(token, resolver=Resolver())
    assert not check.verified and reason in (check.reason or ""), check.reason


def test_embedded_ed25519_jwk_verifies_without_controller() -> None:
    jwk = ed25519_jwk_from_multibase(PEER_KEY.public_key_multibase)
    token = _token({"alg": "EdDSA", "jwk": jwk}, CREDENTIAL, PEER_KEY.signer().sign)
    check = verify_vc_jwt(token, resolver=Resolver())
    assert check.verified and check.controller is None


def test_rs256_with_embedded_jwk() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "n": b64url_encode(numbers.n.to_bytes(256, "big")),
        "e": b64url_encode(numbers.e.to_bytes(3, "big")),
    }

    def sign(data: bytes) -> bytes:
        return private.sign(data, padding.PKCS1v15(), hashes.SHA256())

    token = _token({"alg": "RS256", "typ": "JWT", "jwk": jwk}, CREDENTIAL, sign)
    assert verify_vc_jwt(token, resolver=Resolver()).verified
    forged = _token(
        {"alg": "RS256", "jwk": jwk}, {**CREDENTIAL, "name": "x"}, lambda d: sign(d + b"!")
    )
    assert not verify_vc_jwt(forged, resolver=Resolver()).verified
    leaked = _token({"alg": "RS256", "jwk": {**jwk, "d": "AQAB"}}, CREDENTIAL, sign)
    assert "private key" in (verify_vc_jwt(leaked, resolver=Resolver()).reason or "")


def test_1edtech_simple_jwt_decodes_but_names_no_key() -> None:
    check = verify_vc_jwt((FIXTURES / "simple.jwt").read_text(), resolver=Resolver())
    assert not check.verified
    assert check.credential is not None
    assert check.credential["issuer"]["id"] == "https://example.edu/issuers/565049"
    assert "jwk" in (check.reason or "")


@pytest.mark.parametrize(
    "token", ["", "a.b", "a.b.c", "a.b.c.d.e", "e30.e30.!!", None, 42, "ey" * 10, "\u00e9.e30.e30"]
)
def test_garbage_never_raises(token: Any) -> None:
    check = verify_vc_jwt(token, resolver=Resolver())
    assert not check.verified and check.reason
