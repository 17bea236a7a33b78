"""``eddsa-2022``: the pre-Recommendation name of ``eddsa-rdfc-2022`` (VC-DI-EdDSA drafts, 2022-23).

``DataIntegrityProof`` with ``cryptosuite: eddsa-2022``; the algorithm is the one of VC-DI-EdDSA
1.0 §3.2 (RDFC-1.0, SHA-256 of proof configuration then document, Ed25519). Such documents often
use the VC 1.1 context plus ``https://w3id.org/security/data-integrity/v1``. Verify only.
"""

from __future__ import annotations

from microcred.core.proofs.legacy._verify_only import VerifyOnly
from microcred.core.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022


class Eddsa2022(VerifyOnly, EddsaRdfc2022):
    """The draft ``eddsa-2022`` cryptosuite (verification only)."""

    name = "eddsa-2022"
