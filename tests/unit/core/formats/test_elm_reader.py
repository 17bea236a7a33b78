"""Reading ELM v3 credentials (core/formats/elm_reader.py): the EC's samples and our exports."""

from __future__ import annotations

import json

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUER, example_award

from elm_support import SAMPLES, sample
from microcred.core.formats.completeness import ANNEX_I_MANDATORY
from microcred.core.formats.elm import build_elm
from microcred.core.formats.elm_reader import is_elm, read_elm, unwrap_elm

SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir())
QA = "type of quality assurance"


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_ec_sample_reads(name: str) -> None:
    document = sample(name)
    assert is_elm(document)
    summary = read_elm(document)
    assert summary.id and summary.issuer_id and summary.title
    values = summary.completeness.values
    assert "identification of the learner" in values
    assert "awarding body(ies)" in values
    assert set(summary.completeness.present) | set(summary.completeness.missing) >= set(
        ANNEX_I_MANDATORY
    )


@pytest.mark.parametrize(
    "name",
    [
        "Sample-MC-Annex1-unsigned.jsonld",
        "Sample-MC-Annex1-signed.jsonld",
        "Sample-MC-Annex1-unsigned-uploadable.json",
    ],
)
def test_the_ec_micro_credential_sample_lacks_only_quality_assurance(name: str) -> None:
    completeness = read_elm(sample(name)).completeness
    assert completeness.missing == (QA,)
    values = completeness.values
    assert values["title of the micro-credential"] == {"en": "Digital micro-credential creation"}
    assert "IE" in values["country(ies)/region(s) of the issuer"]["countries"]
    assert values["notional workload"]["credits"][0]["points"] == "2"
    assert values["level"]["eqf"] == "http://data.europa.eu/snb/eqf/6"
    assert values["grade achieved"] == {"en": "Pass"}
    assert values["supervision and identity verification"].endswith("c598449d64")
    assert len(values["learning outcomes"]) >= 2


def test_the_certificate_of_participation_is_no_micro_credential() -> None:
    missing = read_elm(sample("Sample-CertOfPart-unsigned.jsonld")).completeness.missing
    assert QA in missing and "learning outcomes" in missing


def test_the_signed_sample_is_read_from_its_jades_payload() -> None:
    signed = sample("Sample-MC-Annex1-signed.jsonld")
    inner = unwrap_elm(signed)
    assert inner == json.loads(signed["payload"])
    assert read_elm(signed).id == inner["id"]


@pytest.mark.parametrize("pair", EXAMPLE_PAIRS, ids=[p[0] for p in EXAMPLE_PAIRS])
def test_our_export_reads_back_complete(pair: tuple[str, str]) -> None:
    doc = build_elm(example_award(*pair), issuer=ISSUER, credential_id=CREDENTIAL_ID)
    summary = read_elm(doc)
    assert summary.completeness.complete
    assert summary.id == CREDENTIAL_ID
    values = summary.completeness.values
    assert values[QA][0]["type"].startswith("http://data.europa.eu/snb/accreditation/")
    assert "integration/stackability options" in summary.completeness.present


@pytest.mark.parametrize(
    "junk",
    [
        None,
        3,
        "text",
        [],
        {},
        {"payload": "{not json", "signatures": []},
        {"credentialSubject": 5},
        {"credentialSubject": {"hasClaim": [None, {"specifiedBy": []}]}},
    ],
)
def test_hostile_input_never_raises(junk: object) -> None:
    summary = read_elm(junk)
    assert summary.completeness.missing
    assert not is_elm(junk)
