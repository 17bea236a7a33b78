"""The compiled OB 3.0 schema validator agrees with jsonschema on every vector and variant."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUER, example_award

from microcred.core.formats import ob3_schema
from microcred.core.formats.ob3 import build_credential

VECTORS = Path(__file__).parents[3] / "vectors"
FOLDERS = ("ob3-fixtures", "ob3-impl", "ob3-schema", "js-peer-issued")


def _documents() -> list[tuple[str, Any]]:
    found = []
    for folder in FOLDERS:
        for path in sorted((VECTORS / folder).rglob("*.json")):
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue
            found.append((str(path.relative_to(VECTORS)), document))
    for number, pair in enumerate(EXAMPLE_PAIRS):
        award = example_award(*pair)
        built = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s")
        found.append((f"built-{number}", built))
    return found


def _variants(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Small edits that each break (or keep) one schema rule."""
    out = []
    for key, value in (
        ("validFrom", "2025-06-01T12:00:00"),
        ("validFrom", "2025-06-01T12:00:00Z\n"),
        ("validFrom", 20250601),
        ("type", ("VerifiableCredential", "OpenBadgeCredential")),
        ("type", ["VerifiableCredential"]),
        ("@context", ["https://www.w3.org/ns/credentials/v2"]),
        ("issuer", "not-a-profile"),
        ("credentialSubject", []),
    ):
        changed = copy.deepcopy(document)
        changed[key] = value
        out.append(changed)
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
        for key, value in (
            ("inLanguage", "French"),
            ("inLanguage", "fr\n"),
            ("creditsAvailable", True),
            ("creditsAvailable", 2.5),
            ("criteria", "text"),
        ):
            changed = copy.deepcopy(document)
            changed["credentialSubject"]["achievement"][key] = value
            out.append(changed)
    return out


def _both(document: Any) -> tuple[bool, bool]:
    validate = ob3_schema._fast_validator()
    assert validate is not None
    try:
        validate(document)
        fast = True
    except Exception:
        fast = False
    slow = not any(True for _ in ob3_schema._validator().iter_errors(document))
    return fast, slow


@pytest.mark.parametrize(("name", "document"), _documents(), ids=lambda v: str(v)[:60])
def test_compiled_validator_agrees_with_jsonschema(name: str, document: Any) -> None:
    if not isinstance(document, dict):
        pytest.skip("not a JSON object")
    fast, slow = _both(document)
    assert fast == slow, name
    for variant in _variants(document):
        fast, slow = _both(variant)
        assert not fast or slow, (name, "compiled validator is more lenient")


def test_fixtures_include_valid_and_invalid_credentials() -> None:
    verdicts = {_both(d)[1] for _, d in _documents() if isinstance(d, dict)}
    assert verdicts == {True, False}


def test_validate_gives_the_same_problems_after_many_calls() -> None:
    award = example_award(*EXAMPLE_PAIRS[0])
    good = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s")
    bad = copy.deepcopy(good)
    bad["validFrom"] = "yesterday"
    first_bad = ob3_schema.validate_ob3_schema(bad)
    for _ in range(ob3_schema._FAST_AFTER + 2):  # past the switch to the compiled validator
        assert ob3_schema.validate_ob3_schema(good) == []
    assert ob3_schema.validate_ob3_schema(bad) == first_bad != []
