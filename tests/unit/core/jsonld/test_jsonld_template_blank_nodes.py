"""Templates stay exact when nodes repeat: duplicate quads and blank nodes that share a hash."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from microcred.core.jsonld import StaticDocumentLoader
from microcred.core.jsonld.canonicalize import canonical_nquads_generic
from microcred.core.jsonld.template import TemplateCache, compile_matcher, shape_of

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _profile(name: str, country: str, profile_id: str | None) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "type": ["Profile"],
        "name": name,
        "address": {"type": ["Address"], "addressCountry": country},
    }
    return profile if profile_id is None else {"id": profile_id, **profile}


def _result(value: str, target: str) -> dict[str, Any]:
    return {
        "type": ["Result"],
        "value": value,
        "alignment": [{"type": ["Alignment"], "targetName": target, "targetUrl": target}],
    }


def _credential(number: int, *, same: bool, named: bool) -> dict[str, Any]:
    """``same``: the repeated parts are identical; ``named``: the issuer/creator has an id."""
    issuer_id = f"https://issuer.example/{number % 3}" if named else None
    issuer = _profile(f"Issuer {number % 2}", "IE", issuer_id)
    creator = copy.deepcopy(issuer) if same else _profile("Other", "FR", issuer_id)
    second = f"https://example.org/skill/{number}"
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievement",
                "type": ["Achievement"],
                "name": f"Achievement {number}",
                "criteria": {"narrative": "Pass."},
                "creator": creator,
            },
            "result": [
                _result("A", "https://example.org/skill"),
                _result("AB"[number % 2], second),  # even: the two results share a hash
            ],
        },
    }


@pytest.mark.parametrize("named", [True, False])
@pytest.mark.parametrize("same", [True, False])
def test_repeated_nodes_give_the_generic_bytes(same: bool, named: bool) -> None:
    loader = StaticDocumentLoader()
    cache = TemplateCache()
    for number in range(8):
        document = _credential(number, same=same, named=named)
        templated = cache.canonical(document, loader)
        assert templated is not None
        assert templated == canonical_nquads_generic(document, loader=loader)


def test_shapes_alternate_through_their_matchers() -> None:
    loader = StaticDocumentLoader()
    cache = TemplateCache()
    documents = [_credential(n, same=n % 2 == 0, named=n % 3 == 0) for n in range(12)]
    for document in documents * 2:
        assert cache.canonical(document, loader) == canonical_nquads_generic(
            document, loader=loader
        )


def test_matcher_finds_the_shape_strings_or_refuses() -> None:
    document = _credential(1, same=True, named=True)
    matcher = compile_matcher(document)
    assert matcher is not None
    other = _credential(2, same=True, named=True)
    assert matcher(other) == shape_of(other).strings
    for change in (
        lambda d: d.update(type=["VerifiableCredential"]),  # a structural string
        lambda d: d.update(validFrom=20260101),  # a scalar where a string was
        lambda d: d["credentialSubject"]["result"].pop(),  # an array length
        lambda d: d["issuer"].update(url="https://issuer.example"),  # a key
        lambda d: d.update({"@context": [*CONTEXT, "https://w3id.org/microcred/v1"]}),
        lambda d: d["credentialSubject"].update(result=tuple(d["credentialSubject"]["result"])),
    ):
        changed = copy.deepcopy(other)
        change(changed)
        assert matcher(changed) is None
    reordered = dict(reversed(list(other.items())))
    assert matcher(reordered) is None  # key order is part of the shape
