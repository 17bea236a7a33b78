"""Issuing one award: the model -> an unsigned OB 3.0 credential -> a secured credential.

The recipe the CLI, the demo and (later) the issuer service share. Randomness (the recipient
salt, the credential id) and time are passed in, so the result is reproducible in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.core.formats.ob3 import build_credential
from microcred.core.jsonld.loader import DocumentLoader
from microcred.core.keys.signer import Signer
from microcred.core.model import Award, IssuerProfile, MicroCredential
from microcred.core.securing import secure_credential
from microcred.errors import SpecValidationError


def issuer_profile_for(mc: MicroCredential, *, issuer_id: str) -> IssuerProfile:
    """The issuer profile of ``mc``'s first awarding body, identified by ``issuer_id``.

    Annex I elements 3 (country of the issuer) and 4 (awarding body).
    """
    if not mc.awarding_bodies:
        raise SpecValidationError(["awarding bodies: at least one is required"])
    body = mc.awarding_bodies[0]
    country = mc.issuer_countries[0] if mc.issuer_countries else body.country
    region = mc.issuer_regions[0] if mc.issuer_regions else None
    return IssuerProfile(
        id=issuer_id,
        name=body.legal_name,
        country_code=country,
        url=body.url,
        email=body.email,
        region=region,
    )


def issue_award(
    award: Award,
    *,
    issuer: IssuerProfile,
    signer: Signer,
    suite: str,
    created: str,
    credential_id: str,
    salt: str | None,
    loader: DocumentLoader,
    status: Mapping[str, Any] | None = None,
) -> dict[str, Any] | str:
    """Build the OB 3.0 credential for ``award`` and secure it with ``suite``.

    Raises SpecValidationError naming every problem of the award, learner or issuer.
    """
    unsigned = build_credential(
        award, issuer=issuer, credential_id=credential_id, salt=salt, status=status
    )
    return secure_credential(unsigned, signer=signer, suite=suite, created=created, loader=loader)
