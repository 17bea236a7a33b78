"""Verification report: one entry per check and an overall verdict.

The shape follows the W3C VC Data Model 2.0 verification result (§7.1: ``verified``, problem
details as RFC 9457 objects) and adds what a person needs: one named check per concern, each
``passed``, ``failed`` or ``skipped`` with a plain reason. Checks marked ``required=False``
(EU element completeness, later trust-registry membership) inform but do not decide the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """What happened to one check."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckResult:
    """The result of one check, e.g. ``proof``, ``validity window``, ``status``."""

    name: str
    outcome: Outcome
    reason: str
    problem_type: str | None = None
    required: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "check": self.name,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "required": self.required,
        }
        if self.problem_type:
            data["problemType"] = self.problem_type
        if self.details:
            data["details"] = self.details
        return data


@dataclass(frozen=True)
class CredentialSummary:
    """Who issued what to whom, as read from the document (not proof of anything by itself)."""

    id: str | None = None
    types: tuple[str, ...] = ()
    issuer_id: str | None = None
    issuer_name: str | None = None
    achievement_name: str | None = None
    subject: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    securing: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class VerificationReport:
    """All checks run on one credential and the overall verdict."""

    checks: tuple[CheckResult, ...]
    summary: CredentialSummary = field(default_factory=CredentialSummary)

    @property
    def verified(self) -> bool:
        """True when every required check passed or was skipped, and at least one passed."""
        required = [c for c in self.checks if c.required]
        return (
            bool(required)
            and all(c.outcome is not Outcome.FAILED for c in required)
            and any(c.passed for c in required)
        )

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.required and c.outcome is Outcome.FAILED)

    def check(self, name: str) -> CheckResult | None:
        """The first check with this name, if it ran."""
        return next((c for c in self.checks if c.name == name), None)

    def problem_details(self) -> list[dict[str, str]]:
        """RFC 9457 problem details for every failed required check (VC-DM 2.0 §7.1)."""
        return [
            {
                "type": c.problem_type or "about:blank",
                "title": c.name,
                "detail": c.reason,
            }
            for c in self.failures
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "credential": self.summary.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "problemDetails": self.problem_details(),
        }
