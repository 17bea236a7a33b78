"""Multikey encoding of Ed25519 keys (W3C CID 1.0 §2.2.2 "Multikey", VC-DI-EdDSA 1.0 §2.1.1).

A Multikey value is multibase base58btc (prefix ``z``) of a multicodec header plus the raw key:

- public key: header ``0xed 0x01`` + 32 bytes, always starting ``z6Mk``;
- secret key: header ``0x80 0x26`` + the 32-byte seed (``z3u2...``). The 64-byte form (seed followed
  by the public key, as in the 1EdTech OB 3.0 vector) is accepted when decoding.
"""

from __future__ import annotations

import functools

import base58

from microcred.errors import KeyFormatError

ED25519_PUBLIC_HEADER = b"\xed\x01"
ED25519_SECRET_HEADER = b"\x80\x26"
ED25519_KEY_LENGTH = 32
_BASE58_ALPHABET = frozenset("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: ``z`` followed by the Bitcoin base58 alphabet."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str, *, what: str = "multibase value") -> bytes:
    """Decode a multibase base58btc string; :class:`KeyFormatError` names what is wrong."""
    if not isinstance(value, str) or not value:
        raise KeyFormatError(f"{what}: expected a non-empty string")
    if value[0] != "z":
        raise KeyFormatError(f"{what}: multibase prefix {value[0]!r} is not 'z' (base58btc)")
    body = value[1:]
    if not body:
        raise KeyFormatError(f"{what}: nothing after the multibase prefix")
    bad = sorted(set(body) - _BASE58_ALPHABET)
    if bad:
        raise KeyFormatError(f"{what}: characters not in the base58btc alphabet: {''.join(bad)!r}")
    return base58.b58decode(body)


def encode_public_key(raw: bytes) -> str:
    """Encode a raw 32-byte Ed25519 public key as ``publicKeyMultibase`` (``z6Mk...``)."""
    if len(raw) != ED25519_KEY_LENGTH:
        raise KeyFormatError(f"Ed25519 public key must be 32 bytes, got {len(raw)}")
    return encode_base58btc(ED25519_PUBLIC_HEADER + raw)


def decode_public_key(multibase: str) -> bytes:
    """Decode ``publicKeyMultibase`` to the raw 32-byte Ed25519 public key."""
    if not isinstance(multibase, str):
        raise KeyFormatError("publicKeyMultibase: expected a string")
    return _decode_public_key(multibase)


@functools.lru_cache(maxsize=1024)
def _decode_public_key(multibase: str) -> bytes:
    # cached: verifying a batch decodes the same issuer key again and again
    data = decode_base58btc(multibase, what="publicKeyMultibase")
    if data[:2] != ED25519_PUBLIC_HEADER:
        raise KeyFormatError(
            f"publicKeyMultibase: multicodec header 0x{data[:2].hex()} is not Ed25519 (0xed01)"
        )
    if len(data) != 2 + ED25519_KEY_LENGTH:
        raise KeyFormatError(
            f"publicKeyMultibase: Ed25519 public key must be 32 bytes, got {len(data) - 2}"
        )
    return data[2:]


def is_public_key_multibase(value: str) -> bool:
    """True when ``value`` is a well-formed Ed25519 ``publicKeyMultibase``."""
    try:
        decode_public_key(value)
    except KeyFormatError:
        return False
    return True


def encode_secret_key(seed: bytes) -> str:
    """Encode a 32-byte Ed25519 seed as ``secretKeyMultibase`` (``z3u2...``)."""
    if len(seed) != ED25519_KEY_LENGTH:
        raise KeyFormatError(f"Ed25519 seed must be 32 bytes, got {len(seed)}")
    return encode_base58btc(ED25519_SECRET_HEADER + seed)


def decode_secret_key(multibase: str) -> tuple[bytes, bytes | None]:
    """Decode ``secretKeyMultibase`` to ``(seed, public_key_or_None)``.

    The public key is returned only for the 64-byte form (seed + public key); the caller must
    check it against the key derived from the seed.
    """
    data = decode_base58btc(multibase, what="secretKeyMultibase")
    if data[:2] != ED25519_SECRET_HEADER:
        raise KeyFormatError(
            f"secretKeyMultibase: multicodec header 0x{data[:2].hex()} is not "
            "an Ed25519 secret key (0x8026)"
        )
    body = data[2:]
    if len(body) == ED25519_KEY_LENGTH:
        return body, None
    if len(body) == 2 * ED25519_KEY_LENGTH:
        return body[:ED25519_KEY_LENGTH], body[ED25519_KEY_LENGTH:]
    raise KeyFormatError(
        f"secretKeyMultibase: Ed25519 secret key must be 32 bytes (or 64 with the public key), "
        f"got {len(body)}"
    )
