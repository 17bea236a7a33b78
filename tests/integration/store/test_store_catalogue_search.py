"""Search columns extracted from micro-credential descriptions (Annex I elements)."""

from __future__ import annotations

import json

from store_builders import DESCRIPTIONS

from microcred.store.catalogue_search import norm_participation, search_columns

ONLINE = "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"


def test_columns_of_a_full_description() -> None:
    description = json.loads((DESCRIPTIONS / "fondamentaux-cybersecurite.json").read_text())
    columns = search_columns(description)
    assert (columns.eqf_level, columns.ects) == (5, 3.0)
    assert "fondamentaux de la cybersécurité" in columns.text
    assert "raise the alarm" in columns.text  # English learning outcome
    assert "hcéres" not in columns.text  # quality assurance is not searched
    assert ("language", "fr") in columns.facets
    assert (
        "esco_skill",
        "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d",
    ) in columns.facets
    assert {value for kind, value in columns.facets if kind == "participation"} == {
        norm_participation("blended")
    }


def test_short_forms_and_missing_elements() -> None:
    columns = search_columns(
        {
            "title": "Plain Title",
            "eqf": "http://data.europa.eu/snb/eqf/7",
            "ects": "2.5",
            "participation": "Online",
            "esco_skills": ["http://data.europa.eu/esco/skill/x", {"iri": "http://e/y"}],
        }
    )
    assert columns.text == "plain title"
    assert (columns.eqf_level, columns.ects) == (7, 2.5)
    assert columns.facets == {
        ("participation", ONLINE),
        ("esco_skill", "http://data.europa.eu/esco/skill/x"),
        ("esco_skill", "http://e/y"),
    }
    empty = search_columns({"title": {"en": "T"}, "level": {"eqf": "nine"}, "workload": {}})
    assert (empty.eqf_level, empty.ects, empty.facets) == (None, None, {("language", "en")})
    assert norm_participation("something else") == "something else"
