"""Ed25519 primitives (RFC 8032 pure EdDSA) through libsodium (PyNaCl).

PyNaCl is used for speed: libsodium verifies about twice as fast as OpenSSL (PERFORMANCE.md).
"""

from __future__ import annotations

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

SIGNATURE_LENGTH = 64


def public_key_from_seed(seed: bytes) -> bytes:
    """The raw 32-byte public key that a 32-byte Ed25519 seed derives."""
    return bytes(SigningKey(seed).verify_key)


def verify_ed25519(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    """Verify a pure Ed25519 signature; ``False`` for any malformed key or signature."""
    if len(public_raw) != 32 or len(signature) != SIGNATURE_LENGTH:
        return False
    try:
        VerifyKey(public_raw).verify(message, signature)
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True
