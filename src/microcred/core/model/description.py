"""The human-written micro-credential description (YAML or JSON) <-> :class:`MicroCredential`.

One key per Annex I element (Council Recommendation 2022/C 243/02, Annex I), controlled values
as short aliases or IRIs (:mod:`microcred.core.model.vocabularies`), multilingual text as a
string (in ``default_language``, ``en`` unless given) or a map of language -> text::

    id: data-protection-by-design
    title: {en: Data Protection by Design, fr: Protection des données dès la conception}
    issuer_country: IE
    awarding_bodies: [{legal_name: University of Galway, country: IE, url: https://…}]
    learning_outcomes: [{text: "Apply …", esco: [http://data.europa.eu/esco/skill/…]}]
    workload: {ects: 5, hours: 125}      # or top-level ects: / hours:
    level: {eqf: 6}                      # or top-level eqf: 6
    assessment: [exam, portfolio]
    participation: online
    quality_assurance: [{type: institutional-qa, url: https://…}]

Loading reports ALL problems at once in :class:`~microcred.errors.SpecValidationError`.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

import yaml

from microcred.core.model.language import LanguageMap
from microcred.core.model.learner import Learner
from microcred.core.model.microcredential import (
    EscoSkill,
    GradingScheme,
    Identifier,
    LearningOutcome,
    Level,
    MicroCredential,
    Organisation,
    QualityAssurance,
    Stackability,
    StackTarget,
    Workload,
)
from microcred.core.model.validation import validate_learner, validate_micro_credential
from microcred.core.model.vocabularies import (
    ASSESSMENT_MODES,
    ASSESSMENT_TYPES,
    EQF_LEVELS,
    LEARNING_SETTINGS,
    PARTICIPATION_FORMS,
    QF_EHEA_CYCLES,
    QUALITY_ASSURANCE_TYPES,
    STACKABILITY,
    SUPERVISION,
    Vocabulary,
)
from microcred.core.safe_yaml import load_strict, yaml_problem
from microcred.errors import DocumentParseError, SpecValidationError

__all__ = [
    "MAX_DESCRIPTION_BYTES",
    "description_to_dict",
    "learner_to_dict",
    "load_description",
    "load_learner",
    "parse_description",
]

MAX_DESCRIPTION_BYTES = 1_000_000

T = TypeVar("T")

_KEYS = (
    "id", "version", "default_language", "title", "description", "criteria", "issuer_country",
    "issuer_region", "awarding_bodies", "learning_outcomes", "workload", "level", "assessment",
    "assessment_mode", "participation", "learning_setting", "supervision", "quality_assurance",
    "prerequisites", "grading", "stackability", "further_information", "image", "languages",
    "esco_skills", "tags", "validity",
)  # fmt: skip
_SHORTCUTS = {"ects": "workload", "hours": "workload", "eqf": "level", "nqf": "level"}
_LEARNER_KEYS = ("name", "given_name", "family_name", "email", "did", "url", "institutional_id")


def _parse_text(text: str, source_format: Literal["yaml", "json"] | None) -> object:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_DESCRIPTION_BYTES:
        raise DocumentParseError(f"description: larger than {MAX_DESCRIPTION_BYTES} bytes")
    if source_format is None:
        source_format = "json" if text.lstrip().startswith("{") else "yaml"
    if source_format == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentParseError(
                f"description: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from exc
        except RecursionError as exc:
            raise DocumentParseError("description: JSON nested too deeply") from exc
    try:
        return load_strict(text)
    except (yaml.YAMLError, RecursionError) as exc:
        raise DocumentParseError(f"description: {yaml_problem(exc)}") from exc


class _Reader:
    """Turns loosely typed data into model values, recording a problem per bad value."""

    def __init__(self, default_language: str) -> None:
        self.lang = default_language
        self.problems: list[str] = []

    def bad(self, element: str, message: str) -> None:
        self.problems.append(f"{element}: {message}")

    def str_(self, element: str, value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.bad(element, f"must be text, not {type(value).__name__}")
            return None
        return value if isinstance(value, str) else str(value)

    def list_(self, element: str, value: object) -> list[object]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, str | Mapping | int | float) and not isinstance(value, bool):
            return [value]
        self.bad(element, f"must be a list, not {type(value).__name__}")
        return []

    def strs(self, element: str, value: object) -> tuple[str, ...]:
        out = (self.str_(element, item) for item in self.list_(element, value))
        return tuple(s for s in out if s is not None)

    def map_(self, element: str, value: object) -> Mapping[str, object]:
        if isinstance(value, Mapping):
            return value
        self.bad(element, f"must be a mapping of keys to values, not {type(value).__name__}")
        return {}

    def text(self, element: str, value: object) -> LanguageMap | None:
        if value is None:
            return None
        if isinstance(value, str):
            return LanguageMap({self.lang: value})
        if isinstance(value, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return LanguageMap(value)
        self.bad(element, "must be text or a map of language -> text")
        return None

    def number(self, element: str, what: str, value: object) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.bad(element, f"{what} must be a number")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.bad(element, f"{what} must be a finite number")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.bad(element, f"{what} must be a number, not {str(value)[:40]!r}")
            return None
        if not number.is_finite():
            self.bad(element, f"{what} must be a finite number")
            return None
        return number

    def concept(self, element: str, vocabulary: Vocabulary, value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        try:
            return vocabulary.resolve(value)
        except ValueError as exc:
            self.bad(element, str(exc))
            return None

    def concepts(self, element: str, vocabulary: Vocabulary, value: object) -> tuple[str, ...]:
        out = (self.concept(element, vocabulary, v) for v in self.list_(element, value))
        return tuple(iri for iri in out if iri is not None)

    def keys(self, element: str, data: Mapping[str, object], allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                tip = f"; did you mean {hint[0]!r}?" if hint else f"; allowed: {', '.join(allowed)}"
                if element:
                    self.bad(element, f"{str(key)[:60]!r} is not a known element{tip}")
                else:
                    self.bad(str(key)[:60], f"not a known element{tip}")

    def organisation(self, element: str, value: object) -> Organisation | None:
        data = self.map_(element, value) if not isinstance(value, str) else {"legal_name": value}
        if not data:
            return None
        self.keys(element, data, ("legal_name", "name", "country", "url", "did", "identifiers",
                                  "email"))  # fmt: skip
        ids: list[Identifier] = []
        raw_ids = data.get("identifiers")
        items = raw_ids.items() if isinstance(raw_ids, Mapping) else None
        if items is None:
            for item in self.list_(f"{element}: identifiers", raw_ids):
                entry = self.map_(f"{element}: identifiers", item)
                scheme = self.str_(f"{element}: identifiers", entry.get("scheme"))
                ident = self.str_(f"{element}: identifiers", entry.get("value"))
                if scheme is not None and ident is not None:
                    ids.append(Identifier(ident, scheme))
                elif entry:
                    self.bad(element, "an identifier needs a scheme and a value")
        else:
            for scheme, ident in items:
                text = self.str_(f"{element}: identifiers", ident)
                if text is not None:
                    ids.append(Identifier(text, str(scheme)))
        name = data.get("legal_name", data.get("name"))
        return Organisation(
            legal_name=self.text(f"{element}: legal name", name) or LanguageMap(),
            country=(self.str_(element, data.get("country")) or "").strip(),
            url=self.str_(element, data.get("url")),
            did=self.str_(element, data.get("did")),
            identifiers=tuple(ids),
            email=self.str_(element, data.get("email")),
        )

    def esco(self, element: str, value: object) -> tuple[EscoSkill, ...]:
        skills = []
        for item in self.list_(element, value):
            if isinstance(item, Mapping):
                iri = self.str_(element, item.get("iri", item.get("id")))
                if iri is None:
                    self.bad(element, "an ESCO skill needs an 'iri'")
                    continue
                skills.append(EscoSkill(iri, self.text(f"{element}: label", item.get("label"))))
            else:
                iri = self.str_(element, item)
                if iri is not None:
                    skills.append(EscoSkill(iri))
        return tuple(skills)

    def outcomes(self, value: object) -> tuple[LearningOutcome, ...]:
        outcomes = []
        for n, item in enumerate(self.list_("learning outcomes", value), 1):
            element = f"learning outcome {n}"
            if isinstance(item, Mapping) and "text" in item:
                self.keys(element, item, ("text", "esco"))
                text = self.text(element, item.get("text"))
                skills = self.esco(element, item.get("esco"))
            else:
                text, skills = self.text(element, item), ()
            outcomes.append(LearningOutcome(text or LanguageMap(), skills))
        return tuple(outcomes)

    def quality_assurance(self, value: object) -> tuple[QualityAssurance, ...]:
        out = []
        for n, item in enumerate(self.list_("quality assurance", value), 1):
            element = f"quality assurance {n}"
            data = {"type": item} if isinstance(item, str) else self.map_(element, item)
            if not data:
                continue
            self.keys(element, data, ("type", "accrediting_body", "description", "url"))
            qa_type = self.concept(element, QUALITY_ASSURANCE_TYPES, data.get("type"))
            if qa_type is None and data.get("type") is None:
                self.bad(element, "a type of quality assurance is required")
            body = data.get("accrediting_body")
            out.append(
                QualityAssurance(
                    type=qa_type or "",
                    accrediting_body=None
                    if body is None
                    else self.organisation(f"{element}: accrediting body", body),
                    description=self.text(f"{element}: description", data.get("description")),
                    url=self.str_(element, data.get("url")),
                )
            )
        return tuple(out)

    def grading(self, value: object) -> GradingScheme | None:
        if value is None:
            return None
        data = {"title": value} if isinstance(value, str) else self.map_("grading scheme", value)
        if not data:
            return None
        self.keys("grading scheme", data, ("title", "description", "result_type", "allowed_values"))
        return GradingScheme(
            title=self.text("grading scheme: title", data.get("title")) or LanguageMap(),
            description=self.text("grading scheme: description", data.get("description")),
            result_type=self.str_("grading scheme", data.get("result_type")) or "Result",
            allowed_values=self.strs("grading scheme", data.get("allowed_values")),
        )

    def stackability(self, value: object) -> Stackability | None:
        element = "integration/stackability"
        if value is None:
            return None
        data = {"option": value} if isinstance(value, str) else self.map_(element, value)
        if not data:
            return None
        self.keys(element, data, ("option", "stacks_into"))
        targets = []
        for item in self.list_(element, data.get("stacks_into")):
            if isinstance(item, Mapping):
                ident = self.str_(element, item.get("id"))
                if ident is None:
                    self.bad(element, "a credential it stacks into needs an 'id'")
                    continue
                title = self.text(f"{element}: stacks into: title", item.get("title"))
                targets.append(StackTarget(ident, title))
            else:
                ident = self.str_(element, item)
                if ident is not None:
                    targets.append(StackTarget(ident))
        option = data.get("option", "stackable" if targets else None)
        if option is None:
            self.bad(element, f"an option is required ({STACKABILITY.allowed()})")
        return Stackability(self.concept(element, STACKABILITY, option) or "", tuple(targets))


def _suppress_repeats(parse: list[str], checks: list[str]) -> list[str]:
    heads = {problem.split(":", 1)[0] for problem in parse}
    return parse + [c for c in checks if c.split(":", 1)[0] not in heads]


def parse_description(data: object) -> MicroCredential:
    """A validated :class:`MicroCredential` from already-parsed YAML/JSON data."""
    if not isinstance(data, Mapping):
        raise SpecValidationError(["description: must be a mapping of Annex I elements"])
    lang = data.get("default_language", "en")
    r = _Reader(lang if isinstance(lang, str) and lang else "en")
    r.keys("", data, (*_KEYS, *_SHORTCUTS))
    for key, block in _SHORTCUTS.items():
        if key in data and block in data:
            r.bad(key, f"give either '{key}' or '{block}', not both")
    workload = r.map_("workload", data["workload"]) if "workload" in data else data
    level = r.map_("level", data["level"]) if "level" in data else data
    if "workload" in data:
        r.keys("workload", workload, ("ects", "hours"))
    if "level" in data:
        r.keys("level", level, ("eqf", "nqf", "qf_ehea_cycle"))
    eqf_value = level.get("eqf")
    if isinstance(eqf_value, int) and not isinstance(eqf_value, bool) and not 1 <= eqf_value <= 8:
        r.bad("level", "EQF level must be 1-8")
        eqf = None
    else:
        eqf = r.concept("level", EQF_LEVELS, eqf_value)
    stack = r.stackability(data.get("stackability"))
    bodies = r.list_("awarding bodies", data.get("awarding_bodies"))
    mc = MicroCredential(
        id=(r.str_("id", data.get("id")) or "").strip(),
        title=r.text("title", data.get("title")) or LanguageMap(),
        issuer_countries=tuple(
            c.strip() for c in r.strs("issuer country", data.get("issuer_country"))
        ),
        awarding_bodies=tuple(
            org
            for n, body in enumerate(bodies, 1)
            if (org := r.organisation(f"awarding body {n}", body)) is not None
        ),
        learning_outcomes=r.outcomes(data.get("learning_outcomes")),
        workload=Workload(
            ects=r.number("workload", "ECTS credits", workload.get("ects")),
            hours=r.number("workload", "hours", workload.get("hours")),
        ),
        level=Level(
            eqf=eqf,
            nqf=r.str_("level", level.get("nqf")),
            qf_ehea_cycle=r.concept("level", QF_EHEA_CYCLES, level.get("qf_ehea_cycle")),
        ),
        assessment_types=r.concepts("type of assessment", ASSESSMENT_TYPES, data.get("assessment")),
        participation=r.concepts(
            "form of participation", PARTICIPATION_FORMS, data.get("participation")
        ),
        quality_assurance=r.quality_assurance(data.get("quality_assurance")),
        issuer_regions=r.strs("issuer region", data.get("issuer_region")),
        prerequisites=r.text("prerequisites", data.get("prerequisites")),
        supervision=r.concept(
            "supervision and identity verification", SUPERVISION, data.get("supervision")
        ),
        assessment_mode=r.concept("assessment mode", ASSESSMENT_MODES, data.get("assessment_mode")),
        grading_scheme=r.grading(data.get("grading")),
        stackability=stack,
        further_information=r.text("further information", data.get("further_information")),
        version=r.str_("version", data.get("version")),
        description=r.text("description", data.get("description")),
        criteria=r.text("criteria", data.get("criteria")),
        image=r.str_("image", data.get("image")),
        languages=r.strs("languages", data.get("languages")),
        esco_skills=r.esco("ESCO skills", data.get("esco_skills")),
        learning_setting=r.concept(
            "learning setting", LEARNING_SETTINGS, data.get("learning_setting")
        ),
        tags=r.strs("tags", data.get("tags")),
        validity=r.str_("validity", data.get("validity")),
    )
    problems = _suppress_repeats(r.problems, validate_micro_credential(mc))
    if problems:
        raise SpecValidationError(problems)
    return mc


def load_description(
    text: str, *, source_format: Literal["yaml", "json"] | None = None
) -> MicroCredential:
    """Parse and validate a YAML or JSON description (format auto-detected when None).

    Raises :class:`~microcred.errors.DocumentParseError` (with line and column) for text that
    is not YAML/JSON, and :class:`~microcred.errors.SpecValidationError` listing every problem.
    """
    if not isinstance(text, str):
        raise DocumentParseError("description: must be text")
    return parse_description(_parse_text(text, source_format))


def load_learner(obj: object) -> Learner:
    """A validated :class:`Learner` from a JSON object (CLI ``--learner`` file)."""
    if not isinstance(obj, Mapping):
        raise SpecValidationError(["learner: must be a JSON object"])
    r = _Reader("en")
    r.keys("learner", obj, _LEARNER_KEYS)
    values = {key: r.str_(f"learner: {key}", obj.get(key)) for key in _LEARNER_KEYS}
    learner = Learner(**{k: (v.strip() if v is not None else None) for k, v in values.items()})
    problems = r.problems + validate_learner(learner)
    if problems:
        raise SpecValidationError(problems)
    return learner


def learner_to_dict(learner: Learner) -> dict[str, str]:
    """The JSON object form read by :func:`load_learner`."""
    return {k: v for k in _LEARNER_KEYS if (v := getattr(learner, k)) is not None}


# ---- model -> description ---------------------------------------------------------------


def _number(value: Decimal) -> int | float | str:
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(str(as_float)) == value else str(value)


def _org_dict(org: Organisation) -> dict[str, Any]:
    out: dict[str, Any] = {"legal_name": org.legal_name.to_dict(), "country": org.country}
    _put(out, "url", org.url)
    _put(out, "did", org.did)
    if org.identifiers:
        out["identifiers"] = [{"scheme": i.scheme, "value": i.value} for i in org.identifiers]
    _put(out, "email", org.email)
    return out


def _esco_list(skills: tuple[EscoSkill, ...]) -> list[Any]:
    return [{"iri": s.iri, "label": s.label.to_dict()} if s.label else s.iri for s in skills]


def _put(out: dict[str, Any], key: str, value: object, convert: Callable[[Any], Any] = str) -> None:
    if value is not None and value not in ((), ""):
        out[key] = convert(value)


def description_to_dict(mc: MicroCredential) -> dict[str, Any]:  # noqa: PLR0915
    """The description form of ``mc`` (aliases for known concepts); round-trips through
    :func:`parse_description`. Plain JSON/YAML types only."""
    text: Callable[[LanguageMap], dict[str, str]] = LanguageMap.to_dict
    out: dict[str, Any] = {"id": mc.id}
    _put(out, "version", mc.version)
    out["title"] = mc.title.to_dict()
    _put(out, "description", mc.description, text)
    out["issuer_country"] = list(mc.issuer_countries)
    _put(out, "issuer_region", mc.issuer_regions, list)
    out["awarding_bodies"] = [_org_dict(o) for o in mc.awarding_bodies]
    out["learning_outcomes"] = [
        {"text": o.text.to_dict(), **({"esco": _esco_list(o.esco_skills)} if o.esco_skills else {})}
        for o in mc.learning_outcomes
    ]
    workload: dict[str, Any] = {}
    _put(workload, "ects", mc.workload.ects, _number)
    _put(workload, "hours", mc.workload.hours, _number)
    out["workload"] = workload
    level: dict[str, Any] = {}
    _put(level, "eqf", mc.level.eqf, EQF_LEVELS.alias_of)
    if "eqf" in level and level["eqf"].isdigit():
        level["eqf"] = int(level["eqf"])
    _put(level, "nqf", mc.level.nqf)
    _put(level, "qf_ehea_cycle", mc.level.qf_ehea_cycle, QF_EHEA_CYCLES.alias_of)
    out["level"] = level
    out["assessment"] = [ASSESSMENT_TYPES.alias_of(i) for i in mc.assessment_types]
    _put(out, "assessment_mode", mc.assessment_mode, ASSESSMENT_MODES.alias_of)
    out["participation"] = [PARTICIPATION_FORMS.alias_of(i) for i in mc.participation]
    _put(out, "learning_setting", mc.learning_setting, LEARNING_SETTINGS.alias_of)
    _put(out, "supervision", mc.supervision, SUPERVISION.alias_of)
    qas = []
    for qa in mc.quality_assurance:
        entry: dict[str, Any] = {"type": QUALITY_ASSURANCE_TYPES.alias_of(qa.type)}
        _put(entry, "accrediting_body", qa.accrediting_body, _org_dict)
        _put(entry, "description", qa.description, text)
        _put(entry, "url", qa.url)
        qas.append(entry)
    out["quality_assurance"] = qas
    _put(out, "prerequisites", mc.prerequisites, text)
    if mc.grading_scheme:
        g = mc.grading_scheme
        grading: dict[str, Any] = {"title": g.title.to_dict(), "result_type": g.result_type}
        _put(grading, "description", g.description, text)
        _put(grading, "allowed_values", g.allowed_values, list)
        out["grading"] = grading
    if mc.stackability:
        stack: dict[str, Any] = {"option": STACKABILITY.alias_of(mc.stackability.option)}
        if mc.stackability.stacks_into:
            stack["stacks_into"] = [
                {"id": t.id, **({"title": t.title.to_dict()} if t.title else {})}
                for t in mc.stackability.stacks_into
            ]
        out["stackability"] = stack
    _put(out, "further_information", mc.further_information, text)
    _put(out, "criteria", mc.criteria, text)
    _put(out, "image", mc.image)
    _put(out, "languages", mc.languages, list)
    _put(out, "esco_skills", mc.esco_skills, _esco_list)
    _put(out, "tags", mc.tags, list)
    _put(out, "validity", mc.validity)
    return out
