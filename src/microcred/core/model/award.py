"""The award of a micro-credential to a learner (Annex I elements 1, 5 and "grade achieved")."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from microcred.core.model.learner import Learner
from microcred.core.model.microcredential import MicroCredential

__all__ = ["Award", "Evidence", "expiry_of"]


@dataclass(frozen=True)
class Evidence:
    """Evidence of the learner's work (OB 3.0 ``Evidence``): a URL and/or a narrative."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None


@dataclass(frozen=True)
class Award:
    """A micro-credential awarded to a learner.

    ``issued`` is the date of issuing (Annex I element 5, timezone-aware); ``awarded`` the
    original award date when re-issuing (defaults to ``issued``).
    """

    learner: Learner
    micro_credential: MicroCredential
    issued: datetime
    awarded: datetime | None = None
    grade: str | None = None
    evidence: tuple[Evidence, ...] = ()
    valid_until: datetime | None = None
    credential_id: str | None = None


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def expiry_of(mc: MicroCredential, issued: datetime) -> datetime | None:
    """``issued`` plus the micro-credential's validity (ISO 8601 ``PnYnMnWnD``), or None.

    Calendar arithmetic: months and years keep the day of month, clamped to the month's end.
    """
    match = _DURATION.match(mc.validity or "")
    if not mc.validity or match is None:
        return None
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    total = issued.month - 1 + months + 12 * years
    year, month = issued.year + total // 12, total % 12 + 1
    if year > 9999:
        return None
    day = min(issued.day, calendar.monthrange(year, month)[1])
    try:
        return issued.replace(year=year, month=month, day=day) + timedelta(weeks=weeks, days=days)
    except OverflowError:
        return None
