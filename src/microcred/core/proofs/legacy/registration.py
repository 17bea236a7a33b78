"""(Re-)registration of the legacy suites in :mod:`microcred.core.proofs.registry`.

The registry includes them by default (verify-only); these functions let a deployment or a test
switch them off and on. ``eddsa-2022`` is a verify-only cryptosuite name,
``Ed25519Signature2020`` a proof ``type``. Nothing happens on import.
"""

from __future__ import annotations

from microcred.core.proofs import registry
from microcred.core.proofs.legacy.ed25519_signature_2020 import (
    PROOF_TYPE_2020,
    Ed25519Signature2020,
)
from microcred.core.proofs.legacy.eddsa_2022 import Eddsa2022

LEGACY_KEYS = (Eddsa2022.name, PROOF_TYPE_2020)
"""The registry keys the legacy suites use (a cryptosuite name, a proof type)."""


def register_legacy_suites() -> None:
    """Register ``eddsa-2022`` and ``Ed25519Signature2020`` for verification (idempotent)."""
    registry.register(Eddsa2022(), verify_only=True)
    registry.register(Ed25519Signature2020(), proof_type=PROOF_TYPE_2020)


def unregister_legacy_suites() -> None:
    """Remove the legacy suites from the registry again."""
    for key in LEGACY_KEYS:
        registry.unregister(key)


def legacy_suites_registered() -> bool:
    """Whether both legacy suites are currently registered."""
    return set(LEGACY_KEYS) <= set(registry.registered_suites())
