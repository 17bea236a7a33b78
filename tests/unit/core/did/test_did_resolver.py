"""Verification-method resolution (W3C CID 1.0 §3.3): success paths and named failures."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import (
    Resolver,
    VerificationMethod,
    controller_document_for_key,
)
from microcred.core.did.web import DidWebMethod
from microcred.core.keys.jwk import ed25519_jwk_from_multibase
from microcred.errors import ResolutionError

VECTORS = Path(__file__).parents[3] / "vectors"
KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
OB_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
OB_CONTROLLER = json.loads((VECTORS / "ob3-impl" / "obv3p0-controller-doc.json").read_text())
PEER_WEB_DOC = json.loads(
    (VECTORS / "ob3-impl" / "js-peer" / "did-web-issuer.example.json").read_text()
)
ISSUER = "https://example.edu/issuers/565049"


def _resolver(*docs: dict[str, Any], **kwargs: Any) -> Resolver:
    return Resolver(documents={d["id"]: d for d in docs}, **kwargs)


def test_did_key_method_resolves() -> None:
    vm = Resolver().resolve_verification_method(f"did:key:{KEY}#{KEY}", purpose="assertionMethod")
    assert vm == VerificationMethod(f"did:key:{KEY}#{KEY}", f"did:key:{KEY}", KEY, "Multikey")


def test_did_key_without_fragment_means_its_only_method() -> None:
    vm = Resolver().resolve_verification_method(f"did:key:{KEY}", purpose="assertionMethod")
    assert vm.id == f"did:key:{KEY}#{KEY}" and vm.public_key_multibase == KEY


def test_supplied_controller_document() -> None:
    vm = _resolver(OB_CONTROLLER).resolve_verification_method(
        f"{ISSUER}#{OB_KEY}", purpose="assertionMethod"
    )
    assert (vm.controller, vm.public_key_multibase) == (ISSUER, OB_KEY)


def test_controller_document_for_key_is_what_the_ob_vector_needs() -> None:
    assert (
        controller_document_for_key(ISSUER, OB_KEY)["verificationMethod"]
        == (OB_CONTROLLER["verificationMethod"])
    )


def test_did_web_through_fetcher() -> None:
    resolver = Resolver(
        methods=[DidWebMethod(lambda url: json.dumps(PEER_WEB_DOC).encode())],
    )
    vm = resolver.resolve_verification_method(
        "did:web:issuer.example#key-1", purpose="assertionMethod"
    )
    assert vm.controller == "did:web:issuer.example"
    with pytest.raises(ResolutionError, match="'key' is not supported"):
        resolver.resolve_verification_method(f"did:key:{KEY}#{KEY}", purpose="assertionMethod")


def test_https_document_through_fetcher() -> None:
    asked: list[str] = []

    def fetcher(url: str) -> bytes:
        asked.append(url)
        return json.dumps(OB_CONTROLLER).encode()

    vm = Resolver(fetcher=fetcher).resolve_verification_method(
        f"{ISSUER}#{OB_KEY}", purpose="assertionMethod"
    )
    assert vm.public_key_multibase == OB_KEY and asked == [ISSUER]


def test_relative_ids_and_embedded_methods() -> None:
    doc = {
        "id": "did:web:issuer.example",
        "assertionMethod": [
            {
                "id": "#k",
                "type": "Multikey",
                "controller": "did:web:issuer.example",
                "publicKeyMultibase": KEY,
            }
        ],
    }
    vm = _resolver(doc).resolve_verification_method(
        "did:web:issuer.example#k", purpose="assertionMethod"
    )
    assert vm.public_key_multibase == KEY


@pytest.mark.parametrize(
    ("vm_type", "key_fields"),
    [
        ("Ed25519VerificationKey2020", {"publicKeyMultibase": KEY}),
        ("JsonWebKey2020", {"publicKeyJwk": ed25519_jwk_from_multibase(KEY)}),
        ("JsonWebKey", {"publicKeyJwk": ed25519_jwk_from_multibase(KEY)}),
    ],
)
def test_legacy_method_types(vm_type: str, key_fields: dict[str, Any]) -> None:
    doc = copy.deepcopy(OB_CONTROLLER)
    method = doc["verificationMethod"][0]
    del method["publicKeyMultibase"]
    method.update(type=vm_type, **key_fields)
    vm = _resolver(doc).resolve_verification_method(method["id"], purpose="assertionMethod")
    assert (vm.public_key_multibase, vm.type) == (KEY, vm_type)


def test_key_in_fragment_is_opt_in() -> None:
    url = f"https://1edtech.edu/issuers/565049#{OB_KEY}"
    with pytest.raises(ResolutionError, match="no controller document is available"):
        Resolver().resolve_verification_method(url, purpose="assertionMethod")
    vm = Resolver(key_in_fragment=True).resolve_verification_method(url, purpose="assertionMethod")
    assert (vm.controller, vm.public_key_multibase) == (
        "https://1edtech.edu/issuers/565049",
        OB_KEY,
    )


def _broken(change: str) -> dict[str, Any]:
    doc = copy.deepcopy(OB_CONTROLLER)
    method = doc["verificationMethod"][0]
    if change == "controller":
        method["controller"] = "https://evil.example/issuers/1"
    elif change == "purpose":
        doc["authentication"] = doc.pop("assertionMethod")
    elif change == "multibase":
        method["publicKeyMultibase"] = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hw"
    elif change == "type":
        method["type"] = "EcdsaSecp256k1VerificationKey2019"
    elif change == "private-jwk":
        del method["publicKeyMultibase"]
        method["publicKeyJwk"] = {**ed25519_jwk_from_multibase(OB_KEY), "d": "secret"}
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("controller", "has controller 'https://evil.example/issuers/1'"),
        ("purpose", "is not listed under assertionMethod"),
        ("multibase", "publicKeyMultibase"),
        ("type", "not supported"),
        ("private-jwk", "private key"),
    ],
)
def test_named_resolution_failures(change: str, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        _resolver(_broken(change)).resolve_verification_method(
            f"{ISSUER}#{OB_KEY}", purpose="assertionMethod"
        )


def test_document_id_must_equal_its_url() -> None:
    resolver = Resolver(documents={ISSUER: {**OB_CONTROLLER, "id": "https://other.example"}})
    with pytest.raises(ResolutionError, match="must equal the document URL"):
        resolver.resolve_verification_method(f"{ISSUER}#{OB_KEY}", purpose="assertionMethod")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (OB_KEY, "not a valid URL"),
        ("did:example:123#key-1", "DID method 'example' is not supported"),
        (f"{ISSUER}#other", "is not in the document"),
        ("http://127.0.0.1/keys#k", "no controller document"),
    ],
)
def test_unresolvable_urls(url: str, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        _resolver(OB_CONTROLLER).resolve_verification_method(url, purpose="assertionMethod")


def test_https_fetcher_refuses_ip_literals_and_http() -> None:
    resolver = Resolver(fetcher=lambda url: b"{}")
    with pytest.raises(ResolutionError, match="no controller document"):
        resolver.resolve_verification_method("http://example.edu/k#x", purpose="assertionMethod")
    with pytest.raises(ResolutionError, match="IP addresses"):
        resolver.resolve_verification_method("https://10.0.0.1/k#x", purpose="assertionMethod")
