"""Blank nodes in named graphs (nested proofs) canonicalize as jsonld.js does (RDFC-1.0 §4.8).

A node with several quads in a blank-node-named graph relates that graph once per quad; the
reference implementations hash that repeated list, permuted their way. The expected bytes are
jsonld.js's output, stored once (tests/vectors/jsonld/js-rdfc/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.core.jsonld import StaticDocumentLoader, canonical_nquads
from microcred.core.jsonld.canonicalize import canonical_nquads_generic
from microcred.core.jsonld.rdfc import canonicalize_quads, permutations

VECTORS = Path(__file__).parents[3] / "vectors"
JS_RDFC = VECTORS / "jsonld" / "js-rdfc"


def _complete_document() -> dict[str, Any]:
    """1EdTech's complete.json as its proof signs it (top-level proof removed)."""
    document: dict[str, Any] = json.loads((VECTORS / "ob3-fixtures/complete.json").read_text())
    del document["proof"]
    return document


def _vector(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((JS_RDFC / name).read_text())
    return document


CASES = [
    pytest.param(_complete_document, "complete-document-canon.nq", id="complete.json"),
    pytest.param(
        lambda: _vector("endorsements-identical-proofs.json"),
        "endorsements-identical-proofs-canon.nq",
        id="two-identical-endorsement-proofs",
    ),
    pytest.param(
        lambda: _vector("blank-graph-name-twice.json"),
        "blank-graph-name-twice-canon.nq",
        id="blank-graph-name-used-twice",
    ),
]


@pytest.mark.parametrize(("make", "expected"), CASES)
def test_nested_proof_graphs_match_jsonld_js(make: Any, expected: str) -> None:
    js = (JS_RDFC / expected).read_text(encoding="utf-8")
    loader = StaticDocumentLoader()  # fresh: the first call builds the shape, the second reuses it
    assert canonical_nquads_generic(make(), loader=loader) == js
    assert canonical_nquads(make(), loader=loader) == js
    assert canonical_nquads(make(), loader=loader) == js


def test_complete_json_has_identical_nested_proofs_in_distinct_graphs() -> None:
    """The case itself: four identical endorsement proofs, each in its own blank-named graph."""
    canonical = (JS_RDFC / "complete-document-canon.nq").read_text(encoding="utf-8")
    graphs = {
        line.split()[-2]
        for line in canonical.splitlines()
        if "<https://w3id.org/security#proofValue>" in line and line.startswith("_:")
    }
    assert len(graphs) == 5


def test_related_graph_name_counts_once_per_quad() -> None:
    """Two alike nodes, two quads each, in graphs _:g and _:h: hashes repeat the graph label.

    Listing each related graph once (as a set) swaps the labels of _:n1 and _:n2 here.
    """
    quads = [
        ("<http://example.org/s2>", "<http://example.org/p>", "_:g", ""),
        ("<http://example.org/s1>", "<http://example.org/p>", "_:h", ""),
        ("_:n1", "<http://example.org/a>", '"x"', "_:g"),
        ("_:n1", "<http://example.org/b>", '"y"', "_:g"),
        ("_:n2", "<http://example.org/a>", '"x"', "_:h"),
        ("_:n2", "<http://example.org/b>", '"y"', "_:h"),
    ]
    assert canonicalize_quads(quads) == canonicalize_quads(reversed(quads))
    assert canonicalize_quads(quads) == (
        "<http://example.org/s1> <http://example.org/p> _:c14n0 .\n"
        "<http://example.org/s2> <http://example.org/p> _:c14n1 .\n"
        '_:c14n2 <http://example.org/a> "x" _:c14n0 .\n'
        '_:c14n2 <http://example.org/b> "y" _:c14n0 .\n'
        '_:c14n3 <http://example.org/a> "x" _:c14n1 .\n'
        '_:c14n3 <http://example.org/b> "y" _:c14n1 .\n'
    )  # rdf-canonize 5.0.0's output for these quads


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # rdf-canonize 5.0.0's Permuter on the same lists (repeats: only some orders)
        (["x", "x"], ["xx"]),
        (["c", "a", "c", "a"], ["aacc", "acac", "caac", "caca", "ccaa"]),
        (["c", "b", "a", "c"], ["abcc", "acbc", "cabc", "cacb", "ccab", "ccba"]),
        (["b", "a", "b"], ["abb", "bab", "bba"]),
        (["b", "a", "c"], ["abc", "acb", "cab", "cba", "bca", "bac"]),
        ([], [""]),
    ],
)
def test_permutations_follow_the_reference_permuter(items: list[str], expected: list[str]) -> None:
    assert ["".join(p) for p in permutations(items)] == expected
