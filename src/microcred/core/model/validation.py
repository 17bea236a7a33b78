"""Checks of the Annex I rules (Council Recommendation 2022/C 243/02, Annex I) on the model.

Every function returns ALL problems as plain sentences that start with the element name
(``"learning outcomes: at least one is required"``); an empty list means valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from microcred.core.model.award import Award
from microcred.core.model.countries import is_country_code
from microcred.core.model.language import LanguageMap, is_language_tag
from microcred.core.model.learner import Learner
from microcred.core.model.microcredential import (
    EscoSkill,
    GradingScheme,
    MicroCredential,
    Organisation,
    QualityAssurance,
    Stackability,
)
from microcred.core.model.vocabularies import (
    EQF_LEVELS,
    QF_EHEA_CYCLES,
    STACKABILITY,
    is_absolute_iri,
)

__all__ = [
    "OB3_RESULT_TYPES",
    "is_did",
    "is_email",
    "is_http_url",
    "validate_award",
    "validate_award_only",
    "validate_learner",
    "validate_micro_credential",
]

OB3_RESULT_TYPES = (
    "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore",
    "RawScore", "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore",
    "ScaledScore", "Status",
)  # fmt: skip

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-](?:[#?/]\S*)?$")
_HTTP = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
_ESCO = re.compile(
    r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$"
)
_SCHEME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_EXT = re.compile(r"^ext:[A-Za-z0-9._-]+$")
_DURATION = re.compile(r"^P(?!$)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?$")
_IMAGE = re.compile(r"^(?:https?://\S+|data:image/[a-z0-9.+-]+[;,]\S*)$")


def is_email(value: object) -> bool:
    """A plausible e-mail address (``local@domain.tld``)."""
    return isinstance(value, str) and len(value) <= 254 and _EMAIL.match(value) is not None


def is_did(value: object) -> bool:
    """A syntactically valid DID (W3C DID Core §3.1), optionally with a fragment or path."""
    return isinstance(value, str) and len(value) <= 2048 and _DID.match(value) is not None


def is_http_url(value: object) -> bool:
    """An absolute ``http`` or ``https`` URL."""
    return isinstance(value, str) and len(value) <= 2048 and _HTTP.match(value) is not None


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, element: str, message: str) -> None:
        self.items.append(f"{element}: {message}")

    def text(self, element: str, value: LanguageMap | None, *, required: bool = True) -> None:
        if value is None or len(value) == 0:
            if required:
                self.add(element, "at least one language is required")
            return
        for tag, text in value.items():
            if not is_language_tag(tag):
                self.add(element, f"{tag!r} is not a BCP 47 language tag")
            if not isinstance(text, str) or not text.strip():
                self.add(element, f"the {tag!r} text is empty")

    def iri(self, element: str, value: str | None, what: str = "an absolute IRI") -> None:
        if value is not None and not is_absolute_iri(value):
            self.add(element, f"{value!r} is not {what}")

    def url(self, element: str, value: str | None) -> None:
        if value is not None and not is_http_url(value):
            self.add(element, f"{value!r} is not an http(s) URL")

    def iris(self, element: str, values: Iterable[str], what: str) -> None:
        values = tuple(values)
        if not values:
            self.add(element, f"at least one {what} is required")
        for value in values:
            self.iri(element, value)


def _organisation(p: _Problems, element: str, org: Organisation) -> None:
    p.text(f"{element}: legal name", org.legal_name)
    if not is_country_code(org.country):
        p.add(element, f"country {org.country!r} is not an ISO 3166-1 alpha-2 code")
    p.url(f"{element}: URL", org.url)
    if org.did is not None and not is_did(org.did):
        p.add(element, f"{org.did!r} is not a DID")
    if org.did is None and org.url is None:
        p.add(element, "a URL or a DID is required")
    if org.email is not None and not is_email(org.email):
        p.add(element, f"e-mail {org.email!r} is not a valid address")
    for ident in org.identifiers:
        if not _SCHEME.match(ident.scheme):
            p.add(element, f"identifier scheme {ident.scheme!r} must be letters, digits, . - _")
        if not ident.value.strip():
            p.add(element, f"the {ident.scheme!r} identifier is empty")


def _esco(p: _Problems, element: str, skills: Iterable[EscoSkill]) -> None:
    for skill in skills:
        if not _ESCO.match(skill.iri):
            p.add(element, f"{skill.iri!r} is not an ESCO skill IRI "
                  "(http://data.europa.eu/esco/skill/<uuid>)")  # fmt: skip
        if skill.label is not None:
            p.text(f"{element}: ESCO skill label", skill.label)


def _positive(p: _Problems, what: str, value: Decimal | None) -> None:
    if value is not None and (not value.is_finite() or value <= 0):
        p.add("workload", f"{what} must be positive")


def _quality_assurance(p: _Problems, qas: tuple[QualityAssurance, ...]) -> None:
    if not qas:
        p.add("quality assurance", "at least one type of quality assurance is required")
    for n, qa in enumerate(qas, 1):
        element = f"quality assurance {n}"
        p.iri(element, qa.type)
        if qa.accrediting_body is not None:
            _organisation(p, f"{element}: accrediting body", qa.accrediting_body)
        p.text(f"{element}: description", qa.description, required=False)
        p.url(f"{element}: URL", qa.url)


def _grading(p: _Problems, grading: GradingScheme | None) -> None:
    if grading is None:
        return
    p.text("grading scheme: title", grading.title)
    p.text("grading scheme: description", grading.description, required=False)
    if grading.result_type not in OB3_RESULT_TYPES and not _EXT.match(grading.result_type):
        p.add("grading scheme", f"result type {grading.result_type!r} must be one of "
              f"{', '.join(OB3_RESULT_TYPES)} or start with 'ext:'")  # fmt: skip
    for value in grading.allowed_values:
        if not value.strip():
            p.add("grading scheme", "allowed values must not be empty")


def _stackability(p: _Problems, stack: Stackability | None) -> None:
    if stack is None:
        return
    if STACKABILITY.by_iri(stack.option) is None:
        p.add("integration/stackability", f"{stack.option!r} is not one of "
              f"{STACKABILITY.allowed()}")  # fmt: skip
    elif stack.stacks_into and stack.option.endswith("StandAlone"):
        p.add("integration/stackability", "a stand-alone micro-credential cannot stack into "
              "other credentials")  # fmt: skip
    for target in stack.stacks_into:
        p.iri("integration/stackability: stacks into", target.id)
        p.text("integration/stackability: stacks into: title", target.title, required=False)


def validate_micro_credential(mc: MicroCredential) -> list[str]:  # noqa: PLR0915
    """Every Annex I problem of ``mc``; empty when it may be issued."""
    p = _Problems()
    if not (_SLUG.match(mc.id) or is_absolute_iri(mc.id)):
        p.add("id", f"{mc.id!r} must be a slug (a-z, 0-9, '.', '-', '_') or an absolute IRI")
    p.text("title", mc.title)
    if not mc.issuer_countries:
        p.add("issuer country", "at least one ISO 3166-1 alpha-2 code is required")
    for code in mc.issuer_countries:
        if not is_country_code(code):
            p.add("issuer country", f"{code!r} is not an ISO 3166-1 alpha-2 code")
    for region in mc.issuer_regions:
        if not region.strip():
            p.add("issuer region", "a region must not be empty")
    if not mc.awarding_bodies:
        p.add("awarding bodies", "at least one is required")
    for n, org in enumerate(mc.awarding_bodies, 1):
        _organisation(p, f"awarding body {n}", org)
    if not mc.learning_outcomes:
        p.add("learning outcomes", "at least one is required")
    for n, outcome in enumerate(mc.learning_outcomes, 1):
        p.text(f"learning outcome {n}", outcome.text)
        _esco(p, f"learning outcome {n}", outcome.esco_skills)
    if mc.workload.ects is None and mc.workload.hours is None:
        p.add("workload", "ECTS credits or hours are required")
    _positive(p, "ECTS credits", mc.workload.ects)
    _positive(p, "hours", mc.workload.hours)
    if mc.level.eqf is None:
        p.add("level", "an EQF level (1-8) is required")
    elif EQF_LEVELS.by_iri(mc.level.eqf) is None:
        p.add("level", "EQF level must be 1-8")
    p.iri("level", mc.level.nqf, "an NQF level IRI")
    if mc.level.qf_ehea_cycle is not None and QF_EHEA_CYCLES.by_iri(mc.level.qf_ehea_cycle) is None:
        p.add("level", f"QF-EHEA cycle must be one of {QF_EHEA_CYCLES.allowed()}")
    p.iris("type of assessment", mc.assessment_types, "type of assessment")
    p.iris("form of participation", mc.participation, "form of participation")
    _quality_assurance(p, mc.quality_assurance)
    p.text("prerequisites", mc.prerequisites, required=False)
    p.iri("supervision and identity verification", mc.supervision)
    p.iri("assessment mode", mc.assessment_mode)
    _grading(p, mc.grading_scheme)
    _stackability(p, mc.stackability)
    p.text("further information", mc.further_information, required=False)
    if mc.version is not None and not mc.version.strip():
        p.add("version", "must not be empty")
    p.text("description", mc.description, required=False)
    p.text("criteria", mc.criteria, required=False)
    if mc.image is not None and not _IMAGE.match(mc.image):
        p.add("image", f"{mc.image[:80]!r} is not an http(s) URL or a data:image URI")
    for tag in mc.languages:
        if not is_language_tag(tag):
            p.add("languages", f"{tag!r} is not a BCP 47 language tag")
    _esco(p, "ESCO skills", mc.esco_skills)
    p.iri("learning setting", mc.learning_setting)
    for tag in mc.tags:
        if not tag.strip():
            p.add("tags", "a tag must not be empty")
    if mc.validity is not None and not _DURATION.match(mc.validity):
        p.add("validity", f"{mc.validity!r} is not an ISO 8601 duration such as P3Y or P18M")
    return p.items


def validate_learner(learner: Learner) -> list[str]:
    """Problems with the identification of the learner (Annex I element 1)."""
    p = _Problems()
    if not any((learner.email, learner.did, learner.url, learner.institutional_id)):
        p.add("learner", "an e-mail, a DID, a URL or an institutional id is required")
    if learner.email is not None and not is_email(learner.email):
        p.add("learner", f"e-mail {learner.email!r} is not a valid address")
    if learner.did is not None and not is_did(learner.did):
        p.add("learner", f"{learner.did!r} is not a DID")
    p.url("learner: URL", learner.url)
    for label, value in (
        ("name", learner.name),
        ("given name", learner.given_name),
        ("family name", learner.family_name),
        ("institutional id", learner.institutional_id),
    ):
        if value is not None and not value.strip():
            p.add("learner", f"{label} must not be empty")
    return p.items


def _aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None


def validate_award(award: Award) -> list[str]:
    """Problems with the award, its learner and its micro-credential."""
    return validate_micro_credential(award.micro_credential) + validate_award_only(award)


def validate_award_only(award: Award) -> list[str]:
    """Problems with the award and its learner, leaving out its micro-credential (checked once
    for many awards of it: :func:`validate_award` is both)."""
    problems = validate_learner(award.learner)
    p = _Problems()
    if not _aware(award.issued):
        p.add("date of issuing", "must include a timezone")
    if award.awarded is not None and not _aware(award.awarded):
        p.add("award date", "must include a timezone")
    if award.valid_until is not None:
        if not _aware(award.valid_until):
            p.add("valid until", "must include a timezone")
        elif _aware(award.issued) and award.valid_until <= award.issued:
            p.add("valid until", "must be after the date of issuing")
    if award.grade is not None and not award.grade.strip():
        p.add("grade", "must not be empty")
    for n, evidence in enumerate(award.evidence, 1):
        if evidence.id is None and not evidence.narrative:
            p.add(f"evidence {n}", "a URL (id) or a narrative is required")
        p.iri(f"evidence {n}", evidence.id)
    p.iri("credential id", award.credential_id)
    return problems + p.items
