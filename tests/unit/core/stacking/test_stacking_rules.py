"""Stacking rules as data: the shipped JSON Schema, and one clear error per problem, each
naming its JSON path."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.core.stacking.rules import (
    Duration,
    load_rules,
    parse_rules,
    rules_schema,
    ruleset_to_data,
)
from microcred.errors import SpecValidationError

KINDS = "all_of, any_of, n_of, achievement, min_ects, min_eqf_level, skills, within, min_grade"


def problems(data: Any) -> list[str]:
    with pytest.raises(SpecValidationError) as caught:
        load_rules(data)
    return caught.value.problems


def in_group(rule: Any) -> dict[str, Any]:
    return {"rules": {"all_of": [{"achievement": "a"}, {"achievement": "b"}, rule]}}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"min_ects": -1}, "rules.all_of[2].min_ects: must be a positive number"),
        ({"min_ects": "5"}, "rules.all_of[2].min_ects: must be a positive number"),
        (
            {"min_eqf_level": 9},
            "rules.all_of[2].min_eqf_level: must be an EQF level, an integer from 1 to 8",
        ),
        (
            {"achievement": "two words"},
            "rules.all_of[2].achievement: must be an achievement id (an IRI or a catalogue slug)",
        ),
        (
            {"skills": ["not an iri"]},
            "rules.all_of[2].skills[0]: must be an absolute IRI (e.g. an ESCO skill)",
        ),
        (
            {"skills": []},
            "rules.all_of[2].skills: must be a non-empty list of distinct skill or learning "
            "outcome IRIs",
        ),
        (
            {"within": "2 years"},
            "rules.all_of[2].within: must be an ISO 8601 duration in years, months, weeks or "
            "days (e.g. P2Y, P18M)",
        ),
        (
            {"min_grade": "B"},
            "rules.all_of[2].min_grade: must be a number, or {value, scale} with scale the "
            "allowed grades from lowest to highest",
        ),
        ({"all_of": []}, "rules.all_of[2].all_of: must be a non-empty list of rules"),
        ({"any_of": {}}, "rules.all_of[2].any_of: must be a non-empty list of rules"),
        (
            {"n_of": {"n": 0, "items": [{"achievement": "x"}]}},
            "rules.all_of[2].n_of.n: must be a positive integer",
        ),
        (
            {"n_of": {"items": [{"achievement": "x"}]}},
            "rules.all_of[2].n_of: n is a required property",
        ),
        (
            {"n_of": {"n": 3, "items": [{"achievement": "x"}]}},
            "rules.all_of[2].n_of.n: 3 is more than the 1 items",
        ),
        (
            {"min_grade": {"value": "D", "scale": ["C", "B", "A"]}},
            "rules.all_of[2].min_grade.value: 'D' is not on the scale C, B, A",
        ),
        (
            {"ects": 5},
            "rules.all_of[2]: unknown key(s) ects; allowed: achievement, all_of, any_of, "
            "min_ects, min_eqf_level, min_grade, n_of, skills, within",
        ),
        (
            {"min_ects": 5, "achievement": "c"},
            f"rules.all_of[2]: must be one rule: an object with exactly one of {KINDS}; "
            "found: min_ects, achievement",
        ),
        (
            {},
            f"rules.all_of[2]: must be one rule: an object with exactly one of {KINDS}; "
            "found: none",
        ),
    ],
)
def test_each_problem_names_its_path(rule: Any, message: str) -> None:
    assert problems(in_group(rule)) == [message]


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"rules": {"all_of": [{"min_ects": 0}, {"within": "P"}]}, "extra": 1})
    assert found == [
        "(the file): unknown key(s) extra; allowed: name, rules",
        "rules.all_of[0].min_ects: must be a positive number",
        "rules.all_of[1].within: must be an ISO 8601 duration in years, months, weeks or days "
        "(e.g. P2Y, P18M)",
    ]


def test_a_file_without_rules_and_bad_text() -> None:
    assert problems({"name": "x"}) == ["(the file): rules is a required property"]
    with pytest.raises(SpecValidationError, match="rules file: not YAML or JSON"):
        parse_rules("rules: [unclosed")


def test_yaml_and_json_files_parse_and_round_trip() -> None:
    text = """
name: Data steward
rules:
  all_of:
    - n_of: {n: 2, items: [{achievement: a}, {achievement: b}, {achievement: c}]}
    - min_ects: 7.5
    - min_eqf_level: 6
    - within: P1Y6M
    - min_grade: {value: B, scale: [C, B, A]}
    - skills: ["http://data.europa.eu/esco/skill/abc"]
    - any_of: [{achievement: d}, {min_grade: 60}]
"""
    ruleset = parse_rules(text)
    assert ruleset.name == "Data steward"
    assert ruleset.rules.children[0].n == 2
    assert ruleset.rules.children[3].value == Duration(years=1, months=6, text="P1Y6M")
    again = load_rules(ruleset_to_data(ruleset))
    assert again == ruleset
    assert parse_rules('{"rules": {"achievement": "a"}}').rules.path == "rules.achievement"


def test_the_schema_is_shipped_with_the_package() -> None:
    schema = rules_schema()
    assert schema["$id"] == "https://w3id.org/microcred/stacking/rules.schema.json"
    assert set(schema["$defs"]["rule"]["properties"]) == set(KINDS.split(", "))
