"""did:web (W3C CCG did:web Method Specification §3.2 "Read (Resolve)").

``did:web:<host>[%3A<port>][:<path>...]`` maps to ``https://<host>[:<port>]/<path>.../did.json``,
or ``https://<host>[:<port>]/.well-known/did.json`` without a path. HTTPS only; IP literals and
dot segments are refused. Network access goes through an injected ``fetcher(url) -> bytes``
(the CLI passes one that reads local files).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from microcred.core.did.fetch import Fetcher, check_domain_name, fetch_json_document
from microcred.core.did.key import DID_CONTEXT, MULTIKEY_CONTEXT
from microcred.core.keys.multikey import decode_public_key
from microcred.errors import KeyFormatError, ResolutionError

_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~!$&'()*+,;=@-]|%[0-9A-Fa-f]{2})+$")


def _split_did_web(did: str) -> tuple[str, int | None, list[str]]:
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise ResolutionError(f"not a did:web DID: {did!r}")
    if any(c in did for c in "#?/"):
        raise ResolutionError(f"did:web {did!r}: expected a DID without path, query or fragment")
    first, *path = did[len("did:web:") :].split(":")
    host, port = first, None
    lowered = first.lower()
    if "%3a" in lowered:
        index = lowered.index("%3a")
        host, port_text = first[:index], first[index + 3 :]
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ResolutionError(f"did:web {did!r}: port {port_text!r} is not a valid port")
        port = int(port_text)
    check_domain_name(host, where=f"did:web {did!r}")
    for segment in path:
        if not _SEGMENT.match(segment) or segment in {".", ".."}:
            raise ResolutionError(f"did:web {did!r}: path segment {segment!r} is not allowed")
    return host.lower(), port, path


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of the DID document of a did:web DID."""
    host, port, path = _split_did_web(did)
    authority = host if port is None else f"{host}:{port}"
    if not path:
        return f"https://{authority}/.well-known/did.json"
    return f"https://{authority}/{'/'.join(path)}/did.json"


def did_web_from_url(url: str) -> str:
    """The did:web DID for an HTTPS URL (a ``did.json`` URL or the base URL it lives under)."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise ResolutionError(f"did:web needs an https URL, got {url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ResolutionError(f"did:web URL {url!r} must not have credentials, query or fragment")
    host = parts.hostname or ""
    segments = [s for s in parts.path.split("/") if s]
    if segments[-2:] == [".well-known", "did.json"] and len(segments) == 2:
        segments = []
    elif segments and segments[-1] == "did.json":
        segments = segments[:-1]
    first = host if parts.port is None else f"{host}%3A{parts.port}"
    did = ":".join(["did:web", first, *segments])
    _split_did_web(did)
    return did


def did_web_document(did: str, public_keys: Sequence[str]) -> dict[str, Any]:
    """A DID document to host for ``did`` with Multikey methods ``<did>#key-0``, ``#key-1``...

    Every key is listed under ``assertionMethod`` and ``authentication``.
    """
    _split_did_web(did)
    if isinstance(public_keys, str) or not public_keys:
        raise KeyFormatError("did_web_document needs a non-empty list of publicKeyMultibase values")
    methods = []
    for index, key in enumerate(public_keys):
        decode_public_key(key)
        methods.append(
            {
                "id": f"{did}#key-{index}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key,
            }
        )
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": list(ids),
        "authentication": list(ids),
    }


class DidWebMethod:
    """The did:web method; reads the document through the injected ``fetcher``."""

    name = "web"

    def __init__(self, fetcher: Fetcher, *, max_bytes: int = 256 * 1024) -> None:
        self._fetcher = fetcher
        self._max_bytes = max_bytes

    def resolve(self, did: str) -> dict[str, Any]:
        """Fetch and parse the DID document; its ``id`` must be ``did``."""
        url = did_web_to_url(did)
        doc = fetch_json_document(self._fetcher, url, max_bytes=self._max_bytes)
        if doc.get("id") != did:
            raise ResolutionError(
                f"the DID document at {url} has id {doc.get('id')!r}, expected {did!r}"
            )
        return doc
