"""Verification-method resolution (W3C CID 1.0 §3.3 "Retrieve Verification Method").

:class:`Resolver` dereferences a verification method URL to a public key:

1. split the URL into the controller document URL and the fragment;
2. get the document: one supplied locally (by ``id``), else a registered DID method
   (did:key, did:web, ...), else an https document through the optional ``fetcher``;
3. the document's ``id`` must equal the document URL;
4. the method (in ``verificationMethod`` or embedded in a relationship) must have the absolute
   ``id`` asked for and a ``controller`` equal to the document URL;
5. it must be listed, by reference or embedded, under the requested relationship (``purpose``);
6. its key must be Ed25519: ``Multikey`` / ``Ed25519VerificationKey2020`` (``publicKeyMultibase``),
   ``publicKeyJwk`` (OKP, Ed25519) or ``Ed25519VerificationKey2018`` (``publicKeyBase58``).

Documented leniencies:

- ``did:key:<mb>`` without a fragment means its only method ``did:key:<mb>#<mb>`` (the key is
  the identifier, so nothing is assumed).
- A standalone method document (an URL without fragment whose document is itself the method,
  with a ``controller``) is accepted when the controller's document lists it under ``purpose``.
- *Key in fragment* (opt-in, ``key_in_fragment=True``): the 1EdTech OB 3.0 validator takes the key
  of ``https://issuer.example/x#z6Mk...`` from the fragment and treats the URL before ``#`` as
  controller. This proves nothing about the controller, so it is off by default and only applies
  when no document for that URL is available. The strict equivalent is to supply
  :func:`controller_document_for_key` as a local document.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import base58

from microcred.core.did.fetch import Fetcher, fetch_json_document
from microcred.core.did.key import DID_CONTEXT, MULTIKEY_CONTEXT, DidKeyMethod
from microcred.core.keys.jwk import ed25519_multibase_from_jwk
from microcred.core.keys.multikey import (
    ED25519_KEY_LENGTH,
    decode_public_key,
    encode_public_key,
    is_public_key_multibase,
)
from microcred.errors import KeyFormatError, ResolutionError

RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method; ``public_key_multibase`` is always Ed25519 ``z6Mk...``."""

    id: str
    controller: str
    public_key_multibase: str
    type: str


class DidMethod(Protocol):
    """A DID method: ``name`` is the method name (``"key"`` for ``did:key:...``)."""

    name: str

    def resolve(self, did: str) -> Mapping[str, Any]:
        """Return the DID document of ``did`` or raise :class:`ResolutionError`."""
        ...


def controller_document_for_key(controller: str, public_key_multibase: str) -> dict[str, Any]:
    """The controller document a key implies: one Multikey ``<controller>#<key>`` method,
    listed under ``assertionMethod`` and ``authentication``."""
    decode_public_key(public_key_multibase)
    vm_id = f"{controller}#{public_key_multibase}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": controller,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": public_key_multibase,
            }
        ],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
    }


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _key_of(method: Mapping[str, Any]) -> str:
    """The Ed25519 ``publicKeyMultibase`` of a verification method object."""
    vm_type = method.get("type")
    if "publicKeyMultibase" in method:
        if vm_type not in {"Multikey", "Ed25519VerificationKey2020"}:
            raise KeyFormatError(f"verification method type {vm_type!r} is not supported")
        value = method["publicKeyMultibase"]
        if not isinstance(value, str):
            raise KeyFormatError("publicKeyMultibase must be a string")
        decode_public_key(value)
        return value
    if "publicKeyJwk" in method:
        return ed25519_multibase_from_jwk(method["publicKeyJwk"])
    if "publicKeyBase58" in method and vm_type == "Ed25519VerificationKey2018":
        value = method["publicKeyBase58"]
        try:
            raw = base58.b58decode(value) if isinstance(value, str) else b""
        except ValueError:
            raw = b""
        if len(raw) != ED25519_KEY_LENGTH:
            raise KeyFormatError("publicKeyBase58 is not a 32-byte Ed25519 key")
        return encode_public_key(raw)
    raise KeyFormatError(
        f"verification method type {vm_type!r} has no supported public key "
        "(publicKeyMultibase, publicKeyJwk)"
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _candidates(doc: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for item in _as_list(doc.get("verificationMethod")):
        if isinstance(item, Mapping):
            yield item
    for relationship in RELATIONSHIPS:
        for item in _as_list(doc.get(relationship)):
            if isinstance(item, Mapping):
                yield item


def _listed_under(doc: Mapping[str, Any], purpose: str, vm_id: str, base: str) -> bool:
    for item in _as_list(doc.get(purpose)):
        ref = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(ref, str) and _absolute(ref, base) == vm_id:
            return True
    return False


class Resolver:
    """Registry of DID methods plus locally supplied controller documents (keyed by ``id``)."""

    def __init__(
        self,
        methods: Sequence[DidMethod] = (DidKeyMethod(),),
        documents: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        fetcher: Fetcher | None = None,
        key_in_fragment: bool = False,
    ) -> None:
        self._methods = {m.name: m for m in methods}
        self._documents = dict(documents or {})
        self._fetcher = fetcher
        self._key_in_fragment = key_in_fragment

    def with_documents(self, documents: Mapping[str, Mapping[str, Any]]) -> Resolver:
        """A resolver with the same methods and these documents added."""
        clone = Resolver(
            tuple(self._methods.values()),
            {**self._documents, **documents},
            fetcher=self._fetcher,
            key_in_fragment=self._key_in_fragment,
        )
        return clone

    def resolve_document(self, url: str) -> Mapping[str, Any]:
        """The controller document at ``url`` (no fragment); its ``id`` must equal ``url``."""
        doc = self._documents.get(url)
        if doc is None:
            if url.startswith("did:"):
                name = url.split(":", 2)[1] if url.count(":") >= 2 else ""
                method = self._methods.get(name)
                if method is None:
                    raise ResolutionError(f"DID method {name!r} is not supported ({url})")
                doc = method.resolve(url)
            elif self._fetcher is not None and url.startswith("https://"):
                doc = fetch_json_document(self._fetcher, url)
            else:
                raise ResolutionError(f"no controller document is available for {url}")
        if not isinstance(doc, Mapping):
            raise ResolutionError(f"the controller document of {url} is not a JSON object")
        if doc.get("id") != url:
            raise ResolutionError(
                f"the controller document for {url} has id {doc.get('id')!r}: "
                "it must equal the document URL"
            )
        return doc

    def resolve_verification_method(self, vm_url: str, *, purpose: str) -> VerificationMethod:
        """CID 1.0 §3.3 "Retrieve Verification Method" for relationship ``purpose``."""
        if not isinstance(vm_url, str) or ":" not in vm_url or any(c.isspace() for c in vm_url):
            raise ResolutionError(f"verification method {vm_url!r} is not a valid URL")
        if not purpose:
            raise ResolutionError("no verification relationship (proof purpose) was given")
        base, _, fragment = vm_url.partition("#")
        if (
            base.startswith("did:key:")
            and base not in self._documents
            and type(self._methods.get("key")) is DidKeyMethod
        ):
            return _did_key_method(vm_url, purpose)  # generative: the same answer every time
        return self._resolve_verification_method(vm_url, purpose, base, fragment)

    def _resolve_verification_method(
        self, vm_url: str, purpose: str, base: str, fragment: str
    ) -> VerificationMethod:
        if not fragment and base.startswith("did:key:"):
            mb = base.split(":", 2)[2]
            return self.resolve_verification_method(f"{base}#{mb}", purpose=purpose)
        if (
            self._key_in_fragment
            and base not in self._documents
            and base.startswith(("https://", "http://"))
            and is_public_key_multibase(fragment)
        ):
            return VerificationMethod(vm_url, base, fragment, "Multikey")
        doc = self.resolve_document(base)
        if not fragment and "controller" in doc and "verificationMethod" not in doc:
            return self._standalone(doc, vm_url, purpose)
        found = [m for m in _candidates(doc) if _absolute(str(m.get("id", "")), base) == vm_url]
        if not found:
            raise ResolutionError(f"verification method {vm_url} is not in the document of {base}")
        return self._checked(found[0], vm_url, doc, base, purpose)

    def _standalone(
        self, method: Mapping[str, Any], vm_url: str, purpose: str
    ) -> VerificationMethod:
        controller = method.get("controller")
        if not isinstance(controller, str):
            raise ResolutionError(f"verification method {vm_url} has no controller")
        doc = self.resolve_document(controller)
        return self._checked(method, vm_url, doc, controller, purpose)

    def _checked(
        self,
        method: Mapping[str, Any],
        vm_url: str,
        doc: Mapping[str, Any],
        controller_url: str,
        purpose: str,
    ) -> VerificationMethod:
        controller = method.get("controller")
        if controller != controller_url:
            raise ResolutionError(
                f"verification method {vm_url} has controller {controller!r}, "
                f"but its controller document is {controller_url}"
            )
        if not _listed_under(doc, purpose, vm_url, controller_url):
            raise ResolutionError(
                f"verification method {vm_url} is not listed under {purpose} "
                f"in the document of {controller_url}"
            )
        try:
            key = _key_of(method)
        except KeyFormatError as exc:
            raise ResolutionError(f"verification method {vm_url}: {exc}") from exc
        return VerificationMethod(vm_url, controller_url, key, str(method.get("type", "")))


@functools.lru_cache(maxsize=1024)
def _did_key_method(vm_url: str, purpose: str) -> VerificationMethod:
    """A did:key verification method (pure: did:key documents are generated from the DID)."""
    base, _, fragment = vm_url.partition("#")
    return Resolver()._resolve_verification_method(vm_url, purpose, base, fragment)
