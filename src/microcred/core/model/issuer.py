"""The issuer profile: who signs the credential (OB 3.0 ``Profile``, VCDM 2.0 ``issuer``)."""

from __future__ import annotations

from dataclasses import dataclass

from microcred.core.model.language import LanguageMap

__all__ = ["IssuerProfile"]


@dataclass(frozen=True)
class IssuerProfile:
    """The issuing organisation: ``id`` is its DID or URL; ``country_code`` ISO 3166-1 alpha-2."""

    id: str
    name: LanguageMap | str
    country_code: str
    url: str | None = None
    email: str | None = None
    region: str | None = None
    image: str | None = None
    description: LanguageMap | str | None = None
