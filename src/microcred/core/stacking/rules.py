"""The stacking rule language, as data (issue 5, "Stacking and recognition").

A rules file is ``{"name": ..., "rules": RULE}`` in JSON or YAML; a RULE is an object with
exactly one key naming its kind:

- ``achievement: ID`` -- a credential of that achievement (its ``achievement.id`` IRI, a
  catalogue slug, or an achievement it is recognised as);
- ``all_of: [RULE...]``, ``any_of: [RULE...]``, ``n_of: {n: N, items: [RULE...]}`` -- groups;
- conditions on the credentials selected by the group they sit in (see
  :mod:`microcred.core.stacking.evaluate`): ``min_ects: 5``, ``min_eqf_level: 6``,
  ``skills: [IRI...]`` (learning outcomes / ESCO skills covered), ``within: P2Y`` (all obtained
  within that duration), ``min_grade: 60`` or ``min_grade: {value: B, scale: [C, B, A]}``.

The shape is checked against the JSON Schema shipped beside this module
(``rules.schema.json``); every error names its JSON path (``rules.all_of[2].min_ects: must be a
positive number``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from microcred.core.safe_yaml import load_strict, yaml_problem
from microcred.errors import SpecValidationError

MAX_RULES_BYTES = 256 * 1024
"""The largest rules file read (a pathway's rules are a few hundred bytes)."""
GROUP_KINDS = ("all_of", "any_of", "n_of")
SELECTOR_KINDS = (*GROUP_KINDS, "achievement")
CONDITION_KINDS = ("min_ects", "min_eqf_level", "skills", "within", "min_grade")
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 calendar duration in years, months, weeks and days (``P1Y6M``)."""

    years: int = 0
    months: int = 0
    days: int = 0
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match(text)
        if not match or text == "P":
            raise ValueError(f"{text!r} is not an ISO 8601 duration such as P2Y")
        y, m, w, d = (int(g) if g else 0 for g in match.groups())
        return cls(years=y, months=m, days=7 * w + d, text=text)


@dataclass(frozen=True)
class GradeScale:
    """A minimum grade: a number, or a value on an ordered scale (lowest first)."""

    minimum: Decimal | str
    scale: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One node of the rule tree: ``kind``, its ``path`` in the file, and its parameter.

    ``children`` for groups; ``n`` for ``n_of``; ``value`` for the rest (an achievement id, a
    Decimal of ECTS, an EQF level, a tuple of IRIs, a :class:`Duration`, a :class:`GradeScale`).
    """

    kind: str
    path: str
    children: tuple[Rule, ...] = ()
    n: int = 0
    value: Any = None

    @property
    def is_selector(self) -> bool:
        return self.kind in SELECTOR_KINDS


@dataclass(frozen=True)
class RuleSet:
    """A validated rules file."""

    rules: Rule
    name: str | None = None


@cache
def rules_schema() -> dict[str, Any]:
    """The JSON Schema of a rules file (shipped as ``rules.schema.json``)."""
    text = resources.files("microcred.core.stacking").joinpath("rules.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(rules_schema())


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the file)"


def _message(error: ValidationError) -> str:
    """A plain message for one schema error, from the failing schema's ``x-message``."""
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        return f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(allowed)}"
    if error.validator == "required":
        return str(error.message).replace("'", "")
    return str(error.schema.get("x-message") or error.message)


def _schema_problems(data: Any) -> list[str]:
    problems = []
    seen: set[str] = set()
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        # a bad key inside a rule also breaks the rule's key count: report the precise one
        if error.validator in ("minProperties", "maxProperties") and isinstance(
            error.instance, Mapping
        ):
            keys = ", ".join(map(str, error.instance)) or "none"
            text = f"{_path(error.path)}: {error.schema['x-message']}; found: {keys}"
        else:
            text = f"{_path(error.path)}: {_message(error)}"
        if text not in seen:
            seen.add(text)
            problems.append(text)
    return problems


def _build(node: Mapping[str, Any], path: str, problems: list[str]) -> Rule:
    ((kind, value),) = node.items()
    here = f"{path}.{kind}"
    if kind in ("all_of", "any_of"):
        children = tuple(_build(c, f"{here}[{i}]", problems) for i, c in enumerate(value))
        return Rule(kind, here, children=children)
    if kind == "n_of":
        items = value["items"]
        children = tuple(_build(c, f"{here}.items[{i}]", problems) for i, c in enumerate(items))
        if value["n"] > len(items):
            problems.append(f"{here}.n: {value['n']} is more than the {len(items)} items")
        return Rule(kind, here, children=children, n=value["n"])
    if kind == "min_ects":
        return Rule(kind, here, value=Decimal(str(value)))
    if kind == "skills":
        return Rule(kind, here, value=tuple(value))
    if kind == "within":
        return Rule(kind, here, value=Duration.parse(value))
    if kind == "min_grade":
        if isinstance(value, Mapping):
            scale = tuple(value["scale"])
            if value["value"] not in scale:
                problems.append(
                    f"{here}.value: {value['value']!r} is not on the scale {', '.join(scale)}"
                )
            return Rule(kind, here, value=GradeScale(value["value"], scale))
        return Rule(kind, here, value=GradeScale(Decimal(str(value))))
    return Rule(kind, here, value=value)


def load_rules(data: Any) -> RuleSet:
    """A validated :class:`RuleSet` from parsed JSON/YAML; SpecValidationError lists every
    problem with its JSON path."""
    problems = _schema_problems(data)
    if problems:
        raise SpecValidationError(problems)
    rules = _build(data["rules"], "rules", problems)
    if problems:
        raise SpecValidationError(problems)
    return RuleSet(rules=rules, name=data.get("name"))


def rules_data(text: str | bytes) -> Any:
    """The parsed data of a rules file in YAML or JSON (JSON is YAML), not yet validated;
    SpecValidationError when it is neither, is larger than MAX_RULES_BYTES, or uses YAML
    aliases (no "billion laughs" expansion, see :mod:`microcred.core.safe_yaml`)."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_RULES_BYTES:
        raise SpecValidationError([f"rules file: larger than {MAX_RULES_BYTES:,} bytes"])
    try:
        return load_strict(text)
    except (yaml.YAMLError, RecursionError) as exc:
        raise SpecValidationError([f"rules file: not YAML or JSON ({yaml_problem(exc)})"]) from exc


def parse_rules(text: str | bytes) -> RuleSet:
    """A rules file in YAML or JSON (JSON is YAML); SpecValidationError on any problem."""
    return load_rules(rules_data(text))


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """The rule back in its file form (for storing a pathway's rules)."""
    if rule.kind in ("all_of", "any_of"):
        return {rule.kind: [rule_to_data(c) for c in rule.children]}
    if rule.kind == "n_of":
        return {"n_of": {"n": rule.n, "items": [rule_to_data(c) for c in rule.children]}}
    if rule.kind == "min_ects":
        number = rule.value
        return {"min_ects": int(number) if number == int(number) else float(number)}
    if rule.kind == "skills":
        return {"skills": list(rule.value)}
    if rule.kind == "within":
        return {"within": rule.value.text}
    if rule.kind == "min_grade":
        grade: GradeScale = rule.value
        if grade.scale:
            return {"min_grade": {"value": grade.minimum, "scale": list(grade.scale)}}
        minimum = Decimal(grade.minimum)
        return {"min_grade": int(minimum) if minimum == int(minimum) else float(minimum)}
    return {rule.kind: rule.value}


def ruleset_to_data(ruleset: RuleSet) -> dict[str, Any]:
    """The whole file form of a :class:`RuleSet`."""
    return {
        **({"name": ruleset.name} if ruleset.name else {}),
        "rules": rule_to_data(ruleset.rules),
    }
