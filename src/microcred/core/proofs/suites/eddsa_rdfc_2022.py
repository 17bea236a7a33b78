"""``eddsa-rdfc-2022`` (VC-DI-EdDSA 1.0 §3.2): RDFC-1.0 canonical N-Quads, SHA-256, Ed25519.

Proof configuration (§3.2.5): the proof options with ``@context`` set to the document's
``@context``; transformation (§3.2.3): RDFC-1.0 of the document without ``proof``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from microcred.core.jsonld.canonicalize import canonical_nquads
from microcred.core.proofs.suites._eddsa import EddsaSuite

if TYPE_CHECKING:
    from microcred.core.jsonld.loader import DocumentLoader


def _nquads(document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    return canonical_nquads(document, loader=loader).encode("utf-8")


class EddsaRdfc2022(EddsaSuite):
    """The ``eddsa-rdfc-2022`` cryptosuite."""

    name = "eddsa-rdfc-2022"

    def _proof_config(
        self, document: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> dict[str, Any]:
        config = {k: v for k, v in proof_options.items() if k != "@context"}
        if "@context" in document:
            config["@context"] = document["@context"]
        return config

    def _canonical_config(self, config: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        return _nquads(config, loader)

    def _canonical_document(self, document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
        return _nquads(document, loader)
