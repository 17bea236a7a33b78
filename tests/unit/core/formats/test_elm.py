"""ELM v3 export (core/formats/elm.py): the examples conform to the EC's EDC SHACL shapes."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUER, example_award

from elm_support import shacl_violations
from microcred.core.formats.elm import (
    ELM_CONTEXTS,
    build_elm,
    elm_from_ob3,
    issuer_from_ob3,
    placeholder_png,
)
from microcred.core.formats.ob3 import build_credential
from microcred.core.jsonld import default_loader
from microcred.core.jsonld.expansion import to_quads
from microcred.errors import DocumentParseError, SpecValidationError

LEGAL_ID = "VATBE-0123456789"


def _export(pair: tuple[str, str], **changes: Any) -> dict[str, Any]:
    award = example_award(*pair, **changes)
    return build_elm(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, legal_identifier=LEGAL_ID)


def _spec(doc: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = doc["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    return spec


@pytest.mark.parametrize("pair", EXAMPLE_PAIRS, ids=[p[0] for p in EXAMPLE_PAIRS])
def test_each_example_conforms_to_the_edc_shapes(pair: tuple[str, str]) -> None:
    count, report = shacl_violations(_export(pair))
    assert count == 0, report


def test_the_shacl_check_catches_a_missing_mandatory_property() -> None:
    doc = _export(EXAMPLE_PAIRS[0])
    del doc["issuer"]["eIDASIdentifier"]
    del doc["credentialSubject"]["hasClaim"][0]["awardedBy"]
    count, report = shacl_violations(doc)
    assert count >= 2
    assert "eidasLegalIdentifier" in report and "awardedBy" in report


def test_the_export_of_our_ob3_credential_conforms_and_keeps_its_identity() -> None:
    award = example_award(*EXAMPLE_PAIRS[1])
    ob3 = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="pepper")
    doc = elm_from_ob3(ob3, legal_identifier=LEGAL_ID)
    assert doc["id"] == ob3["id"]
    assert doc["issuer"]["id"] == ISSUER.id
    assert doc["issued"] == ob3["validFrom"]
    assert doc["credentialSubject"]["givenName"] == {"fr": "Camille"}
    # hashed in the OB 3.0 credential (salted), so not recoverable for the export
    assert "identifier" not in doc["credentialSubject"]
    assert "contactPoint" not in doc["credentialSubject"]
    count, report = shacl_violations(doc)
    assert count == 0, report


def test_annex_i_elements_are_mapped_as_in_standards_2_4() -> None:
    doc = _export(EXAMPLE_PAIRS[0])
    assert doc["@context"] == list(ELM_CONTEXTS)
    assert doc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    subject = doc["credentialSubject"]
    claim = subject["hasClaim"][0]
    spec = _spec(doc)
    # 1 learner, 2 title (multilingual), 3 country + NUTS region, 4 awarding body, 5 date
    assert subject["fullName"] == {"en": "Aoife Murphy"}
    assert subject["contactPoint"][0]["emailAddress"]["id"] == "mailto:aoife.murphy@example.ie"
    assert claim["title"] == {
        "en": "Data Protection by Design",
        "ga": "Cosaint Sonraí trí Dhearadh",
    }
    body = claim["awardedBy"]["awardingBody"][0]
    assert body["legalName"] == {"en": "University of Galway", "ga": "Ollscoil na Gaillimhe"}
    location = body["location"][0]
    assert location["address"]["countryCode"]["id"].endswith("/country/IRL")
    assert location["spatialCode"][0]["id"] == "http://data.europa.eu/nuts/code/IE042"
    assert doc["issued"] == "2025-06-01T12:00:00Z"
    # 6 outcomes, 7 workload, 8 level
    assert len(spec["learningOutcome"]) == 3
    assert spec["learningOutcome"][0]["title"]["ga"].startswith("Prionsabail")
    assert spec["creditPoint"][0]["point"] == "5"
    assert spec["creditPoint"][0]["framework"]["id"].endswith("education-credit/6fcec5c5af")
    assert spec["volumeOfLearning"] == "PT125H"
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/6"
    # 9 assessment, 10 participation, 11 QA as an Accreditation
    assert {s["dcType"]["id"].rsplit("/", 1)[1] for s in spec["provenBy"]} == {
        "6e6cb2cc78",
        "795dac4096",
    }
    assert spec["mode"][0]["id"].endswith("learning-assessment/920fbb3cbe")
    assert spec["learningSetting"]["id"].endswith("learning-setting/e207a81fc7")
    accreditation = spec["accreditation"][0]
    assert accreditation["type"] == "Accreditation"
    assert accreditation["dcType"]["id"].endswith("accreditation/bb4618238e")
    assert accreditation["accreditingAgent"]["legalName"] == {
        "en": "Quality and Qualifications Ireland"
    }
    # optional: prerequisites, supervision, grade, stackability
    assert spec["entryRequirement"]["noteLiteral"]["en"].startswith("A bachelor's degree")
    assessment = claim["provenBy"][0]
    assert assessment["grade"]["noteLiteral"] == {"en": "Pass"}
    assert assessment["idVerification"]["id"].endswith("supervision-verification/70be69aaf9")
    assert spec["isPartialQualification"] is True
    assert "Postgraduate Certificate in Data Protection" in str(spec["additionalNote"])
    assert doc["issuer"]["eIDASIdentifier"]["notation"] == LEGAL_ID


def test_every_term_expands_without_loss_offline() -> None:
    quads = to_quads(_export(EXAMPLE_PAIRS[1]), loader=default_loader())
    assert len(quads) > 150


def test_parts_of_a_stacked_credential_go_in_has_part() -> None:
    part = {
        "id": "urn:example:part:1",
        "type": "LearningAchievement",
        "title": {"en": "Part one"},
        "awardedBy": copy.deepcopy(
            _export(EXAMPLE_PAIRS[0])["credentialSubject"]["hasClaim"][0]["awardedBy"]
        ),
    }
    award = example_award(*EXAMPLE_PAIRS[0])
    doc = build_elm(
        award, issuer=ISSUER, credential_id=CREDENTIAL_ID, legal_identifier=LEGAL_ID, parts=[part]
    )
    assert doc["credentialSubject"]["hasClaim"][0]["hasPart"] == [part]
    count, report = shacl_violations(doc)
    assert count == 0, report


def test_fractional_workload_and_ungraded_award() -> None:
    award = example_award(*EXAMPLE_PAIRS[0], grade=None)
    mc = award.micro_credential
    workload = type(mc.workload)(ects=Decimal("2.50"), hours=Decimal("12.5"))
    award = example_award(*EXAMPLE_PAIRS[0], grade=None, micro_credential=_with(mc, workload))
    doc = build_elm(award, issuer=ISSUER, credential_id=CREDENTIAL_ID)
    spec = _spec(doc)
    assert spec["creditPoint"][0]["point"] == "2.5"
    assert spec["volumeOfLearning"] == "PT12.5H"
    assert "provenBy" not in doc["credentialSubject"]["hasClaim"][0]
    assert doc["issuer"]["eIDASIdentifier"]["notation"] == ISSUER.id


def _with(mc: Any, workload: Any) -> Any:
    from dataclasses import replace

    return replace(mc, workload=workload)


def test_display_image_is_a_png() -> None:
    png = placeholder_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    doc = build_elm(
        example_award(*EXAMPLE_PAIRS[0]),
        issuer=ISSUER,
        credential_id=CREDENTIAL_ID,
        display_image=b"\x89PNG-given",
    )
    image = doc["displayParameter"]["individualDisplay"][0]["displayDetail"][0]["image"]
    assert image["content"] == "iVBORy1naXZlbg=="


def test_missing_awarding_body_is_a_clear_error() -> None:
    from dataclasses import replace

    award = example_award(*EXAMPLE_PAIRS[0])
    award = replace(award, micro_credential=replace(award.micro_credential, awarding_bodies=()))
    with pytest.raises(SpecValidationError, match="no awarding body"):
        build_elm(award, issuer=ISSUER, credential_id=CREDENTIAL_ID)


def test_ob3_without_issuer_country_is_refused() -> None:
    with pytest.raises(DocumentParseError, match="country"):
        issuer_from_ob3({"issuer": "did:example:1"})
