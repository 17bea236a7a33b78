"""Evaluating stacking rules over a learner's verified credentials, with an explanation.

Semantics (issue 5, "Stacking and recognition"):

- only verified credentials count; the others are listed as ignored;
- ``achievement`` is met by a credential of that achievement (or recognised as it); when
  several are, the earliest (then the smallest credential id) is used, so results are stable;
- a group (``all_of``, ``any_of``, ``n_of``) first evaluates its selecting children
  (achievements and groups); the credentials they use are the group's *selection*, and its
  conditions (``min_ects``, ``min_eqf_level``, ``skills``, ``within``, ``min_grade``) are
  judged over that selection. A group with no selecting child judges its conditions over every
  counted credential; there ``min_ects`` sums them all, and the others must hold for each;
- ``all_of`` needs every child, ``any_of`` one, ``n_of`` at least ``n``.

Each node of the result says whether it is met, by which credentials, what is missing
("2 more ECTS", "one of: A, B") and the progress as a fraction from 0 to 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from microcred.core.stacking.evidence import CredentialEvidence
from microcred.core.stacking.rules import Duration, GradeScale, Rule, RuleSet


@dataclass(frozen=True)
class Explanation:
    """The outcome of one rule: met or not, the credentials used, what is missing, progress."""

    kind: str
    path: str
    met: bool
    summary: str
    credentials: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    progress: float = 0.0
    children: tuple[Explanation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.kind,
            "path": self.path,
            "met": self.met,
            "summary": self.summary,
            "credentials": list(self.credentials),
            "missing": list(self.missing),
            "progress": self.progress,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True)
class Evaluation:
    """The result for a learner: the explanation tree and the credentials set aside."""

    tree: Explanation
    ignored: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        return self.tree.met

    @property
    def progress(self) -> float:
        return self.tree.progress

    @property
    def used(self) -> tuple[str, ...]:
        """The credentials the rules were met (or partly met) with: the stacked parts."""
        return self.tree.credentials

    def to_dict(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "progress": self.progress,
            "used": list(self.used),
            "ignored": list(self.ignored),
            "tree": self.tree.to_dict(),
        }


def _order(item: CredentialEvidence) -> tuple[datetime | str, str]:
    return (item.awarded.isoformat() if item.awarded else "~", item.credential_id)


def evaluate(ruleset: RuleSet, holdings: Iterable[CredentialEvidence]) -> Evaluation:
    """Evaluate ``ruleset`` over ``holdings``; deterministic for a given set of holdings."""
    items = sorted(holdings, key=_order)
    pool = tuple(i for i in items if i.verified)
    ignored = tuple(i.credential_id for i in items if not i.verified)
    return Evaluation(_evaluate(ruleset.rules, pool, pool), ignored)


def _name(item: CredentialEvidence) -> str:
    return f"{item.title} ({item.credential_id})" if item.title else item.credential_id


def _fraction(done: float, total: float) -> float:
    return round(min(1.0, done / total), 3) if total > 0 else 1.0


def _evaluate(
    rule: Rule, pool: Sequence[CredentialEvidence], selection: Sequence[CredentialEvidence]
) -> Explanation:
    if rule.kind in ("all_of", "any_of", "n_of"):
        return _group(rule, pool)
    if rule.kind == "achievement":
        return _achievement(rule, pool)
    check = _CONDITIONS[rule.kind]
    return check(rule, selection)


def _group(rule: Rule, pool: Sequence[CredentialEvidence]) -> Explanation:
    selectors = {c.path: _evaluate(c, pool, pool) for c in rule.children if c.is_selector}
    chosen: set[str] = set()
    for result in selectors.values():
        if result.met or rule.kind == "all_of":
            chosen.update(result.credentials)
    selection = [i for i in pool if i.credential_id in chosen] if selectors else list(pool)
    children = tuple(selectors.get(c.path) or _evaluate(c, pool, selection) for c in rule.children)
    met_count = sum(c.met for c in children)
    if rule.kind == "all_of":
        met = met_count == len(children)
        progress = sum(c.progress for c in children) / len(children)
        need = len(children)
    elif rule.kind == "any_of":
        met = met_count >= 1
        progress = max(c.progress for c in children)
        need = 1
    else:
        met = met_count >= rule.n
        progress = sum(sorted((c.progress for c in children), reverse=True)[: rule.n]) / rule.n
        need = rule.n
    used: list[str] = []
    for child in children:
        if child.met or rule.kind == "all_of":
            used += [c for c in child.credentials if c not in used]
    missing: tuple[str, ...] = ()
    if not met:
        unmet = [c for c in children if not c.met]
        if rule.kind == "all_of":
            missing = tuple(m for c in unmet for m in c.missing)
        else:
            options = "; ".join(m for c in unmet for m in c.missing[:1])
            missing = (f"{need - met_count} more of: {options}",)
    label = {"all_of": "all of", "any_of": "any of", "n_of": f"{rule.n} of"}[rule.kind]
    summary = f"{label} {len(children)} rules: {met_count} met" + ("" if met else ", not yet")
    return Explanation(
        rule.kind,
        rule.path,
        met,
        summary,
        tuple(used),
        missing,
        1.0 if met else round(min(progress, 0.999), 3),
        children,
    )


def _achievement(rule: Rule, pool: Sequence[CredentialEvidence]) -> Explanation:
    wanted = str(rule.value)
    found = next((i for i in pool if i.counts_as(wanted)), None)
    if found is None:
        return Explanation(
            rule.kind,
            rule.path,
            False,
            f"achievement {wanted}: no verified credential",
            missing=(f"a credential of {wanted}",),
        )
    how = "" if found.achievement_id == wanted else " (recognised)"
    return Explanation(
        rule.kind,
        rule.path,
        True,
        f"achievement {wanted}: met by {_name(found)}{how}",
        (found.credential_id,),
        progress=1.0,
    )


def _ids(items: Iterable[CredentialEvidence]) -> tuple[str, ...]:
    return tuple(i.credential_id for i in items)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _min_ects(rule: Rule, selection: Sequence[CredentialEvidence]) -> Explanation:
    minimum: Decimal = rule.value
    counted = [i for i in selection if i.ects is not None]
    total = sum((i.ects for i in counted if i.ects is not None), Decimal(0))
    met = total >= minimum
    return Explanation(
        rule.kind,
        rule.path,
        met,
        f"at least {_number(minimum)} ECTS: {_number(total)} ECTS",
        _ids(counted),
        () if met else (f"{_number(minimum - total)} more ECTS",),
        _fraction(float(total), float(minimum)),
    )


def _each(
    rule: Rule,
    selection: Sequence[CredentialEvidence],
    what: str,
    problem: Any,
) -> Explanation:
    """A condition each selected credential must meet; ``problem(item)`` says why one does not."""
    if not selection:
        return Explanation(
            rule.kind, rule.path, False, f"{what}: no credential to judge", missing=(what,)
        )
    problems = [(i, p) for i in selection if (p := problem(i))]
    met = not problems
    return Explanation(
        rule.kind,
        rule.path,
        met,
        f"{what}: " + ("met by every credential" if met else f"{len(problems)} fall short"),
        _ids(i for i in selection if i not in {p[0] for p in problems}),
        tuple(f"{_name(i)}: {p}" for i, p in problems),
        _fraction(len(selection) - len(problems), len(selection)),
    )


def _min_eqf(rule: Rule, selection: Sequence[CredentialEvidence]) -> Explanation:
    level: int = rule.value

    def problem(item: CredentialEvidence) -> str | None:
        if item.eqf is None:
            return f"no EQF level (EQF {level} or higher needed)"
        return None if item.eqf >= level else f"EQF {item.eqf} is below {level}"

    return _each(rule, selection, f"EQF level {level} or higher", problem)


def _grade_rank(grade: str | None, scale: GradeScale) -> Decimal | None:
    if grade is None:
        return None
    if scale.scale:
        return Decimal(scale.scale.index(grade)) if grade in scale.scale else None
    try:
        return Decimal(grade.strip().rstrip("%").strip())
    except InvalidOperation:
        return None


def _min_grade(rule: Rule, selection: Sequence[CredentialEvidence]) -> Explanation:
    scale: GradeScale = rule.value
    minimum = _grade_rank(str(scale.minimum), scale)

    def problem(item: CredentialEvidence) -> str | None:
        rank = _grade_rank(item.grade, scale)
        if rank is None:
            return f"grade {item.grade!r} cannot be compared" if item.grade else "no grade"
        return None if minimum is None or rank >= minimum else f"grade {item.grade} is too low"

    return _each(rule, selection, f"grade {scale.minimum} or better", problem)


def _skills(rule: Rule, selection: Sequence[CredentialEvidence]) -> Explanation:
    wanted: tuple[str, ...] = rule.value
    covered = {s for s in wanted if any(s in i.skills for i in selection)}
    missing = tuple(f"skill or outcome {s}" for s in wanted if s not in covered)
    return Explanation(
        rule.kind,
        rule.path,
        not missing,
        f"skills covered: {len(covered)} of {len(wanted)}",
        _ids(i for i in selection if i.skills & covered),
        missing,
        _fraction(len(covered), len(wanted)),
    )


def add_duration(start: datetime, duration: Duration) -> datetime:
    """``start`` plus a calendar duration (the day is clamped at the end of a short month)."""
    months = start.month - 1 + duration.months + 12 * duration.years
    year, month = start.year + months // 12, months % 12 + 1
    day = start.day
    while True:
        try:
            moved = start.replace(year=year, month=month, day=day)
            break
        except ValueError:
            day -= 1
    return moved + timedelta(days=duration.days)


def _within(rule: Rule, selection: Sequence[CredentialEvidence]) -> Explanation:
    duration: Duration = rule.value
    what = f"all obtained within {duration.text}"
    if not selection:
        return Explanation(rule.kind, rule.path, False, f"{what}: no credential", missing=(what,))
    undated = [i for i in selection if i.awarded is None]
    if undated:
        return Explanation(
            rule.kind,
            rule.path,
            False,
            f"{what}: issuing date unknown",
            missing=tuple(f"{_name(i)}: no issuing date" for i in undated),
        )
    dates = sorted(i.awarded for i in selection if i.awarded is not None)
    first, last = dates[0], dates[-1]
    met = last <= add_duration(first, duration)
    span = (last - first).days
    return Explanation(
        rule.kind,
        rule.path,
        met,
        f"{what}: the parts span {span} days",
        _ids(selection),
        () if met else (f"parts obtained within {duration.text} (they span {span} days)",),
        1.0 if met else 0.0,
    )


_CONDITIONS = {
    "min_ects": _min_ects,
    "min_eqf_level": _min_eqf,
    "min_grade": _min_grade,
    "skills": _skills,
    "within": _within,
}


def render_text(evaluation: Evaluation) -> str:
    """The explanation tree in plain words, one rule per line, indented."""
    head = "MET" if evaluation.met else f"NOT MET ({round(evaluation.progress * 100)}% done)"
    lines = [head]

    def walk(node: Explanation, depth: int) -> None:
        mark = "✔" if node.met else "✘"
        lines.append(f"{'  ' * depth}{mark} {node.summary}")
        for missing in node.missing if not node.children else ():
            lines.append(f"{'  ' * (depth + 1)}missing: {missing}")
        for child in node.children:
            walk(child, depth + 1)

    walk(evaluation.tree, 1)
    if evaluation.ignored:
        lines.append("  ignored (not verified): " + ", ".join(evaluation.ignored))
    return "\n".join(lines)
