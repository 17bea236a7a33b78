"""``Ed25519Signature2020`` (W3C CCG "Ed25519Signature2020" Linked Data proof suite). Verify only.

A proof of ``type: Ed25519Signature2020`` (no ``cryptosuite``) over a document whose ``@context``
includes :data:`SUITE_CONTEXT`. Proof options = the proof without ``proofValue``, with the
document's ``@context`` unless the proof carries its own (as jsonld-signatures does);
``hashData = SHA-256(URDNA2015 proof options) || SHA-256(URDNA2015 document)`` (URDNA2015 is
RDFC-1.0 here); ``proofValue`` = multibase base58btc Ed25519 signature; the verification method is
an ``Ed25519VerificationKey2020`` or a ``Multikey``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.core.proofs._datetime import is_datetime
from microcred.core.proofs.legacy._verify_only import VerifyOnly
from microcred.core.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022
from microcred.errors import ProofError

PROOF_TYPE_2020 = "Ed25519Signature2020"
SUITE_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


def _includes_suite_context(context: Any) -> bool:
    return context == SUITE_CONTEXT or (isinstance(context, list) and SUITE_CONTEXT in context)


class Ed25519Signature2020(VerifyOnly, EddsaRdfc2022):
    """The ``Ed25519Signature2020`` suite (verification only), claimed by proof ``type``."""

    name = PROOF_TYPE_2020
    verification_method_types = frozenset({"Ed25519VerificationKey2020", "Multikey"})

    def verification_document(
        self, unsecured: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The document itself; its ``@context`` must include the suite context."""
        if not _includes_suite_context(unsecured.get("@context")):
            raise ProofError(
                f"an {PROOF_TYPE_2020} proof needs {SUITE_CONTEXT} in the document's @context"
            )
        return unsecured

    def _proof_config(
        self, document: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> dict[str, Any]:
        if "@context" in proof_options:
            return dict(proof_options)
        return super()._proof_config(document, proof_options)

    def _check_options(self, options: Mapping[str, Any]) -> None:
        if options.get("type") != PROOF_TYPE_2020:
            raise ProofError(f"proof type must be {PROOF_TYPE_2020!r}, got {options.get('type')!r}")
        if "cryptosuite" in options:
            raise ProofError(f"an {PROOF_TYPE_2020} proof has no cryptosuite")
        if "proofValue" in options:
            raise ProofError("proof options must not contain proofValue")
        created = options.get("created")
        if created is not None and not is_datetime(created):
            raise ProofError(f"proof created {created!r} is not a valid XML Schema dateTime")
