"""did:key for Ed25519 (W3C CCG did:key Method v0.9 §3 "Operations", Multikey representation).

Resolution is generative: ``did:key:<mb>`` yields a DID document with one Multikey verification
method ``did:key:<mb>#<mb>`` referenced from every verification relationship. Only Ed25519
keys (multicodec 0xed01, 32 bytes) are supported; anything else is refused with a named reason.
"""

from __future__ import annotations

from typing import Any

from microcred.core.keys.multikey import decode_public_key
from microcred.errors import KeyFormatError, ResolutionError

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key_from_public_key(public_key_multibase: str) -> str:
    """``did:key:z6Mk...`` for an Ed25519 ``publicKeyMultibase`` (checked)."""
    decode_public_key(public_key_multibase)
    return "did:key:" + public_key_multibase


def public_key_of_did_key(did: str) -> str:
    """The Ed25519 ``publicKeyMultibase`` named by a did:key DID (no fragment)."""
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise ResolutionError(f"not a did:key DID: {did!r}")
    parts = did.split(":")
    if len(parts) != 3 or not parts[2]:
        raise ResolutionError(f"malformed did:key DID: {did!r}")
    mb = parts[2]
    try:
        decode_public_key(mb)
    except KeyFormatError as exc:
        raise ResolutionError(f"did:key {did!r} does not hold an Ed25519 key: {exc}") from exc
    return mb


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document a did:key DID generates (Multikey verification method)."""
    mb = public_key_of_did_key(did)
    vm_id = f"{did}#{mb}"
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": mb,
            }
        ],
    }
    for relationship in RELATIONSHIPS:
        doc[relationship] = [vm_id]
    return doc


class DidKeyMethod:
    """The did:key method for the :class:`~microcred.core.did.resolver.Resolver` registry."""

    name = "key"

    def resolve(self, did: str) -> dict[str, Any]:
        """Generate the DID document; :class:`ResolutionError` for a bad key."""
        return did_key_document(did)
