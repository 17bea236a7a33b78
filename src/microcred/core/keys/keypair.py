"""Ed25519 key pairs in Multikey form (W3C CID 1.0 §2.2.2; key file shape of VC-DI-EdDSA vectors).

Key file JSON: ``{"did", "publicKeyMultibase", "secretKeyMultibase"}``. Reading also accepts the
W3C test vector's ``privateKeyMultibase``; the public key, when given, must match the seed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from microcred.core.keys.ed25519 import public_key_from_seed
from microcred.core.keys.multikey import (
    ED25519_KEY_LENGTH,
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
)
from microcred.core.keys.signer import Ed25519Signer
from microcred.errors import KeyFormatError


@dataclass(frozen=True, repr=False)
class Ed25519KeyPair:
    """An Ed25519 seed and its public key. ``repr`` shows the public key only."""

    public_key: bytes
    _seed: bytes = field(compare=False)

    def __post_init__(self) -> None:
        if len(self._seed) != ED25519_KEY_LENGTH:
            raise KeyFormatError(f"Ed25519 seed must be 32 bytes, got {len(self._seed)}")
        if public_key_from_seed(self._seed) != self.public_key:
            raise KeyFormatError("the public key does not match the secret key")

    @classmethod
    def generate(
        cls,
        seed: bytes | None = None,
        *,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> Ed25519KeyPair:
        """A key pair from ``seed`` (32 bytes) or from 32 bytes of ``random_bytes``."""
        seed = random_bytes(ED25519_KEY_LENGTH) if seed is None else bytes(seed)
        if len(seed) != ED25519_KEY_LENGTH:
            raise KeyFormatError(f"Ed25519 seed must be 32 bytes, got {len(seed)}")
        return cls(public_key_from_seed(seed), seed)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Ed25519KeyPair:
        """Read ``{"secretKeyMultibase"|"privateKeyMultibase", "publicKeyMultibase"?}``."""
        if not isinstance(obj, Mapping):
            raise KeyFormatError("a key file must be a JSON object")
        secret = obj.get("secretKeyMultibase", obj.get("privateKeyMultibase"))
        if secret is None:
            raise KeyFormatError("key file has no secretKeyMultibase")
        if not isinstance(secret, str):
            raise KeyFormatError("secretKeyMultibase must be a string")
        seed, embedded_public = decode_secret_key(secret)
        derived = public_key_from_seed(seed)
        if embedded_public is not None and embedded_public != derived:
            raise KeyFormatError("secretKeyMultibase: its public half does not match the seed")
        given = obj.get("publicKeyMultibase")
        if given is not None:
            if not isinstance(given, str):
                raise KeyFormatError("publicKeyMultibase must be a string")
            if decode_public_key(given) != derived:
                raise KeyFormatError("publicKeyMultibase does not match secretKeyMultibase")
        return cls(derived, seed)

    @property
    def public_key_multibase(self) -> str:
        """``z6Mk...``"""
        return encode_public_key(self.public_key)

    @property
    def secret_key_multibase(self) -> str:
        """``z3u2...`` — handle with care; never logged."""
        return encode_secret_key(self._seed)

    @property
    def did(self) -> str:
        """The did:key DID of this key."""
        return "did:key:" + self.public_key_multibase

    @property
    def did_key_verification_method(self) -> str:
        """``did:key:z6Mk...#z6Mk...``"""
        return f"{self.did}#{self.public_key_multibase}"

    def signer(self, verification_method: str | None = None) -> Ed25519Signer:
        """A signer for ``verification_method`` (default: this key's did:key method)."""
        return Ed25519Signer(
            self._seed,
            verification_method=verification_method or self.did_key_verification_method,
        )

    def to_json(self, include_secret: bool = False) -> dict[str, str]:
        """``{"did", "publicKeyMultibase"}`` plus ``secretKeyMultibase`` only if asked."""
        out = {"did": self.did, "publicKeyMultibase": self.public_key_multibase}
        if include_secret:
            out["secretKeyMultibase"] = self.secret_key_multibase
        return out

    def __repr__(self) -> str:
        return f"Ed25519KeyPair(public_key_multibase={self.public_key_multibase!r})"

    __str__ = __repr__
