"""OB 3.0 credentials built from the two examples: schema, JSON-LD expansion, round trips."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUED, ISSUER, example_award, loader
from pyld import jsonld

from microcred.core.formats.completeness import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL
from microcred.core.formats.ob3 import (
    OB3_CONTEXTS,
    OB3_SCHEMA_ID,
    build_credential,
    eu_elements,
    hash_identity,
    read_award,
    validate_ob3_schema,
)
from microcred.core.model import Evidence, Learner
from microcred.errors import SpecValidationError

SPEC_HASH = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
STATUS = {
    "id": "https://credentials.example.eu/status/1#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://credentials.example.eu/status/1",
}


def _build(pair: tuple[str, str], **award_changes: Any) -> dict[str, Any]:
    award = example_award(*pair, **award_changes)
    return build_credential(
        award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="Kosher", status=STATUS
    )


def _dropped_terms(document: dict[str, Any]) -> set[str]:
    """Terms the contexts do not define: a trailing ``@vocab`` catches them for inspection."""
    probe = dict(document)
    probe["@context"] = [*document["@context"], {"@vocab": "urn:dropped:"}]
    expanded = json.dumps(jsonld.expand(probe, {"base": None, "documentLoader": loader}))
    return set(re.findall(r"urn:dropped:([^\"]+)", expanded))


@pytest.mark.parametrize("pair", EXAMPLE_PAIRS)
def test_built_credential_passes_the_ob3_schema(pair: tuple[str, str]) -> None:
    assert validate_ob3_schema(_build(pair)) == []


@pytest.mark.parametrize("pair", EXAMPLE_PAIRS)
def test_every_emitted_term_is_defined_by_the_contexts(pair: tuple[str, str]) -> None:
    document = _build(pair, evidence=(Evidence(id="https://example.org/dpia.pdf", name="DPIA"),))
    assert _dropped_terms(document) == set()


def test_the_drop_probe_does_catch_an_undefined_term() -> None:
    document = _build(EXAMPLE_PAIRS[0])
    document["credentialSubject"]["achievement"]["learningOutcome"][0]["madeUpTerm"] = "x"
    assert _dropped_terms(document) == {"madeUpTerm"}


@pytest.mark.parametrize("pair", EXAMPLE_PAIRS)
def test_every_annex_element_is_read_back(pair: tuple[str, str]) -> None:
    found = eu_elements(_build(pair))
    assert found.missing == ()
    assert found.complete
    assert set(found.present) == set(ANNEX_I_MANDATORY) | set(ANNEX_I_OPTIONAL)
    json.dumps(found.values)  # JSON-compatible


def test_element_values_are_eu_vocabulary_iris() -> None:
    values = eu_elements(_build(EXAMPLE_PAIRS[0])).values
    assert values["level"] == {
        "eqf": "http://data.europa.eu/snb/eqf/6",
        "qf_ehea_cycle": "https://w3id.org/microcred/vocab#QfEheaFirstCycle",
    }
    assert values["type of assessment"] == [
        "http://data.europa.eu/snb/assessment/6e6cb2cc78",
        "http://data.europa.eu/snb/assessment/795dac4096",
    ]
    assert values["form of participation"] == [
        "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
    ]
    assert values["supervision and identity verification"] == (
        "http://data.europa.eu/snb/supervision-verification/70be69aaf9"
    )
    assert values["type of quality assurance"][0]["type"] == (
        "http://data.europa.eu/snb/accreditation/bb4618238e"
    )
    assert values["country(ies)/region(s) of the issuer"] == {
        "countries": ["IE"],
        "regions": ["IE042"],
    }
    assert values["notional workload"] == {"ects": "5", "hours": "125"}
    assert values["date of issuing"] == "2025-06-01T12:00:00Z"
    assert values["grade achieved"] == "Pass"


def test_native_ob3_fields_carry_the_primary_language_and_numbers() -> None:
    document = _build(EXAMPLE_PAIRS[1])
    achievement = document["credentialSubject"]["achievement"]
    assert document["@context"] == list(OB3_CONTEXTS)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["name"] == "Fondamentaux de la cybersécurité"
    assert achievement["nameMap"]["en"] == "Cybersecurity fundamentals"
    assert achievement["inLanguage"] == "fr"
    assert achievement["creditsAvailable"] == 3
    assert document["credentialSubject"]["creditsEarned"] == 3
    assert achievement["ectsCredits"] == "3"
    eqf = [a for a in achievement["alignment"] if a["targetType"] == "ext:EQF"]
    assert eqf[0]["targetUrl"] == "http://data.europa.eu/snb/eqf/5"
    esco = {a["targetUrl"] for a in achievement["alignment"] if a["targetType"] == "ext:ESCOSkill"}
    assert "http://data.europa.eu/esco/skill/80f308e6-0e09-404a-80cd-ec5f50f6f304" in esco
    assert achievement["issuerCountry"] == [
        "http://publications.europa.eu/resource/authority/country/FRA"
    ]
    assert document["issuer"]["address"]["addressCountryCode"] == "BE"
    assert document["credentialSchema"] == [
        {"id": OB3_SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    assert document["credentialStatus"] == STATUS
    assert "proof" not in document


def test_validity_duration_sets_valid_until() -> None:
    document = _build(EXAMPLE_PAIRS[0])  # validity: P5Y
    assert document["validFrom"] == "2025-06-01T12:00:00Z"
    assert document["validUntil"] == "2030-06-01T12:00:00Z"


@pytest.mark.parametrize("pair", EXAMPLE_PAIRS)
def test_read_award_round_trips_everything_but_hashed_identifiers(pair: tuple[str, str]) -> None:
    award = example_award(
        *pair,
        evidence=(Evidence(id="https://example.org/work", narrative="Project report"),),
        awarded=datetime(2025, 5, 30, tzinfo=UTC),
    )
    back = read_award(
        build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="pepper")
    )
    assert back.micro_credential == award.micro_credential
    assert replace(back, learner=award.learner) == award
    assert back.learner.email is None  # hashed: not recoverable
    assert back.learner.given_name == award.learner.given_name


def test_learner_with_did_and_no_salt_round_trips_exactly() -> None:
    learner = Learner(name="Ana Andromeda", did="did:example:ana", institutional_id="S-1")
    award = example_award(*EXAMPLE_PAIRS[0], learner=learner)
    document = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID)
    assert document["credentialSubject"]["id"] == "did:example:ana"
    assert read_award(document) == award


def test_hashed_email_uses_the_spec_vector() -> None:
    # OB 3.0 IdentityHash example: sha256("a@example.com" + "Kosher")
    assert hash_identity("a@example.com", "Kosher") == SPEC_HASH
    award = example_award(*EXAMPLE_PAIRS[0], learner=Learner(email="a@example.com"))
    document = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="Kosher")
    assert document["credentialSubject"]["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": SPEC_HASH,
            "salt": "Kosher",
        }
    ]
    assert "id" not in document["credentialSubject"]
    assert validate_ob3_schema(document) == []


def test_email_only_learner_needs_a_salt() -> None:
    award = example_award(*EXAMPLE_PAIRS[0], learner=Learner(email="a@example.com"))
    with pytest.raises(SpecValidationError) as caught:
        build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID)
    assert caught.value.problems == [
        "learner: a salt is required to identify the learner by hashed e-mail"
    ]


def test_bad_award_and_issuer_are_reported_together() -> None:
    award = example_award(*EXAMPLE_PAIRS[0], issued=datetime(2025, 1, 1))  # naive
    issuer = replace(ISSUER, country_code="XX", id="not an iri")
    with pytest.raises(SpecValidationError) as caught:
        build_credential(award, issuer=issuer, credential_id="nope", status={"type": 1})
    assert caught.value.problems == [
        "date of issuing: must include a timezone",
        "issuer: id 'not an iri' is not a DID or URL",
        "issuer: 'XX' is not an ISO 3166-1 alpha-2 code",
        "credential id: 'nope' is not an absolute IRI",
        "credential status: an object with an 'id' and a 'type' is required",
    ]


def test_without_credential_schema_the_extensions_context_is_left_out() -> None:
    award = example_award(*EXAMPLE_PAIRS[0])
    document = build_credential(
        award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s", credential_schema=False
    )
    assert "credentialSchema" not in document
    assert "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json" not in document["@context"]
    assert validate_ob3_schema(document) == []
    assert _dropped_terms(document) == set()


def test_issued_is_the_date_of_issuing() -> None:
    document = _build(EXAMPLE_PAIRS[0], issued=ISSUED)
    assert document["awardedDate"] == document["validFrom"] == "2025-06-01T12:00:00Z"
