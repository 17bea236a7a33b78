"""Evaluating stacking rules: every rule kind, nesting, the time window, grades, recognised
equivalents, and unverified credentials never counting; the explanation says what is missing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from microcred.core.stacking.evaluate import add_duration, evaluate, render_text
from microcred.core.stacking.evidence import CredentialEvidence
from microcred.core.stacking.rules import Duration, load_rules

SKILL = "http://data.europa.eu/esco/skill/"


def held(
    ident: str,
    achievement: str,
    *,
    ects: str | None = "2",
    eqf: int | None = 6,
    on: str = "2026-01-10",
    grade: str | None = None,
    skills: tuple[str, ...] = (),
    verified: bool = True,
    recognised_as: tuple[str, ...] = (),
) -> CredentialEvidence:
    return CredentialEvidence(
        credential_id=ident,
        issuer="did:web:issuer.example",
        achievement_id=achievement,
        title=achievement.title(),
        ects=Decimal(ects) if ects else None,
        eqf=eqf,
        skills=frozenset(SKILL + s for s in skills),
        awarded=datetime.fromisoformat(on).replace(tzinfo=UTC),
        grade=grade,
        verified=verified,
        recognised_as=frozenset(recognised_as),
    )


def run(rules: Any, *items: CredentialEvidence) -> Any:
    return evaluate(load_rules({"rules": rules}), items)


def test_achievement_met_by_the_earliest_matching_credential() -> None:
    result = run({"achievement": "a"}, held("c2", "a", on="2026-02-01"), held("c1", "a"))
    assert result.met and result.used == ("c1",)
    assert result.tree.summary == "achievement a: met by A (c1)"


def test_achievement_recognised_as_an_equivalent() -> None:
    result = run({"achievement": "mine"}, held("ext", "theirs", recognised_as=("mine",)))
    assert result.met and result.tree.summary.endswith("(recognised)")


def test_unverified_credentials_never_count() -> None:
    result = run({"achievement": "a"}, held("c1", "a", verified=False))
    assert not result.met
    assert result.ignored == ("c1",)
    assert result.tree.missing == ("a credential of a",)


def test_all_of_with_min_ects_over_the_selected_parts() -> None:
    rules = {"all_of": [{"achievement": "a"}, {"achievement": "b"}, {"min_ects": 5}]}
    one = run(rules, held("c1", "a"), held("other", "z", ects="30"))
    assert not one.met
    assert one.tree.missing == ("a credential of b", "3 more ECTS")
    assert one.progress == round((1 + 0 + 0.4) / 3, 3)
    both = run(rules, held("c1", "a"), held("c2", "b", ects="3.5"))
    assert both.met and both.progress == 1.0 and both.used == ("c1", "c2")


def test_any_of_and_n_of() -> None:
    any_rules = {"any_of": [{"achievement": "a"}, {"achievement": "b"}]}
    assert run(any_rules, held("c2", "b")).met
    missing = run(any_rules).tree.missing
    assert missing == ("1 more of: a credential of a; a credential of b",)
    n_rules = {"n_of": {"n": 2, "items": [{"achievement": x} for x in "abc"]}}
    one = run(n_rules, held("c1", "c"))
    assert not one.met and one.progress == 0.5
    assert one.tree.missing == ("1 more of: a credential of a; a credential of b",)
    two = run(n_rules, held("c1", "c"), held("c2", "a"))
    assert two.met and set(two.used) == {"c1", "c2"}


def test_nested_groups() -> None:
    rules = {
        "all_of": [
            {"achievement": "core"},
            {
                "any_of": [
                    {"achievement": "x"},
                    {"all_of": [{"achievement": "y"}, {"achievement": "z"}]},
                ]
            },
        ]
    }
    assert not run(rules, held("1", "core"), held("2", "y")).met
    result = run(rules, held("1", "core"), held("2", "y"), held("3", "z"))
    assert result.met and result.used == ("1", "2", "3")


def test_min_eqf_level_each_selected_part() -> None:
    rules = {"all_of": [{"achievement": "a"}, {"achievement": "b"}, {"min_eqf_level": 6}]}
    low = run(rules, held("c1", "a"), held("c2", "b", eqf=5))
    assert not low.met
    assert low.tree.missing == ("B (c2): EQF 5 is below 6",)
    unknown = run(rules, held("c1", "a"), held("c2", "b", eqf=None))
    assert unknown.tree.missing == ("B (c2): no EQF level (EQF 6 or higher needed)",)
    assert run(rules, held("c1", "a", eqf=7), held("c2", "b")).met


def test_conditions_without_selectors_judge_every_counted_credential() -> None:
    rules = {"all_of": [{"min_ects": 3}, {"min_eqf_level": 5}]}
    assert run(rules, held("c1", "a"), held("c2", "b")).met
    empty = run({"min_eqf_level": 5})
    assert not empty.met and empty.tree.missing == ("EQF level 5 or higher",)


def test_skills_covered() -> None:
    rules = {
        "all_of": [
            {"achievement": "a"},
            {"achievement": "b"},
            {"skills": [SKILL + "s1", SKILL + "s2"]},
        ]
    }
    part = run(rules, held("c1", "a", skills=("s1",)), held("c2", "b"))
    assert not part.met
    assert part.tree.missing == (f"skill or outcome {SKILL}s2",)
    assert run(rules, held("c1", "a", skills=("s1",)), held("c2", "b", skills=("s2",))).met


def test_within_a_time_window() -> None:
    rules = {"all_of": [{"achievement": "a"}, {"achievement": "b"}, {"within": "P1Y"}]}
    inside = run(rules, held("c1", "a", on="2025-02-28"), held("c2", "b", on="2026-02-28"))
    assert inside.met
    outside = run(rules, held("c1", "a", on="2025-02-28"), held("c2", "b", on="2026-03-01"))
    assert not outside.met
    assert outside.tree.missing == ("parts obtained within P1Y (they span 366 days)",)


def test_add_duration_clamps_the_day() -> None:
    start = datetime(2024, 1, 31, tzinfo=UTC)
    assert add_duration(start, Duration(months=1)) == datetime(2024, 2, 29, tzinfo=UTC)
    assert add_duration(start, Duration(years=1, days=14)) == datetime(2025, 2, 14, tzinfo=UTC)


def test_min_grade_numeric_and_on_a_scale() -> None:
    numeric = {"all_of": [{"achievement": "a"}, {"min_grade": 60}]}
    assert run(numeric, held("c1", "a", grade="72%")).met
    low = run(numeric, held("c1", "a", grade="55"))
    assert low.tree.missing == ("A (c1): grade 55 is too low",)
    none = run(numeric, held("c1", "a"))
    assert none.tree.missing == ("A (c1): no grade",)
    scale = {
        "all_of": [{"achievement": "a"}, {"min_grade": {"value": "B", "scale": ["C", "B", "A"]}}]
    }
    assert run(scale, held("c1", "a", grade="A")).met
    assert not run(scale, held("c1", "a", grade="C")).met
    odd = run(scale, held("c1", "a", grade="Pass"))
    assert odd.tree.missing == ("A (c1): grade 'Pass' cannot be compared",)


def test_results_are_deterministic_and_explained() -> None:
    rules = {"all_of": [{"achievement": "a"}, {"achievement": "b"}, {"min_ects": 5}]}
    items = [
        held("c2", "a", on="2026-01-10"),
        held("c1", "a", on="2026-01-10"),
        held("x", "q", verified=False),
    ]
    first = run(rules, *items)
    assert first == run(rules, *reversed(items))
    assert first.used == ("c1",)
    text = render_text(first)
    assert text.splitlines()[0] == "NOT MET (47% done)"
    assert "    ✘ achievement b: no verified credential" in text
    assert "      missing: 3 more ECTS" in text
    assert text.endswith("ignored (not verified): x")
    data = first.to_dict()
    assert data["tree"]["children"][0]["credentials"] == ["c1"]
