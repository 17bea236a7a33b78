"""Per-shape templates give exactly the generic path's bytes (property-style, seeded)."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from microcred.core.jsonld import StaticDocumentLoader, canonical_nquads
from microcred.core.jsonld.canonicalize import canonical_nquads_generic
from microcred.core.jsonld.template import TemplateCache, shape_of
from microcred.errors import JsonLdError

VECTORS = Path(__file__).parents[3] / "vectors" / "jsonld"

TEXTS = [
    "",
    "plain text",
    "Zürich – naïve café ✓ 学位 🎓",
    'quote " and backslash \\ inside',
    "control \u0001 tab \t newline \n return \r bell \u0007 del \u007f",
    "line\u2028separator",
    "https://example.org/looks/like/an/iri",
    "ob:Profile",
    "2025-01-01T00:00:00Z",
    "   ",
]
IRIS = [
    "https://example.org/a",
    "https://example.org/a",  # repeated on purpose: nodes that merge
    "http://example.org/path?q=1#frag",
    "did:example:123",
    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "urn:uuid:0f7d6e52-3c8b-4f4e-9a43-5b2c1de0a9f1",
    "mailto:someone@example.org",
    "https://example.org/ünïcödé",
]
BAD_IRIS = [  # values a template must not handle: relative, blank, terms, compact IRIs, bad chars
    "relative/path",
    "",
    "_:b0",
    "name",
    "xsd:string",
    "schema:name",
    "cred:issuer",
    "https://example.org/with space",
    "https://example.org/{brace}",
]


def _base() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / "ob3-achievement-full.json").read_text())
    return data


def _vary(rng: random.Random) -> dict[str, Any]:
    doc = _base()
    subject = doc["credentialSubject"]
    achievement = subject["achievement"]
    alignments = achievement["alignment"]
    count = rng.randrange(0, 4)
    if count == 0:
        del achievement["alignment"]
    else:
        achievement["alignment"] = [copy.deepcopy(rng.choice(alignments)) for _ in range(count)]
    results = subject["result"]
    subject["result"] = [copy.deepcopy(rng.choice(results)) for _ in range(rng.randrange(1, 4))]
    for optional in ("description", "validUntil"):
        if rng.random() < 0.3:
            del doc[optional]
    if rng.random() < 0.3:
        del doc["issuer"]["image"]

    def scramble(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {
                k: (v if k in ("type", "@context") else scramble(v, k)) for k, v in value.items()
            }
        if isinstance(value, list):
            return [scramble(v, key) for v in value]
        if isinstance(value, str) and rng.random() < 0.5:
            if key in ("id", "url", "targetUrl", "resultDescription"):
                if rng.random() < 0.9:
                    return rng.choice(IRIS)
                return rng.choice(BAD_IRIS + TEXTS)
            if key in ("validFrom", "validUntil", "activityStartDate", "activityEndDate"):
                return rng.choice(["2024-02-29T12:00:00Z", "not a date", ""])
            return rng.choice(TEXTS)
        return value

    varied: dict[str, Any] = scramble(doc, None)
    return varied


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except JsonLdError as error:
        return type(error)


def test_template_equals_generic_over_varied_documents() -> None:
    rng = random.Random(20250301)
    loader = StaticDocumentLoader()
    cache = TemplateCache(size=8)  # small: exercises eviction too
    templated = 0
    for _ in range(300):
        document = _vary(rng)
        generic = _outcome(lambda d: canonical_nquads_generic(d, loader=loader), document)
        fast = _outcome(cache.canonical, document, loader)
        if fast is not None:
            templated += 1
            assert fast == generic, json.dumps(document, ensure_ascii=False)
        assert _outcome(lambda d: canonical_nquads(d, loader=loader), document) == generic
    assert templated > 120  # many documents take the fast path


@pytest.mark.parametrize(
    "name", ["ob3-achievement-full.json", "ob3/obv3p0-unsigned.json", "js-peer/ob3-unsigned.json"]
)
def test_published_shapes_are_templated(name: str) -> None:
    document = json.loads((VECTORS / name).read_text())
    loader = StaticDocumentLoader()
    cache = TemplateCache()
    first = cache.canonical(document, loader)
    again = cache.canonical(document, loader)
    assert first is not None
    assert first == again == canonical_nquads_generic(document, loader=loader)


def test_identical_blank_nodes_fall_back_to_the_full_algorithm() -> None:
    document = _base()
    achievement = document["credentialSubject"]["achievement"]
    achievement["alignment"] = [achievement["alignment"][0]] * 2
    loader = StaticDocumentLoader()
    assert TemplateCache().canonical(document, loader) == canonical_nquads_generic(
        document, loader=loader
    )


def test_type_values_are_part_of_the_shape() -> None:
    one = _base()
    two = _base()
    two["type"] = ["VerifiableCredential", "OpenBadgeCredential"]
    three = _base()
    three["name"] = "another name"
    assert shape_of(one).key != shape_of(two).key
    assert shape_of(one).key == shape_of(three).key
    assert shape_of(three).strings != shape_of(one).strings


def test_non_string_values_are_part_of_the_shape() -> None:
    def with_value(value: Any) -> tuple[Any, ...]:
        return shape_of({"@context": [], "x": value}).key

    assert len({with_value(1), with_value(True), with_value(1.0), with_value(None)}) == 4


def test_template_cache_is_bounded() -> None:
    loader = StaticDocumentLoader()
    cache = TemplateCache(size=2)
    base = _base()
    for count in range(1, 5):
        document = copy.deepcopy(base)
        document["credentialSubject"]["result"] = base["credentialSubject"]["result"][:1] * count
        cache.canonical(document, loader)
    assert len(cache) == 2


def test_sentinel_look_alikes_outside_slots_disable_the_template() -> None:
    """A structural string that looks like a sentinel must never be substituted."""
    document = _base()
    document["@context"] = [*document["@context"], {"extra": "urn:x-microcred-slot:0z"}]
    document["extra"] = "value"
    loader = StaticDocumentLoader()
    assert TemplateCache().canonical(document, loader) is None
    assert "<urn:x-microcred-slot:0z>" in canonical_nquads(document, loader=loader)


def test_proof_options_with_vocabulary_terms_use_a_specialised_template() -> None:
    """``proofPurpose`` is vocabulary-relative: its value is fixed per specialised template."""
    options: dict[str, Any] = json.loads((VECTORS / "w3c-rdfc/proofConfigDataInt.json").read_text())
    loader = StaticDocumentLoader()
    cache = TemplateCache()
    purposes = ["assertionMethod", "authentication", "undefinedPurpose", "https://example.org/p"]
    for index, purpose in enumerate(purposes * 2):
        document = {
            **options,
            "proofPurpose": purpose,
            "created": f"2024-01-0{index + 1}T00:00:00Z",
            "verificationMethod": f"did:key:z6Mk{index}#z6Mk{index}",
        }
        generic = _outcome(lambda d: canonical_nquads_generic(d, loader=loader), document)
        fast = _outcome(cache.canonical, document, loader)
        if purpose != "undefinedPurpose":
            assert fast == generic
            assert isinstance(fast, str)
        else:
            assert fast is None or fast == generic
