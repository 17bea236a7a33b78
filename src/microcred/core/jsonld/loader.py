"""Static JSON-LD document loader: bundled contexts only, never the network (VC-DI 1.0 §2.4).

Bundled files are listed in ``contexts/manifest.json`` with their SHA-256; the hashes are checked
once, the first time the bundle is read. Documents the caller supplies locally (``extra``) are
served too. Any other URL raises :class:`~microcred.errors.UnknownContextError`.

Bundled documents are returned with ``"tag": "static"``: PyLD 3.3.0 keeps a processed remote
context in its shared (process-wide, LRU-bounded) cache only when the loader tags it, and looks
cached entries up under that very tag. Bundled files never change, so caching them by URL is
exact. Locally supplied documents are untagged, so they are never shared between loaders.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Protocol

from microcred.errors import InvalidInputError, JsonLdError, UnknownContextError

RemoteDocument = dict[str, Any]
"""PyLD's remote document shape: ``{"contextUrl", "documentUrl", "document"[, "tag"]}``."""

_CONTEXTS_PACKAGE = "microcred.core.jsonld.contexts"
_MANIFEST = "manifest.json"
_CACHE_TAG = "static"


class DocumentLoader(Protocol):
    """A PyLD document loader: URL (and PyLD's options) -> remote document."""

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument: ...


@cache
def _bundle() -> tuple[dict[str, bytes], dict[str, Any]]:
    """Read and verify every bundled context once: (URL -> bytes, URL -> parsed JSON)."""
    folder = resources.files(_CONTEXTS_PACKAGE)
    manifest = json.loads(folder.joinpath(_MANIFEST).read_bytes())
    raw: dict[str, bytes] = {}
    parsed: dict[str, Any] = {}
    by_file: dict[str, tuple[bytes, Any]] = {}
    for url, entry in manifest.items():
        name = entry["file"]
        if name not in by_file:
            data = folder.joinpath(name).read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest != entry["sha256"]:
                raise JsonLdError(
                    f"bundled context {name} for {url} does not match its manifest hash"
                    f" (sha256 {digest}, expected {entry['sha256']})"
                )
            by_file[name] = (data, json.loads(data))
        elif hashlib.sha256(by_file[name][0]).hexdigest() != entry["sha256"]:
            raise JsonLdError(f"manifest lists two hashes for {name}")
        raw[url], parsed[url] = by_file[name]
    return raw, parsed


def bundled_contexts() -> dict[str, bytes]:
    """Return every bundled context URL with its exact bytes (e.g. to export them)."""
    return dict(_bundle()[0])


class StaticDocumentLoader:
    """Serve bundled contexts plus locally supplied documents; refuse everything else.

    ``extra`` maps URLs to parsed JSON documents (e.g. from ``--document URL=FILE``). A bundled
    URL cannot be replaced by a different document.
    """

    __slots__ = ("__weakref__", "_extra")

    def __init__(self, extra: Mapping[str, Any] | None = None) -> None:
        bundled = _bundle()[1]
        own: dict[str, Any] = {}
        for url, document in (extra or {}).items():
            if url in bundled and bundled[url] != document:
                raise InvalidInputError(f"{url} is a bundled context and cannot be replaced")
            if url not in bundled:
                own[url] = copy.deepcopy(document)
        self._extra = own

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
        """Return the remote document for ``url`` (a private copy) or raise UnknownContextError."""
        bundled = _bundle()[1]
        if url in bundled:
            return {
                "contextUrl": None,
                "documentUrl": url,
                "document": copy.deepcopy(bundled[url]),
                "tag": _CACHE_TAG,
            }
        if url in self._extra:
            return {
                "contextUrl": None,
                "documentUrl": url,
                "document": copy.deepcopy(self._extra[url]),
            }
        raise UnknownContextError(f"unknown JSON-LD document {url}: not bundled, nothing fetched")

    def document(self, url: str) -> Any:
        """Return the parsed JSON document for ``url`` (a private copy)."""
        return self(url)["document"]

    def with_documents(self, extra: Mapping[str, Any]) -> StaticDocumentLoader:
        """Return a new loader serving this loader's documents plus ``extra``."""
        return StaticDocumentLoader({**self._extra, **extra})

    def __contains__(self, url: object) -> bool:
        return url in _bundle()[1] or url in self._extra


@cache
def default_loader() -> StaticDocumentLoader:
    """The loader with bundled contexts only (built lazily, shared)."""
    return StaticDocumentLoader()
