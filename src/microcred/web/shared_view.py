"""What a shared page shows of a held credential (issue 4, "the shared page shows the
credential"): the Annex I elements read back from a microcred Open Badges 3.0 credential
(:func:`microcred.core.formats.ob3.read_award`), else what any OB 3.0 / VC credential says
(name, issuer, dates, description, image), in the visitor's language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from microcred.core.formats.ob3 import read_award
from microcred.core.model.vocabularies import eqf_level_number, label_of
from microcred.errors import MicrocredError
from microcred.service.learner_records import HoldingRecord
from microcred.web import presenters
from microcred.web.presenters import Organisation, Outcome, Text


@dataclass(frozen=True)
class SharedView:
    """The credential as the page prints it."""

    title: str
    issuer: str
    learner: str | None
    issued: datetime | None
    expires: datetime | None
    credential_id: str | None
    description: Text | None
    image: str | None
    criteria: Text | None = None
    eqf: int | None = None
    ects: str | None = None
    hours: str | None = None
    grade: str | None = None
    participation: tuple[str, ...] = ()
    assessment: tuple[str, ...] = ()
    awarding_bodies: tuple[Organisation, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    quality: tuple[str, ...] = ()
    eu_elements: bool = False


def _document(holding: HoldingRecord) -> Mapping[str, Any]:
    try:
        value = json.loads(holding.credential)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _when(value: Any) -> datetime | None:
    text = _str(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _image(document: Mapping[str, Any]) -> str | None:
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    image = achievement.get("image") if isinstance(achievement, Mapping) else None
    if isinstance(image, Mapping):
        image = image.get("id")
    return presenters.web_link(_str(image))


def shared_view(holding: HoldingRecord, languages: Sequence[str]) -> SharedView:
    """The view of ``holding`` for a visitor reading ``languages``."""
    document = _document(holding)
    base = SharedView(
        title=holding.title or "",
        issuer=holding.issuer_name or "",
        learner=None,
        issued=holding.issued_on or _when(document.get("validFrom")),
        expires=_when(document.get("validUntil") or document.get("expirationDate")),
        credential_id=_str(document.get("id")),
        description=None,
        image=_image(document),
    )
    try:
        award = read_award(document)
    except MicrocredError:
        subject = document.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        text = _str(achievement.get("description")) if isinstance(achievement, Mapping) else None
        return base if text is None else replace(base, description=Text(text, ""))
    mc = award.micro_credential
    return replace(
        base,
        learner=award.learner.display_name,
        expires=award.valid_until or base.expires,
        description=presenters.pick(mc.description, languages),
        criteria=presenters.pick(mc.criteria, languages),
        eqf=eqf_level_number(mc.level.eqf or ""),
        ects=presenters.number(mc.workload.ects),
        hours=presenters.number(mc.workload.hours),
        grade=award.grade,
        participation=tuple(label_of(p) for p in mc.participation),
        assessment=tuple(label_of(a) for a in mc.assessment_types),
        awarding_bodies=tuple(presenters.organisation(b, languages) for b in mc.awarding_bodies),
        outcomes=tuple(
            Outcome(text=presenters.pick(o.text, languages), skills=())
            for o in mc.learning_outcomes
        ),
        quality=tuple(label_of(q.type) for q in mc.quality_assurance),
        eu_elements=True,
    )
