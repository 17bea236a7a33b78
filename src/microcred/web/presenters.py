"""What the pages show of a micro-credential, in plain words and in the visitor's language.

Turns the domain model (every element of Annex I of Council Recommendation 2022/C 243/02, see
:class:`~microcred.core.model.MicroCredential`) into small frozen view values the templates print
as they are: controlled values become their EU vocabulary labels, multilingual texts the best
match for ``Accept-Language`` (with the language they are in, for the ``lang`` attribute), and
only ``http``/``https`` addresses become links. Labels and durations are in the interface
language of the page (the :class:`~microcred.core.i18n.Translator` ``t``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from microcred.core.i18n import Translator
from microcred.core.model import Award, LanguageMap, MicroCredential
from microcred.core.model import Organisation as Body
from microcred.core.model.award import expiry_of
from microcred.core.model.vocabularies import eqf_level_number, label_of
from microcred.service.records import CatalogueVersion
from microcred.web.labels import RESULT_TYPES
from microcred.web.names import country_name, language_name


@dataclass(frozen=True)
class Text:
    """A text and the language it is written in."""

    text: str
    lang: str


def pick(values: LanguageMap | None, languages: Sequence[str]) -> Text | None:
    """The text of ``values`` for the first of ``languages`` it has (same primary subtag counts),
    else English, else its first; None when there is no text."""
    if not values:
        return None
    primaries = {tag.split("-")[0] for tag in values}
    wanted = next((lang for lang in languages if lang.split("-")[0] in primaries), None)
    text = values.best(wanted or (languages[0] if languages else None))
    lang = next(tag for tag, value in values.items() if value == text)
    return Text(text, lang)


def web_link(value: str | None) -> str | None:
    """``value`` when it is an ``http(s)`` address a page may link to, else None."""
    if value and re.match(r"^https?://[^\s<>\"]+$", value, flags=re.IGNORECASE):
        return value
    return None


def number(value: Decimal | None) -> str | None:
    """``Decimal("5.0")`` -> ``"5"``; ``Decimal("2.50")`` -> ``"2.5"``."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def words(camel: str) -> str:
    """``ScaledScore`` -> ``scaled score``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", camel).lower()


def result_type(value: str, t: Translator) -> str:
    """An OB 3.0 ResultType in words, translated (``ScaledScore`` -> ``note pondérée``);
    an extension type (``ext:...``) in words as given."""
    return t.gettext(RESULT_TYPES[value]) if value in RESULT_TYPES else words(value)


def concept(iri: str, t: Translator) -> str:
    """The EU vocabulary label of ``iri`` in the interface language."""
    return t.gettext(label_of(iri))


def concept_or_none(iri: str | None, t: Translator) -> str | None:
    return concept(iri, t) if iri else None


@dataclass(frozen=True)
class Organisation:
    """An awarding or accrediting body."""

    name: Text | None
    country: str
    url: str | None
    did: str | None
    identifiers: tuple[str, ...]


def organisation(body: Body, languages: Sequence[str]) -> Organisation:
    return Organisation(
        name=pick(body.legal_name, languages),
        country=country_name(body.country),
        url=web_link(body.url),
        did=body.did,
        identifiers=tuple(f"{i.scheme} {i.value}" for i in body.identifiers),
    )


@dataclass(frozen=True)
class Skill:
    """An ESCO skill: its address and label."""

    iri: str
    href: str | None
    label: Text | None


@dataclass(frozen=True)
class Outcome:
    text: Text | None
    skills: tuple[Skill, ...]


@dataclass(frozen=True)
class Quality:
    type: str
    body: Organisation | None
    description: Text | None
    url: str | None


@dataclass(frozen=True)
class Grading:
    title: Text | None
    description: Text | None
    kind: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """A larger credential this one stacks into."""

    id: str
    href: str | None
    title: Text | None


@dataclass(frozen=True)
class Card:
    """One search result."""

    id: str
    title: Text | None
    summary: Text | None
    provider: str
    eqf: int | None
    ects: str | None
    hours: str | None
    participation: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Detail:
    """Every Annex I element of a published micro-credential, ready to print; the learner and
    the date of issue belong to each award and are not part of it."""

    card: Card
    version: int
    edition: str | None
    description: Text | None
    criteria: Text | None
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    awarding_bodies: tuple[Organisation, ...]
    outcomes: tuple[Outcome, ...]
    skills: tuple[Skill, ...]
    nqf: str | None
    qf_ehea_cycle: str | None
    assessment: tuple[str, ...]
    assessment_mode: str | None
    learning_setting: str | None
    quality: tuple[Quality, ...]
    prerequisites: Text | None
    supervision: str | None
    grading: Grading | None
    stackability: str | None
    stacks_into: tuple[Target, ...]
    further_information: Text | None
    further_information_href: str | None
    validity: str | None
    tags: tuple[str, ...]


def _skill(iri: str, label: LanguageMap | None, languages: Sequence[str]) -> Skill:
    return Skill(iri=iri, href=web_link(iri), label=pick(label, languages))


def card(
    mc: MicroCredential,
    version: CatalogueVersion,
    *,
    provider: str,
    languages: Sequence[str],
    t: Translator,
) -> Card:
    """The search-result summary of ``version`` (whose model is ``mc``), labels in ``t``'s
    language."""
    return Card(
        id=version.id,
        title=pick(mc.title, languages),
        summary=pick(mc.description, languages),
        provider=provider,
        eqf=eqf_level_number(mc.level.eqf or ""),
        ects=number(mc.workload.ects),
        hours=number(mc.workload.hours),
        participation=tuple(concept(p, t) for p in mc.participation),
        languages=tuple(language_name(lang) for lang in mc.languages or tuple(mc.title)),
    )


def detail(
    mc: MicroCredential,
    version: CatalogueVersion,
    *,
    provider: str,
    languages: Sequence[str],
    t: Translator,
) -> Detail:
    """The full page of ``version`` (whose model is ``mc``), labels in ``t``'s language."""
    grading = mc.grading_scheme
    stack = mc.stackability
    further = pick(mc.further_information, languages)
    return Detail(
        card=card(mc, version, provider=provider, languages=languages, t=t),
        version=version.version,
        edition=mc.version,
        description=pick(mc.description, languages),
        criteria=pick(mc.criteria, languages),
        countries=tuple(country_name(c) for c in mc.issuer_countries),
        regions=mc.issuer_regions,
        awarding_bodies=tuple(organisation(b, languages) for b in mc.awarding_bodies),
        outcomes=tuple(
            Outcome(
                text=pick(o.text, languages),
                skills=tuple(_skill(s.iri, s.label, languages) for s in o.esco_skills),
            )
            for o in mc.learning_outcomes
        ),
        skills=tuple(_skill(s.iri, s.label, languages) for s in mc.esco_skills),
        nqf=concept_or_none(mc.level.nqf, t),
        qf_ehea_cycle=concept_or_none(mc.level.qf_ehea_cycle, t),
        assessment=tuple(concept(a, t) for a in mc.assessment_types),
        assessment_mode=concept_or_none(mc.assessment_mode, t),
        learning_setting=concept_or_none(mc.learning_setting, t),
        quality=tuple(
            Quality(
                type=concept(q.type, t),
                body=organisation(q.accrediting_body, languages) if q.accrediting_body else None,
                description=pick(q.description, languages),
                url=web_link(q.url),
            )
            for q in mc.quality_assurance
        ),
        prerequisites=pick(mc.prerequisites, languages),
        supervision=concept_or_none(mc.supervision, t),
        grading=Grading(
            title=pick(grading.title, languages),
            description=pick(grading.description, languages),
            kind=result_type(grading.result_type, t),
            values=grading.allowed_values,
        )
        if grading
        else None,
        stackability=concept(stack.option, t) if stack else None,
        stacks_into=tuple(
            Target(id=t.id, href=web_link(t.id), title=pick(t.title, languages))
            for t in (stack.stacks_into if stack else ())
        ),
        further_information=further,
        further_information_href=web_link(further.text) if further else None,
        validity=t.duration(mc.validity),
        tags=mc.tags,
    )


@dataclass(frozen=True)
class Awarded:
    """Every Annex I element of an awarded credential: the micro-credential's (``mc``) and the
    award's own (learner, dates, grade), read back from the signed credential."""

    mc: Detail
    learner: str | None
    issued: datetime
    valid_until: datetime | None
    grade: str | None
    credential_id: str | None


def awarded(award: Award, *, provider: str, languages: Sequence[str], t: Translator) -> Awarded:
    """``award`` (:func:`microcred.core.formats.ob3.read_award`) ready to print; the learner is
    named by name, else e-mail, else DID (Annex I "identification of the learner")."""
    learner = award.learner
    stand_in = CatalogueVersion(
        id=award.credential_id or "",
        entry_id="",
        organisation_id="",
        version=0,
        description={},
        created_at=award.issued,
    )
    return Awarded(
        mc=detail(award.micro_credential, stand_in, provider=provider, languages=languages, t=t),
        learner=learner.display_name or learner.email or learner.did or learner.url,
        issued=award.issued,
        valid_until=award.valid_until or expiry_of(award.micro_credential, award.issued),
        grade=award.grade,
        credential_id=award.credential_id,
    )
