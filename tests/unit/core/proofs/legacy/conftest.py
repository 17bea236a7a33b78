"""Fixtures for the legacy proof suites: registration that is undone afterwards, the 1EdTech
validator fixtures, and the controller documents their keys imply."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from microcred.core.did.resolver import Resolver, controller_document_for_key
from microcred.core.jsonld.loader import StaticDocumentLoader, default_loader
from microcred.core.proofs.legacy.registration import (
    legacy_suites_registered,
    register_legacy_suites,
    unregister_legacy_suites,
)

OB3_FIXTURES = Path(__file__).parents[4] / "vectors" / "ob3-fixtures"


@pytest.fixture
def legacy() -> Iterator[None]:
    """The legacy suites registered for one test (left as found afterwards)."""
    already = legacy_suites_registered()
    register_legacy_suites()
    yield
    if not already:
        unregister_legacy_suites()


@pytest.fixture
def unregistered() -> Iterator[None]:
    """The legacy suites switched off for one test (left as found afterwards)."""
    already = legacy_suites_registered()
    unregister_legacy_suites()
    yield
    if already:
        register_legacy_suites()


@pytest.fixture(scope="session")
def loader() -> StaticDocumentLoader:
    return default_loader()


@pytest.fixture(scope="session")
def fixture_doc() -> Callable[[str], dict[str, Any]]:
    def load(name: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((OB3_FIXTURES / name).read_text())
        return document

    return load


def _proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    proof = document["proof"]
    return proof if isinstance(proof, list) else [proof]


@pytest.fixture(scope="session")
def implied_resolver() -> Callable[[dict[str, Any]], Resolver]:
    """A resolver holding, for each proof, the controller document its key-fragment implies."""

    def build(document: dict[str, Any]) -> Resolver:
        documents = {}
        for proof in _proofs(document):
            base, _, fragment = proof["verificationMethod"].partition("#")
            documents[base] = controller_document_for_key(base, fragment)
        return Resolver(documents=documents)

    return build


@pytest.fixture(scope="session")
def tamper() -> Callable[[dict[str, Any], tuple[str | int, ...]], dict[str, Any]]:
    """A copy of a document with one character of the string value at ``path`` changed: its
    last digit (so a dateTime stays a dateTime) or else its last character."""

    def change(document: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
        copy: dict[str, Any] = json.loads(json.dumps(document))
        parent: Any = copy
        for step in path[:-1]:
            parent = parent[step]
        value = parent[path[-1]]
        assert isinstance(value, str) and value, path
        digits = [i for i, char in enumerate(value) if char.isdigit()]
        if digits:
            at = digits[-1]
            parent[path[-1]] = value[:at] + str((int(value[at]) + 1) % 10) + value[at + 1 :]
        else:
            parent[path[-1]] = value[:-1] + ("X" if value[-1] != "X" else "Y")
        return copy

    return change
