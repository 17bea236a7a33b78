"""What stacking knows about one credential a learner holds: the "evidence" item.

Extracted from any Open Badges 3.0 credential with the reader of EU elements
(:func:`microcred.core.formats.ob3.eu_elements`: ECTS, EQF level, learning outcomes and their
ESCO skills, date of issuing, grade) plus the achievement id and the issuer. Whether it counts
is decided by the verifier's verdict, passed in: an unverified credential never counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from microcred.core.formats.ob3 import EQF_TARGET_TYPE, QA_TARGET_TYPE, eu_elements
from microcred.core.model.vocabularies import eqf_level_number
from microcred.core.verify.checks import as_list, issuer_id, parse_datetime

PART_GENRE = "Stacked micro-credential"
"""The OB 3.0 ``evidence`` genre naming each part of a stacked credential."""


@dataclass(frozen=True)
class CredentialEvidence:
    """One held credential, as stacking sees it.

    ``recognised_as`` lists other achievement ids (IRIs or catalogue slugs) it counts as: the
    provider's own slug for its awards, or the equivalences of an approved recognition.
    """

    credential_id: str
    issuer: str | None = None
    achievement_id: str | None = None
    title: str | None = None
    ects: Decimal | None = None
    eqf: int | None = None
    skills: frozenset[str] = frozenset()
    awarded: datetime | None = None
    grade: str | None = None
    verified: bool = False
    recognised_as: frozenset[str] = field(default_factory=frozenset)

    def counts_as(self, achievement: str) -> bool:
        return achievement == self.achievement_id or achievement in self.recognised_as

    def recognised(self, *achievements: str) -> CredentialEvidence:
        """The same evidence, also counting as ``achievements``."""
        return replace(self, recognised_as=self.recognised_as | frozenset(achievements))

    def to_dict(self) -> dict[str, Any]:
        return {
            "credential_id": self.credential_id,
            "issuer": self.issuer,
            "achievement_id": self.achievement_id,
            "title": self.title,
            "ects": str(self.ects) if self.ects is not None else None,
            "eqf": self.eqf,
            "skills": sorted(self.skills),
            "awarded": self.awarded.isoformat() if self.awarded else None,
            "grade": self.grade,
            "verified": self.verified,
            "recognised_as": sorted(self.recognised_as),
        }


def _title(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return next((v for v in value.values() if isinstance(v, str)), None)
    return None


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _skills(values: Mapping[str, Any], achievement: Mapping[str, Any]) -> frozenset[str]:
    found: set[str] = set()
    for outcome in as_list(values.get("learning outcomes")):
        if isinstance(outcome, Mapping):
            found.update(s for s in as_list(outcome.get("esco")) if isinstance(s, str))
            if isinstance(outcome.get("url"), str):
                found.add(outcome["url"])
    for skill in as_list(achievement.get("relatedESCOSkill")):
        ident = skill.get("id") if isinstance(skill, Mapping) else skill
        if isinstance(ident, str):
            found.add(ident)
    for alignment in as_list(achievement.get("alignment")):
        if (
            isinstance(alignment, Mapping)
            and isinstance(alignment.get("targetUrl"), str)
            and alignment.get("targetType") not in (EQF_TARGET_TYPE, QA_TARGET_TYPE)
        ):
            found.add(alignment["targetUrl"])
    return frozenset(found)


def evidence_of(
    credential: Mapping[str, Any], *, verified: bool, recognised_as: Iterable[str] = ()
) -> CredentialEvidence:
    """The evidence item of an OB 3.0 credential (never raises on odd input)."""
    values = eu_elements(credential).values
    subject: Any = next(iter(as_list(credential.get("credentialSubject"))), {})
    found: Any = subject.get("achievement") if isinstance(subject, Mapping) else None
    achievement: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    workload = values.get("notional workload") or {}
    eqf_iri = (values.get("level") or {}).get("eqf")
    ident = credential.get("id")
    achievement_id = achievement.get("id")
    return CredentialEvidence(
        credential_id=ident if isinstance(ident, str) else "(no id)",
        issuer=issuer_id(credential),
        achievement_id=achievement_id if isinstance(achievement_id, str) else None,
        title=_title(values.get("title of the micro-credential")),
        ects=_decimal(workload.get("ects")) if workload.get("ects") else None,
        eqf=eqf_level_number(eqf_iri) if isinstance(eqf_iri, str) else None,
        skills=_skills(values, achievement),
        awarded=parse_datetime(credential.get("awardedDate"))
        or parse_datetime(values.get("date of issuing")),
        grade=values.get("grade achieved"),
        verified=verified,
        recognised_as=frozenset(recognised_as),
    )
