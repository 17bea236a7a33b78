"""The per-template memos (checked IRIs, escaped literals, first-degree hashes) never change a
result: documents that repeat, then change, strings in every slot still give the generic
path's bytes, also when the memos are forgotten."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from microcred.core.jsonld import StaticDocumentLoader
from microcred.core.jsonld import template as template_module
from microcred.core.jsonld.canonicalize import canonical_nquads_generic
from microcred.core.jsonld.template import TemplateCache

VECTORS = Path(__file__).parents[3] / "vectors" / "jsonld"
LITERALS = ["plain", 'needs "escaping" \\ here', "tab\tand\nnewline", "Zoë ✓", ""]
IDS = ["https://example.org/a", "urn:uuid:1", "relative/path", "name", "_:b0", "did:example:1"]


def _document(rng: random.Random) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((VECTORS / "ob3-achievement-full.json").read_text())
    doc["id"] = rng.choice(IDS)
    doc["name"] = rng.choice(LITERALS)
    subject = doc["credentialSubject"]
    subject["id"] = rng.choice(IDS)
    subject["achievement"]["name"] = rng.choice(LITERALS)
    subject["achievement"]["criteria"]["narrative"] = rng.choice(LITERALS)
    return doc


@pytest.mark.parametrize("memo_size", [0, 3, 16384])
def test_memos_give_the_generic_bytes(memo_size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_module, "STRING_MEMO", memo_size)
    monkeypatch.setattr(template_module, "FIRST_DEGREE_MEMO", memo_size)
    loader = StaticDocumentLoader()
    cache = TemplateCache()
    rng = random.Random(memo_size)
    fast_paths = 0
    for _ in range(60):
        document = _document(rng)
        fast = cache.canonical(document, loader)
        if fast is not None:
            fast_paths += 1
            assert fast == canonical_nquads_generic(document, loader=loader)
    assert fast_paths > 10
