"""The bundled 1EdTech OB 3.0 AchievementCredential JSON Schema check."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUER, VECTORS, example_award

from microcred.core.formats.ob3 import build_credential, validate_ob3_schema


def _document() -> dict[str, Any]:
    award = example_award(*EXAMPLE_PAIRS[0])
    return build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s")


def test_js_peer_credential_is_valid() -> None:
    import json

    peer = json.loads((VECTORS / "js-peer-ob3-unsigned.json").read_text(encoding="utf-8"))
    assert validate_ob3_schema(peer) == []


def test_broken_credential_names_each_path() -> None:
    document = _document()
    achievement = document["credentialSubject"]["achievement"]
    del achievement["criteria"]
    achievement["inLanguage"] = "French"
    achievement["alignment"][0]["targetType"] = "EQF"
    document["validFrom"] = "2025-06-01T12:00:00"  # no timezone
    document["credentialStatus"] = [document.get("credentialStatus", {"id": "x", "type": "y"})]
    problems = validate_ob3_schema(document)
    assert problems == [
        "/credentialStatus: [{'id': 'x', 'type': 'y'}] is not of type 'object'",
        "/credentialSubject/achievement: 'criteria' is a required property",
        "/credentialSubject/achievement/alignment/0/targetType: 'EQF' does not match "
        "'(ext:)[a-z|A-Z|0-9|.|-|_]+'",
        "/credentialSubject/achievement/inLanguage: 'French' does not match "
        "'^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$'",
        "/validFrom: '2025-06-01T12:00:00' is not a 'date-time'",
    ]


def test_missing_required_and_wrong_context_order() -> None:
    document = _document()
    document["@context"] = list(reversed(document["@context"]))
    del document["issuer"]
    problems = validate_ob3_schema(document)
    assert "/: 'issuer' is a required property" in problems
    assert any(p.startswith("/@context/0: ") for p in problems)


@pytest.mark.parametrize("hostile", [None, [], "x", 3, {"@context": None, "type": {}}])
def test_hostile_input_yields_problems_not_exceptions(hostile: Any) -> None:
    assert validate_ob3_schema(hostile) != []


def test_deep_nesting_yields_a_problem() -> None:
    document = copy.deepcopy(_document())
    deep: Any = {}
    for _ in range(20000):
        deep = {"type": ["Evidence"], "x": deep}
    document["evidence"] = [deep]
    assert isinstance(validate_ob3_schema(document), list)
