"""JSON Web Keys for Ed25519 (RFC 8037 §2) and unpadded base64url (RFC 7515 §2)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from microcred.core.keys.multikey import decode_public_key, encode_public_key
from microcred.errors import KeyFormatError


def b64url_encode(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; :class:`KeyFormatError` on bad input."""
    if not isinstance(text, str):
        raise KeyFormatError("expected a base64url string")
    try:
        return base64.b64decode(
            text.encode("ascii") + b"=" * (-len(text) % 4), altchars=b"-_", validate=True
        )
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise KeyFormatError(f"not base64url: {exc}") from exc


def ed25519_multibase_from_jwk(jwk: Mapping[str, Any]) -> str:
    """``publicKeyMultibase`` of a public OKP/Ed25519 JWK; refuses private JWKs."""
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK must be a JSON object")
    if "d" in jwk:
        raise KeyFormatError("the JWK contains a private key ('d'); refusing it")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyFormatError(
            f"the JWK is kty={jwk.get('kty')!r} crv={jwk.get('crv')!r}; "
            "only OKP Ed25519 is supported"
        )
    x = jwk.get("x")
    if not isinstance(x, str):
        raise KeyFormatError("the JWK has no 'x'")
    return encode_public_key(b64url_decode(x))


def ed25519_jwk_from_multibase(public_key_multibase: str) -> dict[str, str]:
    """The public OKP JWK of an Ed25519 ``publicKeyMultibase``."""
    raw = decode_public_key(public_key_multibase)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
