"""Registry of cryptosuites (VC Data Integrity 1.0 §2.1 ``type`` and ``cryptosuite``).

A ``DataIntegrityProof`` is claimed by the suite registered under its ``cryptosuite`` name; a
proof of an older type (e.g. ``Ed25519Signature2020``) by the suite registered for that ``type``.
Suites registered ``verify_only`` (every suite claiming a proof ``type``: :func:`add_proof
<microcred.core.proofs.data_integrity.add_proof>` only writes ``DataIntegrityProof``) are refused
by :func:`for_issuing`. The built-in EdDSA suites, and the legacy ones verified but never
issued (``eddsa-2022``, ``Ed25519Signature2020``), are registered lazily on first use;
:func:`register` adds others.
"""

from __future__ import annotations

import functools

from microcred.core.proofs.cryptosuite import Cryptosuite
from microcred.core.proofs.suites._eddsa import PROOF_TYPE
from microcred.errors import ProofError


@functools.cache
def _suites() -> dict[str, Cryptosuite]:
    from microcred.core.proofs.legacy.eddsa_2022 import Eddsa2022
    from microcred.core.proofs.suites.eddsa_jcs_2022 import EddsaJcs2022
    from microcred.core.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022

    built_in: list[Cryptosuite] = [EddsaRdfc2022(), EddsaJcs2022(), Eddsa2022()]
    return {suite.name: suite for suite in built_in}


@functools.cache
def _by_proof_type() -> dict[str, Cryptosuite]:
    """Suites claiming proofs by ``type`` (proof types other than ``DataIntegrityProof``)."""
    from microcred.core.proofs.legacy.ed25519_signature_2020 import (
        PROOF_TYPE_2020,
        Ed25519Signature2020,
    )

    return {PROOF_TYPE_2020: Ed25519Signature2020()}


@functools.cache
def _verify_only() -> set[str]:
    """Cryptosuite names that are verified but never issued (the legacy ``eddsa-2022``)."""
    return {"eddsa-2022"}


def register(
    suite: Cryptosuite, *, proof_type: str = PROOF_TYPE, verify_only: bool = False
) -> None:
    """Make ``suite`` available, replacing one registered under the same key.

    With the default ``proof_type`` the key is ``suite.name`` (the ``cryptosuite`` value);
    otherwise the suite claims every proof whose ``type`` is ``proof_type`` and is verify-only.
    """
    if proof_type != PROOF_TYPE:
        _by_proof_type()[proof_type] = suite
        return
    _suites()[suite.name] = suite
    if verify_only:
        _verify_only().add(suite.name)
    else:
        _verify_only().discard(suite.name)


def unregister(key: str) -> None:
    """Remove the suite registered under ``key`` (a cryptosuite name or a proof type), if any."""
    _suites().pop(key, None)
    _verify_only().discard(key)
    _by_proof_type().pop(key, None)


def get(name: str) -> Cryptosuite:
    """The suite called ``name``; :class:`ProofError` ``unsupported cryptosuite X`` otherwise."""
    try:
        return _suites()[name]
    except (KeyError, TypeError):
        raise ProofError(f"unsupported cryptosuite {name!r}") from None


def for_issuing(name: str) -> Cryptosuite:
    """The suite called ``name`` if microcred may create proofs with it (:class:`ProofError`
    for unknown names and for legacy formats, which are verified but never issued)."""
    if isinstance(name, str) and (name in _verify_only() or name in _by_proof_type()):
        raise ProofError(
            f"{name!r} is a legacy proof format: microcred verifies it but never issues it"
        )
    return get(name)


def for_proof(proof_type: object, cryptosuite: object) -> Cryptosuite:
    """The suite that verifies a proof with this ``type`` and ``cryptosuite``.

    :class:`ProofError` ``unsupported proof type X`` / ``unsupported cryptosuite X`` otherwise.
    """
    if proof_type == PROOF_TYPE:
        if not isinstance(cryptosuite, str):
            raise ProofError(f"unsupported cryptosuite {cryptosuite!r}")
        return get(cryptosuite)
    suite = _by_proof_type().get(proof_type) if isinstance(proof_type, str) else None
    if suite is None:
        raise ProofError(f"unsupported proof type {proof_type!r}")
    return suite


def is_supported(*, proof_type: object, cryptosuite: object) -> bool:
    """Whether a registered suite verifies a proof with this ``type`` and ``cryptosuite``."""
    try:
        for_proof(proof_type, cryptosuite)
    except ProofError:
        return False
    return True


def registered_suites() -> list[str]:
    """Keys of the registered suites: cryptosuite names and proof types claimed by a suite."""
    return sorted(set(_suites()) | set(_by_proof_type()))
