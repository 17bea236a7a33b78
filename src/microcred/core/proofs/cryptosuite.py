"""The cryptosuite plug-in (VC Data Integrity 1.0 §3 "Algorithms", cryptosuite interface).

A cryptosuite knows how to shape its proof options, transform and hash a document with them,
and create or check the signature. :mod:`microcred.core.proofs.data_integrity` is suite-agnostic
and finds suites through :mod:`microcred.core.proofs.registry`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from microcred.core.jsonld.loader import DocumentLoader
    from microcred.core.keys.signer import Signer


class Cryptosuite(Protocol):
    """One Data Integrity cryptosuite (``DataIntegrityProof`` + ``cryptosuite`` = ``name``)."""

    name: str

    def create_proof_options(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The options as they will appear in the proof (without ``proofValue``)."""
        ...

    def verification_document(
        self, unsecured: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The document to hash when verifying; raises ProofError if the proof cannot apply."""
        ...

    def hash_data(
        self,
        document: Mapping[str, Any],
        proof_options: Mapping[str, Any],
        *,
        loader: DocumentLoader,
    ) -> bytes:
        """Transformation + proof configuration + hashing: proof-config hash FIRST."""
        ...

    def sign(self, signer: Signer, hash_data: bytes) -> bytes:
        """Proof serialization: the signature bytes over ``hash_data``."""
        ...

    def verify_signature(
        self, *, public_key_multibase: str, hash_data: bytes, signature: bytes
    ) -> bool:
        """Proof verification: ``True`` only for a valid signature by that key."""
        ...
