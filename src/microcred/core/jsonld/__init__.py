"""JSON-LD layer of the pure core: bundled contexts, a static loader, RDFC-1.0 and JCS.

Public API: :class:`StaticDocumentLoader`, :func:`default_loader`, :func:`bundled_contexts`,
:func:`canonical_nquads`, :func:`jcs`.
"""

from microcred.core.jsonld.canonicalize import canonical_nquads, jcs
from microcred.core.jsonld.loader import (
    DocumentLoader,
    RemoteDocument,
    StaticDocumentLoader,
    bundled_contexts,
    default_loader,
)

__all__ = [
    "DocumentLoader",
    "RemoteDocument",
    "StaticDocumentLoader",
    "bundled_contexts",
    "canonical_nquads",
    "default_loader",
    "jcs",
]
