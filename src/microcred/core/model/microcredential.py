"""The micro-credential: every element of Annex I of Council Recommendation 2022/C 243/02.

Mandatory elements (Annex I, part I) are required fields; the optional ones (part II) default to
empty. The learner (element 1) and the date of issuing (element 5) belong to the award
(:mod:`microcred.core.model.award`), not to the micro-credential. Controlled values are concept
IRIs from :mod:`microcred.core.model.vocabularies`. Nothing is validated on construction:
:func:`microcred.core.model.validation.validate_micro_credential` lists every problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from microcred.core.model.language import LanguageMap

__all__ = [
    "EscoSkill",
    "GradingScheme",
    "Identifier",
    "LearningOutcome",
    "Level",
    "MicroCredential",
    "Organisation",
    "QualityAssurance",
    "StackTarget",
    "Stackability",
    "Workload",
]


@dataclass(frozen=True)
class Identifier:
    """An identifier of an organisation in a named scheme (e.g. ``PIC``, ``VAT``, ``SCHAC``)."""

    value: str
    scheme: str


@dataclass(frozen=True)
class Organisation:
    """An awarding body or accrediting body (Annex I element 4; ELM ``Organisation``).

    ``did`` (preferred) or ``url`` identifies it in credentials.
    """

    legal_name: LanguageMap
    country: str
    url: str | None = None
    did: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    email: str | None = None

    @property
    def id(self) -> str | None:
        """The IRI that identifies the organisation: its DID, else its URL."""
        return self.did or self.url


@dataclass(frozen=True)
class EscoSkill:
    """An ESCO skill concept ``http://data.europa.eu/esco/skill/<uuid>`` with an optional label."""

    iri: str
    label: LanguageMap | None = None


@dataclass(frozen=True)
class LearningOutcome:
    """One learning outcome (Annex I element 6), optionally linked to ESCO skills."""

    text: LanguageMap
    esco_skills: tuple[EscoSkill, ...] = ()


@dataclass(frozen=True)
class Workload:
    """Notional workload (Annex I element 7): ECTS credits and/or hours."""

    ects: Decimal | None = None
    hours: Decimal | None = None


@dataclass(frozen=True)
class Level:
    """Level (Annex I element 8): EQF concept IRI, optional NQF level IRI and QF-EHEA cycle IRI."""

    eqf: str | None
    nqf: str | None = None
    qf_ehea_cycle: str | None = None


@dataclass(frozen=True)
class QualityAssurance:
    """Type of quality assurance (Annex I element 11; ELM ``Accreditation``)."""

    type: str
    accrediting_body: Organisation | None = None
    description: LanguageMap | None = None
    url: str | None = None


@dataclass(frozen=True)
class GradingScheme:
    """How the grade is expressed (optional element "grade achieved"; OB ``ResultDescription``).

    ``result_type`` is an OB 3.0 ResultType (``LetterGrade``, ``Percent``, ``Status``...);
    ``allowed_values`` are ordered from lowest to highest.
    """

    title: LanguageMap
    description: LanguageMap | None = None
    result_type: str = "Result"
    allowed_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class StackTarget:
    """A larger credential this micro-credential stacks into."""

    id: str
    title: LanguageMap | None = None


@dataclass(frozen=True)
class Stackability:
    """Integration/stackability options (optional element): stand-alone or stackable + targets."""

    option: str
    stacks_into: tuple[StackTarget, ...] = ()


@dataclass(frozen=True)
class MicroCredential:
    """A micro-credential as described in a catalogue (Annex I elements 2-4 and 6-11 + options).

    ``id`` is a slug (``data-protection-by-design``) or an absolute IRI. ``validity`` is an
    ISO 8601 duration (``P3Y``) after which awards expire.
    """

    id: str
    title: LanguageMap
    issuer_countries: tuple[str, ...]
    awarding_bodies: tuple[Organisation, ...]
    learning_outcomes: tuple[LearningOutcome, ...]
    workload: Workload
    level: Level
    assessment_types: tuple[str, ...]
    participation: tuple[str, ...]
    quality_assurance: tuple[QualityAssurance, ...]
    # optional Annex I elements
    issuer_regions: tuple[str, ...] = ()
    prerequisites: LanguageMap | None = None
    supervision: str | None = None
    assessment_mode: str | None = None
    grading_scheme: GradingScheme | None = None
    stackability: Stackability | None = None
    further_information: LanguageMap | None = None
    # practical fields
    version: str | None = None
    description: LanguageMap | None = None
    criteria: LanguageMap | None = None
    image: str | None = None
    languages: tuple[str, ...] = ()
    esco_skills: tuple[EscoSkill, ...] = ()
    learning_setting: str | None = None
    tags: tuple[str, ...] = ()
    validity: str | None = None

    @property
    def primary_language(self) -> str:
        """The first language of instruction, else the title's first language, else ``en``."""
        if self.languages:
            return self.languages[0]
        return self.title.primary_language or "en"

    def all_esco_skills(self) -> tuple[EscoSkill, ...]:
        """ESCO skills of the learning outcomes and of the micro-credential, without repeats."""
        seen: dict[str, EscoSkill] = {}
        for outcome in self.learning_outcomes:
            for skill in outcome.esco_skills:
                seen.setdefault(skill.iri, skill)
        for skill in self.esco_skills:
            seen.setdefault(skill.iri, skill)
        return tuple(seen.values())
