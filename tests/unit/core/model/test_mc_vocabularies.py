"""Short aliases of the controlled Annex I values map to EU vocabulary IRIs."""

from __future__ import annotations

import pytest

from microcred.core.model import load_description
from microcred.core.model.countries import country_from_nal_iri, country_nal_iri
from microcred.core.model.vocabularies import (
    ASSESSMENT_TYPES,
    EQF_LEVELS,
    PARTICIPATION_FORMS,
    QUALITY_ASSURANCE_TYPES,
    SUPERVISION,
    eqf_level_iri,
    label_of,
)

SNB = "http://data.europa.eu/snb/"


@pytest.mark.parametrize(
    ("vocabulary", "alias", "iri"),
    [
        (ASSESSMENT_TYPES, "exam", SNB + "assessment/6e6cb2cc78"),
        (ASSESSMENT_TYPES, "Portfolio", SNB + "assessment/4f03b91c0e"),
        (ASSESSMENT_TYPES, "oral_exam", SNB + "assessment/d30284d7df"),
        (ASSESSMENT_TYPES, "rpl", "https://w3id.org/microcred/vocab#RecognitionOfPriorLearning"),
        (PARTICIPATION_FORMS, "online", SNB + "learning-assessment/920fbb3cbe"),
        (PARTICIPATION_FORMS, "on-site", SNB + "learning-assessment/9191af2ed9"),
        (PARTICIPATION_FORMS, "blended", SNB + "learning-assessment/e92d221e4d"),
        (PARTICIPATION_FORMS, "volunteering", SNB + "learning-activity/59eaf34fab"),
        (PARTICIPATION_FORMS, "work experience", SNB + "learning-activity/4357e0e681"),
        (SUPERVISION, "supervised-id", SNB + "supervision-verification/70be69aaf9"),
        (SUPERVISION, "unsupervised", SNB + "supervision-verification/c598449d64"),
        (QUALITY_ASSURANCE_TYPES, "institutional-qa", SNB + "accreditation/bb4618238e"),
        (EQF_LEVELS, "6", SNB + "eqf/6"),
        (EQF_LEVELS, SNB + "eqf/8", SNB + "eqf/8"),
    ],
)
def test_aliases_resolve_to_iris(vocabulary: object, alias: str, iri: str) -> None:
    assert vocabulary.resolve(alias) == iri  # type: ignore[attr-defined]


def test_unknown_alias_lists_the_allowed_values() -> None:
    with pytest.raises(
        ValueError, match="'exams' is not a known type of assessment; allowed: exam,"
    ):
        ASSESSMENT_TYPES.resolve("exams")
    with pytest.raises(ValueError, match="allowed: online, onsite, blended"):
        PARTICIPATION_FORMS.resolve(3.5)
    # own lists are allowed (ELM 3.2), but not for EQF
    assert ASSESSMENT_TYPES.resolve("https://uni.example/assessment/viva") == (
        "https://uni.example/assessment/viva"
    )
    with pytest.raises(ValueError):
        EQF_LEVELS.resolve("https://uni.example/level/9")


def test_labels_eqf_and_countries() -> None:
    assert label_of(SNB + "learning-assessment/e92d221e4d") == "Blended"
    assert eqf_level_iri(3) == SNB + "eqf/3"
    with pytest.raises(ValueError, match="EQF level must be 1-8"):
        eqf_level_iri(9)
    assert country_nal_iri("GR") == "http://publications.europa.eu/resource/authority/country/GRC"
    assert country_from_nal_iri(country_nal_iri("XK")) == "XK"


def test_yaml_aliases_become_iris_in_the_model() -> None:
    text = """
id: demo
title: Demo
issuer_country: [DE, AT]
awarding_bodies: [{legal_name: Demo GmbH, country: DE, url: "https://demo.example"}]
learning_outcomes: [Do things]
ects: 2.5
eqf: 4
assessment: ["exam", "portfolio"]
participation: online
quality_assurance: programme-qa
supervision: unsupervised-id
stackability: standalone
"""
    mc = load_description(text)
    assert mc.assessment_types == (SNB + "assessment/6e6cb2cc78", SNB + "assessment/4f03b91c0e")
    assert mc.participation == (SNB + "learning-assessment/920fbb3cbe",)
    assert mc.level.eqf == SNB + "eqf/4"
    assert str(mc.workload.ects) == "2.5"
    assert mc.quality_assurance[0].type == SNB + "accreditation/820101cba6"
    assert mc.supervision == SNB + "supervision-verification/df2880c5cb"
    assert mc.stackability is not None
    assert mc.stackability.option == "https://w3id.org/microcred/vocab#StandAlone"
    assert mc.issuer_countries == ("DE", "AT")
