"""What a shared page shows of a held credential (issue 4, "the shared page shows the
credential"): every Annex I element read back from a microcred Open Badges 3.0 credential
(:func:`microcred.core.formats.ob3.read_award`, printed by :func:`presenters.awarded` and the
``wallet/_eu_elements.html`` partial the wallet uses too), else what any OB 3.0 / VC credential
says (name, issuer, dates, description), in the visitor's language.

The badge image is never a remote address (the pages' CSP allows ``img-src 'self'`` only, and a
remote image would tell a third party who looks): this server's ``/credentials/{id}/badge.png``
for credentials issued here, else the share link's own ``/s/{token}/badge.png`` (the image of the
credential when it carries it as a ``data:`` URL, else microcred's neutral default badge).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from microcred.core.formats.ob3 import read_award
from microcred.core.i18n import Translator
from microcred.errors import MicrocredError
from microcred.service.learner_records import HoldingRecord
from microcred.web import presenters
from microcred.web.presenters import Awarded, Text


@dataclass(frozen=True)
class SharedView:
    """The credential as the page prints it; ``awarded`` holds every EU element when the
    credential is a microcred one."""

    title: str
    issuer: str
    learner: str | None
    issued: datetime | None
    expires: datetime | None
    credential_id: str | None
    description: Text | None
    image: str
    awarded: Awarded | None = None


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


def badge_path(holding: HoldingRecord, token: str | None) -> str:
    """The address of the badge image of ``holding`` on this server (see the module doc)."""
    if holding.award_id is not None:
        return f"/credentials/{holding.award_id}/badge.png"
    if token is not None:
        return f"/s/{token}/badge.png"
    return f"/wallet/{holding.id}/badge.png"


def shared_view(
    holding: HoldingRecord, languages: Sequence[str], t: Translator, *, token: str | None = None
) -> SharedView:
    """The view of ``holding`` for a visitor reading ``languages``, labels in ``t``'s language
    (``token``: the share link the page is seen through, for the badge address)."""
    document = _document(holding)
    base = SharedView(
        title=holding.title or "",
        issuer=holding.issuer_name or "",
        learner=_subject_name(document),
        issued=holding.issued_on or _when(document.get("validFrom")),
        expires=_when(document.get("validUntil") or document.get("expirationDate")),
        credential_id=_str(document.get("id")),
        description=None,
        image=badge_path(holding, token),
    )
    try:
        award = read_award(document)
    except MicrocredError:
        subject = document.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        text = _str(achievement.get("description")) if isinstance(achievement, Mapping) else None
        return base if text is None else replace(base, description=Text(text, ""))
    awarded = presenters.awarded(award, provider=holding.issuer_name, languages=languages, t=t)
    return replace(
        base,
        title=awarded.mc.card.title.text if awarded.mc.card.title else base.title,
        learner=awarded.learner or base.learner,
        expires=awarded.valid_until,
        description=awarded.mc.description,
        awarded=awarded,
    )


def _subject_name(document: Mapping[str, Any]) -> str | None:
    """The learner's name an OB 3.0 credential states in clear (``credentialSubject.name``, or
    an unhashed ``identifier`` with ``identityType`` ``name``)."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, Mapping):
        return None
    if name := _str(subject.get("name")):
        return name
    identifiers = subject.get("identifier")
    for entry in identifiers if isinstance(identifiers, list) else ():
        if (
            isinstance(entry, Mapping)
            and entry.get("identityType") == "name"
            and entry.get("hashed") is False
        ):
            return _str(entry.get("identityHash"))
    return None
