"""Reading stacking evidence from Open Badges 3.0 credentials (microcred's own, built from the
example micro-credentials, in tests/vectors/ob3-build-prepared) and from a plain one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from microcred.core.stacking.evidence import evidence_of

OUTPUTS = Path(__file__).parents[3] / "vectors" / "ob3-build-prepared" / "outputs.json"
ESCO = "http://data.europa.eu/esco/skill/"


def built(name: str) -> dict[str, Any]:
    return dict(json.loads(json.loads(OUTPUTS.read_text(encoding="utf-8"))[name]["text"]))


def test_eu_elements_of_an_own_credential() -> None:
    item = evidence_of(
        built("fondamentaux-cybersecurite.yaml / as is / 0"), verified=True, recognised_as=["x"]
    )
    assert item.credential_id == "urn:uuid:00000000-0000-4000-8000-000000000000"
    assert item.issuer == "did:web:credentials.example.eu"
    assert item.achievement_id == "https://cat.example.eu/a/1"
    assert item.title == "Fondamentaux de la cybersécurité"
    assert (item.ects, item.eqf) == (Decimal(3), 5)
    assert item.skills == {
        ESCO + "80f308e6-0e09-404a-80cd-ec5f50f6f304",
        ESCO + "326809fc-238d-40c2-881e-40042f7f2f0d",
    }
    assert item.awarded == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert item.verified and item.counts_as("x") and item.counts_as("https://cat.example.eu/a/1")


def test_grade_is_read_and_the_eqf_alignment_is_no_skill() -> None:
    item = evidence_of(built("data-protection-by-design.yaml / as is / 1"), verified=False)
    assert item.grade == "Pass" and item.eqf == 6 and item.skills == frozenset()
    assert not item.verified
    assert item.to_dict()["ects"] == "5"


def test_a_credential_without_eu_elements_or_odd_values_never_raises() -> None:
    item = evidence_of(
        {"id": 5, "issuer": "did:key:z6Mk", "credentialSubject": [{"achievement": "x"}]},
        verified=True,
    )
    assert item.credential_id == "(no id)" and item.issuer == "did:key:z6Mk"
    assert (item.achievement_id, item.ects, item.eqf, item.awarded) == (None, None, None, None)
