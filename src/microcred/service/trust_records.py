"""What the trust registry, recognition and stacking keep (issue 5).

Frozen dataclasses the store maps to ``store/tables_trust.py``. A registry entry wraps the core
:class:`~microcred.core.trust.registry.TrustedProvider`; a pathway holds its rules as the file's
data (validated by :func:`microcred.core.stacking.rules.load_rules` before it is stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from microcred.core.trust.registry import TrustedProvider

DecisionState = Literal["pending", "approved", "rejected"]
ClaimState = Literal["pending", "issued", "rejected"]


@dataclass(frozen=True)
class RegistryEntryRecord:
    """One accreditation in the platform's trust registry."""

    id: str
    provider: TrustedProvider
    created_at: datetime


@dataclass(frozen=True)
class PathwayRecord:
    """A stacked credential a provider offers: the catalogue entry it issues and its rules.

    ``auto_issue``: issue as soon as the rules are met; otherwise a claim waits for an issuer's
    approval."""

    id: str
    organisation_id: str
    slug: str
    entry_id: str
    rules: Mapping[str, Any]
    created_at: datetime
    auto_issue: bool = False


@dataclass(frozen=True)
class RecognitionPolicyRecord:
    """A provider recognises an external issuer's credentials as one of its own entries.

    ``issuer``: the external issuer's DID, or None for "any issuer in the trust registry with an
    accreditation valid on the issuing date" (``registry`` must then be True).
    ``external_achievement``: only this achievement id of theirs (None: any).
    ``equivalent``: the slug of the provider's own catalogue entry it counts as."""

    id: str
    organisation_id: str
    equivalent: str
    created_at: datetime
    issuer: str | None = None
    registry: bool = False
    external_achievement: str | None = None


@dataclass(frozen=True)
class RecognitionRecord:
    """A learner's request to have an external credential recognised, and its decision.

    An approved one names the entry it counts as (``equivalent``) and the award of that entry
    issued as the shareable recognition record (``record_award_id``)."""

    id: str
    organisation_id: str
    learner: Mapping[str, Any]
    credential: str
    credential_id: str
    issuer: str | None
    achievement_id: str | None
    verified: bool
    submitted_at: datetime
    state: DecisionState = "pending"
    policy_id: str | None = None
    equivalent: str | None = None
    reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    record_award_id: str | None = None
    report: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StackClaimRecord:
    """Rules met for a learner: the stacked credential to issue (or issued) from its parts."""

    id: str
    organisation_id: str
    pathway_id: str
    learner: Mapping[str, Any]
    parts: tuple[str, ...]
    created_at: datetime
    state: ClaimState = "pending"
    award_id: str | None = None
    reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
