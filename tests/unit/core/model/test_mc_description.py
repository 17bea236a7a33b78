"""The human-written description format: examples, round trips and every validation message."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from microcred.core.model import (
    description_to_dict,
    learner_to_dict,
    load_description,
    load_learner,
    parse_description,
)
from microcred.errors import DocumentParseError, SpecValidationError

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"
MINIMAL: dict[str, Any] = {
    "id": "demo",
    "title": {"en": "Demo"},
    "issuer_country": "IE",
    "awarding_bodies": [
        {"legal_name": "Demo University", "country": "IE", "url": "https://u.example"}
    ],
    "learning_outcomes": ["Explain things."],
    "workload": {"ects": 1},
    "level": {"eqf": 5},
    "assessment": "exam",
    "participation": "online",
    "quality_assurance": "institutional-qa",
}


def _problems(**changes: Any) -> list[str]:
    data = {**MINIMAL, **changes}
    for key in [k for k, v in changes.items() if v is ...]:
        del data[key]
    with pytest.raises(SpecValidationError) as caught:
        parse_description(data)
    return caught.value.problems


@pytest.mark.parametrize(
    "name", ["data-protection-by-design.yaml", "fondamentaux-cybersecurite.yaml"]
)
def test_examples_load_and_round_trip(name: str) -> None:
    mc = load_description((EXAMPLES / name).read_text(encoding="utf-8"))
    as_dict = description_to_dict(mc)
    assert parse_description(as_dict) == mc
    assert load_description(yaml.safe_dump(as_dict, allow_unicode=True)) == mc
    assert load_description(json.dumps(as_dict), source_format="json") == mc
    assert load_description(json.dumps(as_dict)) == mc  # auto-detected JSON


def test_english_example_content() -> None:
    mc = load_description((EXAMPLES / "data-protection-by-design.yaml").read_text(encoding="utf-8"))
    assert mc.workload.ects == Decimal(5)
    assert mc.level.eqf == "http://data.europa.eu/snb/eqf/6"
    assert mc.title.best("ga") == "Cosaint Sonraí trí Dhearadh"
    assert mc.supervision == "http://data.europa.eu/snb/supervision-verification/70be69aaf9"
    assert len(mc.learning_outcomes) == 3


def test_french_example_has_esco_skills_and_french_default_language() -> None:
    mc = load_description(
        (EXAMPLES / "fondamentaux-cybersecurite.yaml").read_text(encoding="utf-8")
    )
    assert mc.primary_language == "fr"
    assert mc.workload.ects == Decimal(3)
    assert mc.level.eqf == "http://data.europa.eu/snb/eqf/5"
    assert [s.iri for s in mc.all_esco_skills()] == [
        "http://data.europa.eu/esco/skill/80f308e6-0e09-404a-80cd-ec5f50f6f304",
        "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d",
    ]


def test_the_minimal_description_is_valid() -> None:
    mc = parse_description(MINIMAL)
    assert mc.title.best() == "Demo"
    assert mc.learning_outcomes[0].text == {"en": "Explain things."}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"learning_outcomes": []}, "learning outcomes: at least one is required"),
        ({"learning_outcomes": ...}, "learning outcomes: at least one is required"),
        ({"level": {"eqf": 9}}, "level: EQF level must be 1-8"),
        ({"level": {"eqf": 0}}, "level: EQF level must be 1-8"),
        ({"level": {}}, "level: an EQF level (1-8) is required"),
        ({"issuer_country": "XX"}, "issuer country: 'XX' is not an ISO 3166-1 alpha-2 code"),
        ({"issuer_country": []},
         "issuer country: at least one ISO 3166-1 alpha-2 code is required"),
        ({"title": {}}, "title: at least one language is required"),
        ({"title": {"english": "Demo"}}, "title: 'english' is not a BCP 47 language tag"),
        ({"title": {"en": "  "}}, "title: the 'en' text is empty"),
        ({"workload": {"ects": -1}}, "workload: ECTS credits must be positive"),
        ({"workload": {"hours": 0}}, "workload: hours must be positive"),
        ({"workload": {}}, "workload: ECTS credits or hours are required"),
        ({"workload": {"ects": "five"}}, "workload: ECTS credits must be a number, not 'five'"),
        ({"awarding_bodies": []}, "awarding bodies: at least one is required"),
        ({"awarding_bodies": [{"legal_name": "U", "country": "IE"}]},
         "awarding body 1: a URL or a DID is required"),
        ({"awarding_bodies": [{"legal_name": "U", "country": "ie", "url": "https://u.example"}]},
         "awarding body 1: country 'ie' is not an ISO 3166-1 alpha-2 code"),
        ({"assessment": []}, "type of assessment: at least one type of assessment is required"),
        ({"participation": ...},
         "form of participation: at least one form of participation is required"),
        ({"quality_assurance": []},
         "quality assurance: at least one type of quality assurance is required"),
        ({"learning_outcomes": [{"text": "X", "esco": ["http://data.europa.eu/esco/skill/nope"]}]},
         "learning outcome 1: 'http://data.europa.eu/esco/skill/nope' is not an ESCO skill IRI "
         "(http://data.europa.eu/esco/skill/<uuid>)"),
        ({"id": "Not a slug"},
         "id: 'Not a slug' must be a slug (a-z, 0-9, '.', '-', '_') or an absolute IRI"),
        ({"validity": "5 years"},
         "validity: '5 years' is not an ISO 8601 duration such as P3Y or P18M"),
        ({"stackability": {"option": "stand-alone", "stacks_into": ["https://x.example/cert"]}},
         "integration/stackability: a stand-alone micro-credential cannot stack into other "
         "credentials"),
        ({"grading": {"title": "Grade", "result_type": "Stars"}},
         "grading scheme: result type 'Stars' must be one of GradePointAverage, LetterGrade, "
         "Percent, PerformanceLevel, PredictedScore, RawScore, Result, RubricCriterion, "
         "RubricCriterionLevel, RubricScore, ScaledScore, Status or start with 'ext:'"),
        ({"image": "ftp://x/y.png"},
         "image: 'ftp://x/y.png' is not an http(s) URL or a data:image URI"),
        ({"title": 42}, "title: must be text or a map of language -> text"),
    ],
)  # fmt: skip
def test_each_validation_message(changes: dict[str, Any], problem: str) -> None:
    assert problem in _problems(**changes)


def test_unknown_alias_lists_allowed_values() -> None:
    problems = _problems(assessment=["exam", "vibes"], participation="telepathy")
    assert problems[0].startswith("type of assessment: 'vibes' is not a known type of assessment; "
                                  "allowed: exam, oral exam, quiz, portfolio")  # fmt: skip
    assert problems[1].startswith("form of participation: 'telepathy' is not a known form of "
                                  "participation; allowed: online, onsite, blended")  # fmt: skip


def test_all_problems_are_reported_at_once_without_repeats() -> None:
    problems = _problems(title=..., learning_outcomes=[], level={"eqf": 12}, issuer_country="UKR")
    assert problems == [
        "level: EQF level must be 1-8",
        "title: at least one language is required",
        "issuer country: 'UKR' is not an ISO 3166-1 alpha-2 code",
        "learning outcomes: at least one is required",
    ]


def test_misspelt_element_gets_a_suggestion() -> None:
    problems = _problems(asessment=["exam"])
    assert "asessment: not a known element; did you mean 'assessment'?" in problems


def test_shortcut_and_block_together_is_an_error() -> None:
    assert "eqf: give either 'eqf' or 'level', not both" in _problems(eqf=6)


def test_bad_yaml_is_one_error_with_a_line_number() -> None:
    with pytest.raises(DocumentParseError, match=r"invalid YAML at line 4, column \d+"):
        load_description("id: demo\ntitle: Demo\nlevel: {eqf: 6\nassessment: exam\n")


def test_bad_json_is_one_error_with_a_line_number() -> None:
    with pytest.raises(DocumentParseError, match="invalid JSON at line 2, column 1"):
        load_description('{"id": "demo",\n}', source_format="json")


def test_yaml_aliases_are_refused() -> None:
    with pytest.raises(DocumentParseError, match="aliases"):
        load_description("a: &x [1, 2]\nb: [*x, *x]\n")


@pytest.mark.parametrize(
    "text", ["", "- a list\n", "just text", "42", "id: [1, {x: 2}]\ntitle: [[[]]]\nlevel: 7\n"]
)
def test_wrong_shapes_raise_spec_validation_errors_only(text: str) -> None:
    with pytest.raises(SpecValidationError):
        load_description(text)


_HOSTILE = (None, 0, -3, 1.5, True, "x", [], {}, [None, {}, 3], {"x": [1]}, float("inf"))


OPTIONAL_KEYS = ("grading", "stackability", "esco_skills", "tags", "issuer_region",
                 "prerequisites", "languages", "validity")  # fmt: skip


@pytest.mark.parametrize("key", [*MINIMAL, *OPTIONAL_KEYS])
def test_wrong_types_anywhere_never_crash(key: str) -> None:
    for value in _HOSTILE:
        try:
            parse_description({**MINIMAL, key: value})
        except SpecValidationError as exc:
            assert all(isinstance(p, str) and ": " in p for p in exc.problems)


def test_load_learner_and_its_messages() -> None:
    learner = load_learner(json.loads((EXAMPLES / "learner-fr.json").read_text(encoding="utf-8")))
    assert learner.institutional_id == "p2401234"
    assert load_learner(learner_to_dict(learner)) == learner
    with pytest.raises(SpecValidationError) as caught:
        load_learner({"name": "Ana"})
    assert caught.value.problems == [
        "learner: an e-mail, a DID, a URL or an institutional id is required"
    ]
    with pytest.raises(SpecValidationError) as caught:
        load_learner({"email": "not-an-email", "did": "did:", "url": "mailto:x", "e_mail": "a"})
    assert caught.value.problems == [
        "learner: 'e_mail' is not a known element; did you mean 'email'?",
        "learner: e-mail 'not-an-email' is not a valid address",
        "learner: 'did:' is not a DID",
        "learner: URL: 'mailto:x' is not an http(s) URL",
    ]
    with pytest.raises(SpecValidationError) as caught:
        load_learner({"email": ["a@example.com"], "institutional_id": 12345})
    assert caught.value.problems == ["learner: email: must be text, not list"]
    assert load_learner({"institutional_id": 12345}).institutional_id == "12345"
    for hostile in (None, [], "x", {"did": ["did:x:y"]}, {"name": {"a": 1}}):
        with pytest.raises(SpecValidationError):
            load_learner(hostile)


def test_duplicate_yaml_keys_are_refused_naming_the_key_and_line() -> None:
    import pytest

    from microcred.core.model import load_description
    from microcred.errors import DocumentParseError

    with pytest.raises(
        DocumentParseError, match=r"line 2, column 1: the key 'title' appears twice"
    ):
        load_description("title: {en: A}\ntitle: {en: B}\n")
