"""``eddsa-jcs-2022`` (VC-DI-EdDSA 1.0 §3.3): JCS (RFC 8785), SHA-256, Ed25519.

Create (§3.3.1 step 2): when the document has ``@context``, the proof carries the same
``@context``. Verify (§3.3.2): when the proof has ``@context``, the document's ``@context`` must
start with those values in the same order, and the document is hashed with the proof's
``@context``. The proof configuration is the JCS of the proof options as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.jsonld.canonicalize import jcs
from microcred.core.proofs.suites._eddsa import EddsaSuite
from microcred.errors import ProofError

if TYPE_CHECKING:
    from microcred.core.jsonld.loader import DocumentLoader


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


class EddsaJcs2022(EddsaSuite):
    """The ``eddsa-jcs-2022`` cryptosuite."""

    name = "eddsa-jcs-2022"

    def create_proof_options(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Copy the document's ``@context`` into the proof."""
        proof = {k: v for k, v in options.items() if k != "@context"}
        if "@context" in document:
            proof["@context"] = document["@context"]
        return proof

    def verification_document(
        self, unsecured: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Check the ``@context`` prefix rule and hash with the proof's ``@context``."""
        if "@context" not in proof_options:
            return unsecured
        proof_context = _as_list(proof_options["@context"])
        document_context = _as_list(unsecured.get("@context", []))
        if document_context[: len(proof_context)] != proof_context:
            raise ProofError("the document's @context does not start with the proof's @context")
        return {**unsecured, "@context": proof_options["@context"]}

    def _proof_config(
        self, document: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> dict[str, Any]:
        return dict(proof_options)

    def _canonical_config(self, config: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        return jcs(config)

    def _canonical_document(self, document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        return jcs(document)
