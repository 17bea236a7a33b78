"""Safe mode and limits: refuse what PyLD would drop, poison datasets, oversized input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from microcred.core.jsonld import canonical_nquads, default_loader
from microcred.errors import (
    CanonicalizationLimitError,
    DataLossError,
    JsonLdError,
    UnknownContextError,
)

VECTORS = Path(__file__).parents[3] / "vectors" / "jsonld"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
VOCAB = {"@vocab": "http://example.org/vocab#"}


def _ob3() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / "ob3/obv3p0-unsigned.json").read_text())
    return data


def _canon(document: dict[str, Any]) -> str:
    return canonical_nquads(document, loader=default_loader())


def test_unknown_context_is_refused_and_named() -> None:
    url = "https://contexts.example/unknown/v1"
    document = _ob3()
    document["@context"] = [*document["@context"], url]
    with pytest.raises(UnknownContextError, match=re.escape(url)):
        _canon(document)


def test_undefined_term_is_refused_and_named() -> None:
    with pytest.raises(DataLossError, match="'ects'"):
        _canon({**_ob3(), "ects": 3})


def test_js_peer_undefined_term_vector_is_refused() -> None:
    document = json.loads((VECTORS / "js-peer/ob3-unsigned-undefined-term.json").read_text())
    with pytest.raises(DataLossError, match="notInContext"):
        _canon(document)


def test_1edtech_schema_type_needs_the_extensions_context() -> None:
    schema = {"id": "https://example.org/schema.json", "type": "1EdTechJsonSchemaValidator2019"}
    document = {**_ob3(), "credentialSchema": [schema]}
    with pytest.raises(DataLossError, match="1EdTechJsonSchemaValidator2019"):
        _canon(document)
    document["@context"] = [*document["@context"], EXTENSIONS]
    assert "1EdTechJsonSchemaValidator2019" in _canon(document)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"id": "credentials/3527"}, "credentials/3527"),
        ({"@foo": "bar"}, "@foo"),
        ({"issuer": {"id": "", "type": "Profile", "name": "x"}}, "''"),
    ],
)
def test_relative_references_and_reserved_keys_are_refused(
    change: dict[str, Any], named: str
) -> None:
    with pytest.raises(DataLossError, match=named):
        _canon({**_ob3(), **change})


def test_term_mapped_to_null_is_refused() -> None:
    document = {**_ob3(), "zz": 1}
    document["@context"] = [*document["@context"], {"zz": None}]
    with pytest.raises(DataLossError, match="'zz'"):
        _canon(document)


def test_direction_is_refused() -> None:
    text = {"@value": "שלום", "@language": "he", "@direction": "rtl"}
    with pytest.raises(DataLossError, match="@direction"):
        _canon({"@context": VOCAB, "@id": "http://example.org/s", "label": text})


def _clique(size: int) -> dict[str, Any]:
    nodes = [
        {"@id": f"_:n{i}", "link": [{"@id": f"_:n{j}"} for j in range(size) if j != i]}
        for i in range(size)
    ]
    return {"@context": VOCAB, "@graph": nodes}


@pytest.mark.parametrize("size", [8, 12])
def test_poison_clique_is_refused(size: int) -> None:
    with pytest.raises(CanonicalizationLimitError, match="poison"):
        _canon(_clique(size))


def test_poison_alike_named_graphs_are_refused_by_the_permutation_cap() -> None:
    """Three alike blank-named graphs of five alike 11-type nodes: each graph relates every node
    11 times, so §4.8 permutes 55-item lists with repeats (jsonld.js needs about a minute to
    refuse this document); the permutation cap refuses it in well under a second."""
    document = {
        "@context": VOCAB,
        "@id": "http://example.org/s",
        "part": [
            {
                "@id": f"_:g{graph}",
                "@graph": [
                    {"@id": f"_:n{graph}-{node}", "@type": [f"T{kind}" for kind in range(11)]}
                    for node in range(5)
                ],
            }
            for graph in range(3)
        ],
    }
    with pytest.raises(CanonicalizationLimitError, match=r"permutation steps.*poison"):
        _canon(document)


def test_colliding_blank_nodes_that_are_not_poison_match_pyoxigraph() -> None:
    """Two identical results (same first-degree hash) need the n-degree step; result is exact."""
    document = {
        "@context": VOCAB,
        "@id": "http://example.org/s",
        "result": [{"value": "A"}, {"value": "A"}, {"value": "B", "next": {"value": "A"}}],
    }
    ours = _canon(document)
    dataset = ox.Dataset(ox.parse(ours, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).decode().splitlines(keepends=True)
    assert ours == "".join(sorted(lines))
    assert ours.count("_:c14n") >= 4


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    document: dict[str, Any] = {"@context": VOCAB, "@id": "http://example.org/s"}
    cursor = document
    for _ in range(5000):
        cursor["child"] = {"name": "x"}
        cursor = cursor["child"]
    with pytest.raises(CanonicalizationLimitError, match="nested deeper"):
        _canon(document)


def test_huge_document_is_refused() -> None:
    document = {"@context": VOCAB, "@id": "http://example.org/s", "name": ["x"] * 60_000}
    with pytest.raises(CanonicalizationLimitError, match="JSON values"):
        _canon(document)


def test_iri_that_nquads_cannot_carry_is_refused() -> None:
    document = {"@context": VOCAB, "@id": "http://example.org/s", "see": {"@id": "http://a/{b}"}}
    with pytest.raises(JsonLdError, match="not allowed in an IRI"):
        _canon(document)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(JsonLdError):
        canonical_nquads([], loader=default_loader())  # type: ignore[arg-type]


def test_control_characters_are_escaped_like_pyoxigraph() -> None:
    value = 'a\u0001b\tc\nd"e\\f\u00e9g\u007fh\u0008i\u000cj\rk\u2028l\U0001f600'
    document = {"@context": VOCAB, "@id": "http://example.org/s", "note": value}
    ours = _canon(document)
    quad = ox.Quad(
        ox.NamedNode("http://example.org/s"),
        ox.NamedNode("http://example.org/vocab#note"),
        ox.Literal(value),
    )
    expected = ox.serialize(ox.Dataset([quad]), format=ox.RdfFormat.N_QUADS).decode()
    assert ours == expected
    assert "\\u0001" in ours
    assert "\\t" in ours
    assert "\\u007F" in ours


def test_language_and_typed_literals() -> None:
    document = {
        "@context": VOCAB,
        "@id": "http://example.org/s",
        "label": {"@value": "Hallo", "@language": "de"},
        "count": 3,
        "ratio": 2.5,
        "flag": True,
    }
    assert _canon(document) == (
        '<http://example.org/s> <http://example.org/vocab#count> "3"'
        "^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
        '<http://example.org/s> <http://example.org/vocab#flag> "true"'
        "^^<http://www.w3.org/2001/XMLSchema#boolean> .\n"
        '<http://example.org/s> <http://example.org/vocab#label> "Hallo"@de .\n'
        '<http://example.org/s> <http://example.org/vocab#ratio> "2.5E0"'
        "^^<http://www.w3.org/2001/XMLSchema#double> .\n"
    )
