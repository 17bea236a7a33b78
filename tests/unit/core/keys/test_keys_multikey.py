"""Multikey codecs (W3C CID 1.0 §2.2.2) against the VC-DI-EdDSA test-vector key pair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.core.keys.ed25519 import public_key_from_seed, verify_ed25519
from microcred.core.keys.jwk import ed25519_jwk_from_multibase, ed25519_multibase_from_jwk
from microcred.core.keys.multikey import (
    decode_public_key,
    decode_secret_key,
    encode_base58btc,
    encode_public_key,
    encode_secret_key,
    is_public_key_multibase,
)
from microcred.errors import KeyFormatError

VECTORS = Path(__file__).parents[3] / "vectors"
W3C_KEY = json.loads((VECTORS / "w3c-vc-di-eddsa" / "keyPair.json").read_text())
OB_KEY = json.loads((VECTORS / "ob3-impl" / "obv3p0-key.json").read_text())


def test_w3c_vector_secret_derives_public_key() -> None:
    seed, embedded = decode_secret_key(W3C_KEY["privateKeyMultibase"])
    assert embedded is None
    public = public_key_from_seed(seed)
    assert encode_public_key(public) == W3C_KEY["publicKeyMultibase"]
    assert encode_secret_key(seed) == W3C_KEY["privateKeyMultibase"]
    assert W3C_KEY["publicKeyMultibase"].startswith("z6Mk")
    assert W3C_KEY["privateKeyMultibase"].startswith("z3u2")


def test_ob_vector_64_byte_secret_and_hex_agree() -> None:
    seed, embedded = decode_secret_key(OB_KEY["secretKeyMultibase"])
    assert seed.hex() + (embedded or b"").hex() == OB_KEY["privateKeyHex64"]
    assert decode_public_key(OB_KEY["publicKeyMultibase"]).hex() == OB_KEY["publicKeyHex"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "non-empty"),
        ("f6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "prefix 'f'"),
        ("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0", "alphabet"),
        (encode_base58btc(b"\xed\x01" + bytes(31)), "must be 32 bytes, got 31"),
        (encode_base58btc(b"\xed\x01" + bytes(33)), "must be 32 bytes, got 33"),
        (W3C_KEY["privateKeyMultibase"], "header 0x8026 is not Ed25519"),
        ("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", "not Ed25519"),
    ],
)
def test_bad_public_keys_are_named(value: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        decode_public_key(value)
    assert not is_public_key_multibase(value)


def test_public_key_is_not_a_secret_key() -> None:
    with pytest.raises(KeyFormatError, match="0x8026"):
        decode_secret_key(W3C_KEY["publicKeyMultibase"])


def test_jwk_round_trip_and_private_jwk_refused() -> None:
    jwk = ed25519_jwk_from_multibase(W3C_KEY["publicKeyMultibase"])
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert ed25519_multibase_from_jwk(jwk) == W3C_KEY["publicKeyMultibase"]
    with pytest.raises(KeyFormatError, match="private"):
        ed25519_multibase_from_jwk({**jwk, "d": "AAAA"})
    with pytest.raises(KeyFormatError, match="only OKP Ed25519"):
        ed25519_multibase_from_jwk({**jwk, "crv": "X25519"})


def test_verify_ed25519_rejects_malformed_input() -> None:
    public = decode_public_key(W3C_KEY["publicKeyMultibase"])
    assert not verify_ed25519(public, b"m", b"\x00" * 64)
    assert not verify_ed25519(public, b"m", b"short")
    assert not verify_ed25519(b"\x01" * 31, b"m", b"\x00" * 64)
