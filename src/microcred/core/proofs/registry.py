"""Registry of cryptosuites by name (VC Data Integrity 1.0 §2.1 ``cryptosuite``).

The built-in EdDSA suites are registered lazily on first use; :func:`register` adds others.
"""

from __future__ import annotations

import functools

from microcred.core.proofs.cryptosuite import Cryptosuite
from microcred.errors import ProofError


@functools.cache
def _suites() -> dict[str, Cryptosuite]:
    from microcred.core.proofs.suites.eddsa_jcs_2022 import EddsaJcs2022
    from microcred.core.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022

    built_in: list[Cryptosuite] = [EddsaRdfc2022(), EddsaJcs2022()]
    return {suite.name: suite for suite in built_in}


def register(suite: Cryptosuite) -> None:
    """Make ``suite`` available under ``suite.name`` (replacing one of the same name)."""
    _suites()[suite.name] = suite


def get(name: str) -> Cryptosuite:
    """The suite called ``name``; :class:`ProofError` ``unsupported cryptosuite X`` otherwise."""
    try:
        return _suites()[name]
    except (KeyError, TypeError):
        raise ProofError(f"unsupported cryptosuite {name!r}") from None


def registered_suites() -> list[str]:
    """Names of the registered suites."""
    return sorted(_suites())
