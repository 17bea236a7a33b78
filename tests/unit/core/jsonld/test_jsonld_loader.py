"""Static document loader: bundled contexts verified by hash, local documents, nothing else."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources

import pytest

from microcred.core.jsonld import StaticDocumentLoader, bundled_contexts, default_loader
from microcred.core.jsonld.contexts import SOURCES
from microcred.core.jsonld.contexts.__main__ import build_manifest
from microcred.errors import InvalidInputError, UnknownContextError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
REQUIRED = [
    VC_V2,
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://www.w3.org/2018/credentials/examples/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://www.w3.org/ns/credentials/undefined-terms/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/v1",
    "https://w3id.org/security/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/citizenship/v1",
    "https://w3id.org/citizenship/v4rc1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
]


def _manifest() -> dict[str, dict[str, str]]:
    folder = resources.files("microcred.core.jsonld.contexts")
    data: dict[str, dict[str, str]] = json.loads(folder.joinpath("manifest.json").read_bytes())
    return data


def test_manifest_hashes_match_bundled_bytes() -> None:
    manifest = _manifest()
    contexts = bundled_contexts()
    assert set(contexts) == set(manifest)
    for url, data in contexts.items():
        assert hashlib.sha256(data).hexdigest() == manifest[url]["sha256"], url


def test_manifest_is_what_the_generator_writes() -> None:
    folder = resources.files("microcred.core.jsonld.contexts")
    assert build_manifest(folder) == _manifest()  # type: ignore[arg-type]
    assert set(_manifest()) <= set(SOURCES)


@pytest.mark.parametrize("url", REQUIRED)
def test_required_contexts_are_bundled(url: str) -> None:
    document = default_loader().document(url)
    assert "@context" in document


def test_remote_document_shape_and_cache_tag() -> None:
    remote = default_loader()(VC_V2)
    assert remote["documentUrl"] == VC_V2
    assert remote["contextUrl"] is None
    assert remote["tag"] == "static"
    assert remote["document"] == json.loads(bundled_contexts()[VC_V2])


def test_unknown_url_is_refused_and_named() -> None:
    with pytest.raises(UnknownContextError, match=re.escape("https://evil.example/ctx")):
        default_loader()("https://evil.example/ctx")


def test_documents_are_private_copies() -> None:
    loader = default_loader()
    loader.document(VC_V2)["@context"]["id"] = "mutated"
    assert loader.document(VC_V2)["@context"]["id"] == "@id"


def test_extra_documents_are_served_untagged() -> None:
    extra_url = "https://issuer.example/context/v1"
    loader = StaticDocumentLoader({extra_url: {"@context": {"x": "https://x.example/#x"}}})
    remote = loader(extra_url)
    assert remote["document"]["@context"]["x"] == "https://x.example/#x"
    assert "tag" not in remote
    with pytest.raises(UnknownContextError):
        default_loader()(extra_url)
    more = loader.with_documents({"https://other.example/c": {"@context": {}}})
    assert more.document(extra_url) == loader.document(extra_url)
    assert more.document("https://other.example/c") == {"@context": {}}


def test_bundled_context_cannot_be_replaced() -> None:
    with pytest.raises(InvalidInputError, match=re.escape(VC_V2)):
        StaticDocumentLoader({VC_V2: {"@context": {}}})
