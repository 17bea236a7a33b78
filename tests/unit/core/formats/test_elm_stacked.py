"""ELM export of a stacked credential (issue 5): the parts named in its OB 3.0 ``evidence``
become ``hasPart`` learning achievements, and the export still conforms to the EDC shapes."""

from __future__ import annotations

from dataclasses import replace

from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUER, example_award

from elm_support import shacl_violations
from microcred.core.formats.elm import elm_from_ob3, stacked_parts
from microcred.core.formats.ob3 import build_credential
from microcred.core.model import Evidence
from microcred.core.stacking.evidence import PART_GENRE

PARTS = (
    ("urn:uuid:0b0c0d0e-0000-4000-8000-000000000001", "Privacy basics"),
    ("https://other.example/credentials/42", "Privacy law"),
)


def _stacked() -> dict[str, object]:
    award = example_award(*EXAMPLE_PAIRS[1])
    evidence = tuple(Evidence(id=i, name=n, genre=PART_GENRE) for i, n in PARTS)
    extra = Evidence(id="https://example.org/portfolio", name="Portfolio", genre="Portfolio")
    award = replace(award, evidence=(*evidence, extra))
    return build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="pepper")


def test_the_parts_named_as_evidence_are_read_in_order() -> None:
    assert stacked_parts(_stacked()) == list(PARTS)
    assert stacked_parts({"evidence": [{"genre": PART_GENRE}, "odd"]}) == []


def test_a_stacked_credential_exports_its_parts_as_has_part_and_conforms() -> None:
    doc = elm_from_ob3(_stacked(), legal_identifier="VATBE-0123456789")
    claim = doc["credentialSubject"]["hasClaim"][0]
    parts = claim["hasPart"]
    # the evidence names are in the credential's primary language (French here)
    assert [p["title"] for p in parts] == [{"fr": "Privacy basics"}, {"fr": "Privacy law"}]
    assert all(p["type"] == "LearningAchievement" for p in parts)
    assert all(p["awardedBy"] == claim["awardedBy"] for p in parts)
    notes = [p["additionalNote"][0]["noteLiteral"]["en"] for p in parts]
    assert notes == [f"Credential {i}" for i, _ in PARTS]
    count, report = shacl_violations(doc)
    assert count == 0, report


def test_an_ordinary_credential_has_no_parts() -> None:
    award = example_award(*EXAMPLE_PAIRS[1])
    ob3 = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="pepper")
    assert "hasPart" not in elm_from_ob3(ob3)["credentialSubject"]["hasClaim"][0]
