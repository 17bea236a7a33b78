"""Securing a credential: the one place that maps a suite name to a securing mechanism.

VC-DM 2.0 §4.13: a credential is secured either by an embedded proof (VC Data Integrity 1.0
with ``eddsa-rdfc-2022`` or ``eddsa-jcs-2022``, VC-DI-EdDSA §3) or by an enveloping proof
(VC-JOSE-COSE §3.1, compact JWS with ``typ: vc+jwt``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from microcred.core.jsonld.loader import DocumentLoader
from microcred.core.keys.signer import Signer
from microcred.core.proofs.data_integrity import add_proof
from microcred.core.proofs.jose import sign_vc_jwt
from microcred.errors import InvalidInputError

VC_JWT: Final = "vc-jwt"
SUITES: Final = ("eddsa-rdfc-2022", "eddsa-jcs-2022", VC_JWT)


def secure_credential(
    credential: Mapping[str, Any],
    *,
    signer: Signer,
    suite: str,
    created: str | None,
    loader: DocumentLoader,
) -> dict[str, Any] | str:
    """Sign ``credential`` with ``suite``: a new document with a proof, or a compact VC-JWT."""
    if suite == VC_JWT:
        return sign_vc_jwt(credential, signer=signer, profile="vc-jose-cose")
    if suite not in SUITES:
        raise InvalidInputError(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    return add_proof(credential, signer=signer, cryptosuite=suite, created=created, loader=loader)
