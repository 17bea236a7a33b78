"""Controlled values of the Annex I elements, as EU vocabulary concept IRIs with English labels.

Concept IRIs come from the Europass/ELM v3 controlled lists (``http://data.europa.eu/snb/...``,
VOCABULARIES.md §2-§7, §12). Where no EU concept exists (recognition of prior learning,
stackability, QF-EHEA cycles) the platform mints its own under ``https://w3id.org/microcred/vocab#``.
Each concept has short human aliases accepted in micro-credential descriptions
(e.g. ``exam`` -> written examination); the first alias is the canonical one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ASSESSMENT_MODES",
    "ASSESSMENT_TYPES",
    "CREDIT_SYSTEMS",
    "ECTS",
    "EQF_LEVELS",
    "EU_LANGUAGES",
    "LEARNING_SETTINGS",
    "MICROCRED_VOCAB",
    "PARTICIPATION_FORMS",
    "QF_EHEA_CYCLES",
    "QUALITY_ASSURANCE_TYPES",
    "STACKABILITY",
    "SUPERVISION",
    "Concept",
    "Vocabulary",
    "eqf_level_iri",
    "eqf_level_number",
    "is_absolute_iri",
    "label_of",
]

SNB = "http://data.europa.eu/snb/"
MICROCRED_VOCAB = "https://w3id.org/microcred/vocab#"

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def is_absolute_iri(value: object) -> bool:
    """True for an absolute IRI (``scheme:rest``, no spaces), e.g. ``http://…`` or ``did:…``."""
    return isinstance(value, str) and len(value) <= 2048 and _IRI.match(value) is not None


@dataclass(frozen=True)
class Concept:
    """One concept: its IRI, English label and the short aliases a description may use."""

    iri: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def alias(self) -> str:
        """The canonical short alias (the IRI when there is none)."""
        return self.aliases[0] if self.aliases else self.iri


def _key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


@dataclass(frozen=True)
class Vocabulary:
    """A controlled list; ``open_list`` accepts any absolute IRI besides the known concepts."""

    element: str
    scheme: str
    concepts: tuple[Concept, ...]
    open_list: bool = True

    def by_iri(self, iri: str) -> Concept | None:
        """The known concept with this IRI, or None."""
        for concept in self.concepts:
            if concept.iri == iri:
                return concept
        return None

    def allowed(self) -> str:
        """The accepted aliases, comma-separated, for error messages."""
        return ", ".join(c.alias for c in self.concepts)

    def resolve(self, value: object) -> str:
        """The IRI for an alias, a label or an IRI; the ``ValueError`` lists the allowed values."""
        if isinstance(value, str):
            wanted = _key(value)
            for concept in self.concepts:
                names = (concept.iri, concept.label, *concept.aliases)
                if value == concept.iri or wanted in {_key(n) for n in names}:
                    return concept.iri
            if self.open_list and is_absolute_iri(value):
                return value
        shown = repr(value) if isinstance(value, str) else type(value).__name__
        raise ValueError(f"{shown} is not a known {self.element}; allowed: {self.allowed()}")

    def alias_of(self, iri: str) -> str:
        """The canonical alias of a known IRI, else the IRI itself."""
        concept = self.by_iri(iri)
        return concept.alias if concept else iri


def _snb(scheme: str, *rows: tuple[str, str, tuple[str, ...]]) -> tuple[Concept, ...]:
    return tuple(Concept(f"{SNB}{scheme}/{ident}", label, names) for ident, label, names in rows)


EQF_LEVELS = Vocabulary(
    "EQF level",
    SNB + "eqf/25831c2",
    tuple(
        Concept(f"{SNB}eqf/{n}", f"Level {n}", (str(n), f"eqf{n}", f"level {n}"))
        for n in range(1, 9)
    ),
    open_list=False,
)


def eqf_level_iri(level: int) -> str:
    """``6`` -> ``http://data.europa.eu/snb/eqf/6``; ``ValueError`` outside 1-8."""
    if not 1 <= level <= 8:
        raise ValueError("EQF level must be 1-8")
    return f"{SNB}eqf/{level}"


def eqf_level_number(iri: str) -> int | None:
    """``…/eqf/6`` -> ``6``; None for anything else."""
    concept = EQF_LEVELS.by_iri(iri)
    return int(concept.iri.rsplit("/", 1)[1]) if concept else None


ASSESSMENT_TYPES = Vocabulary(
    "type of assessment",
    SNB + "assessment/25831c2",
    (
        *_snb(
            "assessment",
            ("6e6cb2cc78", "written examination", ("exam", "written exam", "testing", "test")),
            ("d30284d7df", "oral examination", ("oral exam", "oral")),
            ("b1b68f6735", "quiz", ("quiz",)),
            ("4f03b91c0e", "portfolio", ("portfolio",)),
            ("795dac4096", "project work", ("project", "project work")),
            ("6a4db9f11d", "practical assessment", ("practical", "application of a skill")),
            ("de4d165a6c", "artefact assessment", ("artefact", "artifact")),
            ("19a2e5e671", "peer assessment", ("peer assessment",)),
            ("812e3b0ae1", "peer review", ("peer review",)),
            ("2939dae15f", "marked assignment", ("assignment", "marked assignment")),
            ("3484bd7e51", "continuous evaluation", ("continuous", "continuous assessment")),
            ("56539a6507", "group performance", ("group performance", "group work")),
            ("7331eb4762", "level of attendance", ("attendance",)),
            ("c4256a2726", "problem based learning", ("problem based learning", "pbl")),
            ("c_04b30a72", "Presentation", ("presentation",)),
            ("c_2b3bd410", "Self-assessment", ("self-assessment",)),
            ("c_4f874951", "Guided self-assessment", ("guided self-assessment",)),
        ),
        Concept(
            MICROCRED_VOCAB + "RecognitionOfPriorLearning",
            "recognition of prior learning",
            ("rpl", "recognition of prior learning"),
        ),
    ),
)

# Modes of learning and assessment + learning activity types (VOCABULARIES.md §5a, §5c).
PARTICIPATION_FORMS = Vocabulary(
    "form of participation",
    SNB + "learning-assessment/25831c2",
    (
        *_snb(
            "learning-assessment",
            ("920fbb3cbe", "Online", ("online",)),
            ("9191af2ed9", "Presential", ("onsite", "on-site", "presential", "in person")),
            ("e92d221e4d", "Blended", ("blended",)),
            ("c_3a90b26d", "Hybrid", ("hybrid",)),
            ("729f3bed4b", "Workbased", ("work-based", "workbased")),
            ("7813801c77", "Project based", ("project-based",)),
            ("ed4c557045", "Research-Lab based", ("research-lab",)),
        ),
        *_snb(
            "learning-activity",
            ("59eaf34fab", "volunteering", ("volunteering",)),
            ("4357e0e681", "job experience", ("work experience", "job experience")),
        ),
    ),
)

ASSESSMENT_MODES = Vocabulary(
    "assessment mode",
    SNB + "learning-assessment/25831c2",
    PARTICIPATION_FORMS.concepts[:4],
)

LEARNING_SETTINGS = Vocabulary(
    "learning setting",
    SNB + "learning-setting/25831c2",
    _snb(
        "learning-setting",
        ("6fd4685715", "formal learning", ("formal",)),
        ("e207a81fc7", "non-formal learning", ("non-formal", "nonformal")),
    ),
    open_list=False,
)

SUPERVISION = Vocabulary(
    "supervision and identity verification",
    SNB + "supervision-verification/25831c2",
    _snb(
        "supervision-verification",
        ("c598449d64", "Unsupervised without ID Verification", ("unsupervised", "none")),
        ("df2880c5cb", "Unsupervised with ID Verification", ("unsupervised-id",)),
        ("44314532f9", "Supervised without ID Verification", ("supervised",)),
        ("70be69aaf9", "Supervised with ID Verification", ("supervised-id",)),
    ),
)

QUALITY_ASSURANCE_TYPES = Vocabulary(
    "type of quality assurance",
    SNB + "accreditation/25831c2",
    _snb(
        "accreditation",
        ("bb4618238e", "Institutional Quality Assurance", ("institutional-qa", "institutional")),
        ("820101cba6", "Program Quality Assurance", ("programme-qa", "program-qa", "programme")),
        ("003293d2ce", "Institutional License", ("institutional-license", "license")),
        ("e57dddfcf3", "Program License", ("programme-license", "program-license")),
    ),
)

ECTS = SNB + "education-credit/6fcec5c5af"
CREDIT_SYSTEMS = Vocabulary(
    "credit system",
    SNB + "education-credit/25831c2",
    (
        Concept(ECTS, "European Credit Transfer System (ECTS)", ("ects",)),
        Concept(SNB + "education-credit/60b314e826", "ECVET", ("ecvet",)),
    ),
)

STACKABILITY = Vocabulary(
    "integration/stackability option",
    MICROCRED_VOCAB + "Stackability",
    (
        Concept(
            MICROCRED_VOCAB + "StandAlone",
            "stand-alone, independent micro-credential",
            ("stand-alone", "standalone", "independent"),
        ),
        Concept(
            MICROCRED_VOCAB + "Stackable",
            "integrated, stackable towards another credential",
            ("stackable", "integrated"),
        ),
    ),
    open_list=False,
)

QF_EHEA_CYCLES = Vocabulary(
    "QF-EHEA cycle",
    MICROCRED_VOCAB + "QfEheaCycle",
    (
        Concept(MICROCRED_VOCAB + "QfEheaShortCycle", "short cycle", ("short",)),
        Concept(MICROCRED_VOCAB + "QfEheaFirstCycle", "first cycle", ("first", "1")),
        Concept(MICROCRED_VOCAB + "QfEheaSecondCycle", "second cycle", ("second", "2")),
        Concept(MICROCRED_VOCAB + "QfEheaThirdCycle", "third cycle", ("third", "3")),
    ),
    open_list=False,
)

# ISO 639-1 -> EU language authority IRI for the 24 official languages (VOCABULARIES.md §10).
_LANG_NAL = "http://publications.europa.eu/resource/authority/language/"
EU_LANGUAGES: dict[str, str] = {
    two: _LANG_NAL + three
    for two, three in (
        ("bg", "BUL"), ("hr", "HRV"), ("cs", "CES"), ("da", "DAN"), ("nl", "NLD"), ("en", "ENG"),
        ("et", "EST"), ("fi", "FIN"), ("fr", "FRA"), ("de", "DEU"), ("el", "ELL"), ("hu", "HUN"),
        ("it", "ITA"), ("lv", "LAV"), ("lt", "LIT"), ("mt", "MLT"), ("pl", "POL"), ("pt", "POR"),
        ("ro", "RON"), ("sk", "SLK"), ("sl", "SLV"), ("es", "SPA"), ("sv", "SWE"), ("ga", "GLE"),
    )
}  # fmt: skip

LABELLED_VOCABULARIES: tuple[Vocabulary, ...] = (
    EQF_LEVELS,
    ASSESSMENT_TYPES,
    PARTICIPATION_FORMS,
    LEARNING_SETTINGS,
    SUPERVISION,
    QUALITY_ASSURANCE_TYPES,
    CREDIT_SYSTEMS,
    STACKABILITY,
    QF_EHEA_CYCLES,
)
"""The controlled lists whose labels people read (:func:`label_of` looks in them)."""


def label_of(iri: str) -> str:
    """The English label of any known concept IRI, else the IRI itself."""
    for vocabulary in LABELLED_VOCABULARIES:
        concept = vocabulary.by_iri(iri)
        if concept:
            return concept.label
    return iri
