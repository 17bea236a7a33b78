"""Signers: the one seam through which issuing code touches a secret key.

A :class:`Signer` knows its verification method URL (the proof's ``verificationMethod`` or the
JWS ``kid``) and its JOSE algorithm name, and signs bytes. Key custody (file, database, HSM) lives
behind this Protocol; :class:`Ed25519Signer` is the local implementation (libsodium).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from nacl.signing import SigningKey

from microcred.core.keys.multikey import ED25519_KEY_LENGTH, encode_public_key
from microcred.errors import KeyFormatError


@runtime_checkable
class Signer(Protocol):
    """Signs bytes for one verification method.

    ``algorithm`` is the JOSE ``alg`` name (``"EdDSA"`` for Ed25519, RFC 8037).
    """

    verification_method: str
    algorithm: str

    def sign(self, data: bytes) -> bytes:
        """Return the signature over ``data``."""
        ...


class Ed25519Signer:
    """Signs with a local Ed25519 seed; its ``repr`` never shows the secret."""

    __slots__ = ("_key", "algorithm", "public_key_multibase", "verification_method")

    def __init__(self, seed: bytes, *, verification_method: str) -> None:
        if len(seed) != ED25519_KEY_LENGTH:
            raise KeyFormatError(f"Ed25519 seed must be 32 bytes, got {len(seed)}")
        if not verification_method:
            raise KeyFormatError("a signer needs a verification method URL")
        self._key = SigningKey(bytes(seed))
        self.verification_method: str = verification_method
        self.algorithm: str = "EdDSA"
        self.public_key_multibase: str = encode_public_key(bytes(self._key.verify_key))

    def sign(self, data: bytes) -> bytes:
        """Pure Ed25519 (RFC 8032) signature, 64 bytes."""
        return bytes(self._key.sign(data).signature)

    def __repr__(self) -> str:
        return (
            f"Ed25519Signer(verification_method={self.verification_method!r}, "
            f"public_key_multibase={self.public_key_multibase!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("Ed25519Signer holds a secret key and is not picklable")
