"""Benchmark: RDFC-1.0 canonical N-Quads, generic (PyLD) path vs per-shape template path.

Run: ``PYTHONPATH=src .venv/bin/python bench/bench_canonicalize.py [seconds-per-case]``.
Prints per-second numbers on one core; each iteration canonicalizes a *different* document of
the same shape (fresh ids, names, dates), as a batch issuer would.
"""

from __future__ import annotations

import copy
import json
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from microcred.core.jsonld import canonical_nquads, default_loader
from microcred.core.jsonld.canonicalize import canonical_nquads_generic

VECTORS = Path(__file__).resolve().parents[1] / "tests" / "vectors" / "jsonld"
SHAPES = {
    "OB 3.0 AchievementCredential, full (3.1 KB)": "ob3-achievement-full.json",
    "1EdTech OB 3.0 test vector (1.1 KB)": "ob3/obv3p0-unsigned.json",
    "JS peer OB 3.0 credential (0.9 KB)": "js-peer/ob3-unsigned.json",
    "proof options + VC v2 context (W3C vector)": "w3c-rdfc/proofConfigDataInt.json",
}


def _variants(document: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """``count`` copies with fresh credential ids, subject ids and names."""
    out = []
    for index in range(count):
        variant = copy.deepcopy(document)
        if "credentialSubject" in variant:
            variant["id"] = f"urn:uuid:{uuid.UUID(int=index + 1)}"
            variant["name"] = f"{document.get('name', 'Badge')} #{index}"
            variant["credentialSubject"]["id"] = f"did:example:learner{index}"
        else:  # proof options: a new creation time per proof
            variant["created"] = f"2025-01-01T00:{index // 60 % 60:02d}:{index % 60:02d}Z"
        out.append(variant)
    return out


def _rate(
    function: Callable[[dict[str, Any]], str], documents: list[dict[str, Any]], seconds: float
) -> float:
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        function(documents[done % len(documents)])
        done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    loader = default_loader()

    def generic(document: dict[str, Any]) -> str:
        return canonical_nquads_generic(document, loader=loader)

    def fast(document: dict[str, Any]) -> str:
        return canonical_nquads(document, loader=loader)

    print(f"{'shape':48} {'generic/s':>10} {'template/s':>11} {'µs/doc':>8} {'speed-up':>9}")
    for label, name in SHAPES.items():
        base = json.loads((VECTORS / name).read_text(encoding="utf-8"))
        documents = _variants(base, 500)
        for document in documents[:20]:
            assert fast(document) == generic(document), "template and generic paths differ"
        slow_rate = _rate(generic, documents, seconds)
        fast_rate = _rate(fast, documents, seconds)
        print(
            f"{label:48} {slow_rate:10.0f} {fast_rate:11.0f} {1e6 / fast_rate:8.1f}"
            f" {fast_rate / slow_rate:8.0f}x"
        )


if __name__ == "__main__":
    main()
