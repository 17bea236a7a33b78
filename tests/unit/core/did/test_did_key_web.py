"""did:key generation and did:web <-> URL mapping (CCG did:key §3, did:web §3.2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.core.did.key import DidKeyMethod, did_key_document, did_key_from_public_key
from microcred.core.did.web import (
    DidWebMethod,
    did_web_document,
    did_web_from_url,
    did_web_to_url,
)
from microcred.errors import KeyFormatError, ResolutionError

VECTORS = Path(__file__).parents[3] / "vectors"
KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
PEER_WEB_DOC = json.loads(
    (VECTORS / "ob3-impl" / "js-peer" / "did-web-issuer.example.json").read_text()
)


def test_did_key_document_has_one_multikey_method_in_every_relationship() -> None:
    did = did_key_from_public_key(KEY)
    doc = DidKeyMethod().resolve(did)
    vm_id = f"{did}#{KEY}"
    assert doc["id"] == did
    assert doc["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": KEY}
    ]
    for relationship in (
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        assert doc[relationship] == [vm_id]


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("did:key:", "malformed"),
        ("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", "Ed25519"),
        ("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0", "alphabet"),
        ("did:web:example.com", "not a did:key"),
    ],
)
def test_did_key_with_bad_key_is_refused(did: str, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        did_key_document(did)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com%3a8443", "https://example.com:8443/.well-known/did.json"),
    ],
)
def test_did_web_url_mapping(did: str, url: str) -> None:
    assert did_web_to_url(did) == url
    assert did_web_from_url(url) == did.replace("%3a", "%3A")


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("did:web:127.0.0.1", "IP addresses"),
        ("did:web:", "no domain name"),
        ("did:web:example.com%3A99999", "port"),
        ("did:web:example.com:..:x", "not allowed"),
        ("did:web:exa_mple.com", "not a valid domain"),
        ("did:web:example.com#key-1", "fragment"),
    ],
)
def test_bad_did_web_is_refused(did: str, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        did_web_to_url(did)


def test_did_web_from_url_needs_https() -> None:
    with pytest.raises(ResolutionError, match="https"):
        did_web_from_url("http://example.com/.well-known/did.json")


def test_did_web_document_for_hosting() -> None:
    doc = did_web_document("did:web:issuer.example:org:1", [KEY])
    assert doc["verificationMethod"][0] == {
        "id": "did:web:issuer.example:org:1#key-0",
        "type": "Multikey",
        "controller": "did:web:issuer.example:org:1",
        "publicKeyMultibase": KEY,
    }
    assert doc["assertionMethod"] == ["did:web:issuer.example:org:1#key-0"]
    with pytest.raises(KeyFormatError):
        did_web_document("did:web:issuer.example", ["z6Mk"])


def test_did_web_resolves_through_the_injected_fetcher() -> None:
    asked: list[str] = []

    def fetcher(url: str) -> bytes:
        asked.append(url)
        return json.dumps(PEER_WEB_DOC).encode()

    doc = DidWebMethod(fetcher).resolve("did:web:issuer.example")
    assert doc == PEER_WEB_DOC
    assert asked == ["https://issuer.example/.well-known/did.json"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"not json", "not JSON"),
        (b"[]", "not a JSON object"),
        (json.dumps({**PEER_WEB_DOC, "id": "did:web:evil.example"}).encode(), "expected"),
    ],
)
def test_did_web_bad_documents_are_refused(answer: bytes, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        DidWebMethod(lambda _url: answer).resolve("did:web:issuer.example")


def test_did_web_fetch_failure_is_a_resolution_error() -> None:
    def fetcher(url: str) -> bytes:
        raise OSError("connection refused")

    with pytest.raises(ResolutionError, match="connection refused"):
        DidWebMethod(fetcher).resolve("did:web:issuer.example")
