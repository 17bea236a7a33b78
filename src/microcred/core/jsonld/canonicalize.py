"""Canonical forms that proofs sign: RDFC-1.0 N-Quads of JSON-LD, and JCS (RFC 8785).

:func:`canonical_nquads` = safe-mode JSON-LD -> RDF (base=None, :mod:`.expansion`) then
RDFC-1.0 (:mod:`.rdfc`), as used by ``eddsa-rdfc-2022`` (VC-DI-EdDSA 1.0 §3.3.4).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

import rfc8785

from microcred.core.jsonld.expansion import to_quads
from microcred.core.jsonld.loader import DocumentLoader
from microcred.core.jsonld.rdfc import canonicalize_quads
from microcred.core.jsonld.template import TemplateCache
from microcred.errors import JsonLdError

# One bounded template cache per loader (a loader fixes what each context URL means).
_caches: weakref.WeakKeyDictionary[DocumentLoader, TemplateCache] = weakref.WeakKeyDictionary()


def _template_cache(loader: DocumentLoader) -> TemplateCache | None:
    try:
        cache = _caches.get(loader)
        if cache is None:
            cache = _caches[loader] = TemplateCache()
    except TypeError:  # a loader that cannot be weakly referenced: no templates
        return None
    return cache


def canonical_nquads(document: Mapping[str, Any], *, loader: DocumentLoader) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (every line ends with ``\\n``).

    Uses the per-shape template when one applies, else the generic path; both give the same
    bytes. Raises UnknownContextError, DataLossError, CanonicalizationLimitError or JsonLdError.
    """
    if not isinstance(document, Mapping):
        raise JsonLdError("a JSON-LD document to canonicalize must be a JSON object")
    cache = _template_cache(loader)
    if cache is not None:
        canonical = cache.canonical(document, loader)
        if canonical is not None:
            return canonical
    return canonicalize_quads(to_quads(document, loader=loader))


def canonical_nquads_generic(document: Mapping[str, Any], *, loader: DocumentLoader) -> str:
    """:func:`canonical_nquads` without templates (reference path for tests and benchmarks)."""
    if not isinstance(document, Mapping):
        raise JsonLdError("a JSON-LD document to canonicalize must be a JSON object")
    return canonicalize_quads(to_quads(document, loader=loader))


def jcs(value: Any) -> bytes:
    """JSON Canonicalization Scheme (RFC 8785) bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise JsonLdError(f"value cannot be canonicalized with JCS: {error}") from error
