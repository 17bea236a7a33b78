"""Ed25519KeyPair and Ed25519Signer: key files, did:key, and secrets never shown."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from microcred.core.keys.ed25519 import verify_ed25519
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.keys.signer import Ed25519Signer, Signer
from microcred.errors import KeyFormatError

VECTORS = Path(__file__).parents[3] / "vectors"
W3C_KEY = json.loads((VECTORS / "w3c-vc-di-eddsa" / "keyPair.json").read_text())
PEER_SEED = bytes.fromhex(
    json.loads((VECTORS / "ob3-impl" / "js-peer" / "issuer-key.json").read_text())["seedHex"]
)
PEER_DID = (VECTORS / "ob3-impl" / "js-peer" / "issuer-did.txt").read_text().split()[0]


def test_from_json_accepts_the_w3c_private_key_name() -> None:
    pair = Ed25519KeyPair.from_json(W3C_KEY)
    assert pair.public_key_multibase == W3C_KEY["publicKeyMultibase"]
    assert pair.did == "did:key:" + W3C_KEY["publicKeyMultibase"]
    assert pair.to_json(include_secret=True) == {
        "did": pair.did,
        "publicKeyMultibase": W3C_KEY["publicKeyMultibase"],
        "secretKeyMultibase": W3C_KEY["privateKeyMultibase"],
    }
    assert "secretKeyMultibase" not in pair.to_json()


def test_generate_from_seed_matches_the_js_peer_did() -> None:
    assert Ed25519KeyPair.generate(PEER_SEED).did == PEER_DID


def test_generate_uses_injected_randomness() -> None:
    pair = Ed25519KeyPair.generate(random_bytes=lambda n: PEER_SEED[:n])
    assert pair.did == PEER_DID
    assert Ed25519KeyPair.generate() != Ed25519KeyPair.generate()


def test_mismatched_public_key_is_refused() -> None:
    other = Ed25519KeyPair.generate(PEER_SEED).public_key_multibase
    with pytest.raises(KeyFormatError, match="does not match"):
        Ed25519KeyPair.from_json({**W3C_KEY, "publicKeyMultibase": other})


@pytest.mark.parametrize("obj", [{}, {"secretKeyMultibase": 5}, {"secretKeyMultibase": "z6Mk"}, []])
def test_bad_key_files_are_refused(obj: object) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_json(obj)  # type: ignore[arg-type]


def test_secret_never_in_repr_or_str() -> None:
    pair = Ed25519KeyPair.from_json(W3C_KEY)
    signer = pair.signer()
    secret = W3C_KEY["privateKeyMultibase"]
    seed_hex = pair.to_json(include_secret=True)["secretKeyMultibase"]
    for text in (repr(pair), str(pair), repr(signer), str(signer), repr([pair, signer])):
        assert secret not in text and seed_hex not in text
        assert W3C_KEY["publicKeyMultibase"] in text


def test_signer_signs_verifiably_and_fits_the_protocol() -> None:
    pair = Ed25519KeyPair.from_json(W3C_KEY)
    signer = pair.signer("did:web:issuer.example#key-0")
    assert isinstance(signer, Signer)
    assert signer.verification_method == "did:web:issuer.example#key-0"
    assert signer.algorithm == "EdDSA"
    signature = signer.sign(b"hello")
    assert verify_ed25519(pair.public_key, b"hello", signature)
    assert not verify_ed25519(pair.public_key, b"hellO", signature)
    with pytest.raises(TypeError):
        pickle.dumps(signer)


def test_signer_needs_a_verification_method() -> None:
    with pytest.raises(KeyFormatError):
        Ed25519Signer(PEER_SEED, verification_method="")
