"""The storage ports of learners and wallets (issue 4), part of the unit of work
(:class:`microcred.service.ports.UnitOfWork`): learners, sessions, sign-in links and failed
attempts, claims, the mail outbox and holdings. ``microcred.store`` implements them with
SQLAlchemy, ``tests/fakes.py`` in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from microcred.service.learner_records import (
    ClaimRecord,
    HoldingRecord,
    LearnerRecord,
    MailRecord,
    SessionRecord,
    SignInLinkRecord,
)


class LearnerRepository(Protocol):
    def add(self, learner: LearnerRecord) -> None: ...
    def get(self, learner_id: str) -> LearnerRecord | None: ...
    def by_email(self, email: str) -> LearnerRecord | None:
        """The learner with this (lower-case) e-mail."""
        ...

    def update(self, learner: LearnerRecord) -> None:
        """Store ``name``, ``language``, ``did`` and ``did_verified_at``."""
        ...

    def set_did_challenge(
        self, learner_id: str, challenge: str | None, expires_at: datetime | None
    ) -> None:
        """Keep (or with None, forget) the pending DID authentication challenge."""
        ...

    def did_challenge(self, learner_id: str) -> tuple[str, datetime] | None:
        """The pending DID authentication challenge and until when it holds, or None."""
        ...

    def delete(self, learner_id: str) -> None:
        """Delete the learner and everything theirs: holdings, share links, holder key and
        sign-in links; claims they used stay used, without the learner."""
        ...

    def password_hash(self, learner_id: str) -> str | None: ...
    def set_password_hash(self, learner_id: str, password_hash: str | None) -> None: ...


class SessionRepository(Protocol):
    def add(self, session: SessionRecord) -> None: ...
    def get(self, token_hash: str) -> SessionRecord | None: ...
    def extend(self, token_hash: str, *, expires_at: datetime) -> None: ...
    def delete(self, token_hash: str) -> None: ...
    def delete_for(self, kind: str, account_id: str) -> int:
        """End every session of the account; how many there were."""
        ...


class SignInLinkRepository(Protocol):
    def add(self, link: SignInLinkRecord) -> None: ...
    def get(self, token_hash: str) -> SignInLinkRecord | None: ...
    def mark_used(self, token_hash: str, *, at: datetime) -> bool:
        """Mark an unused link used; False when it was used already (a concurrent use)."""
        ...


class SignInFailureRepository(Protocol):
    """Failed password sign-ins per account key, for rate limiting."""

    def record(self, key: str, *, at: datetime) -> None: ...
    def count_since(self, key: str, since: datetime) -> int: ...
    def clear(self, key: str) -> None: ...


class ClaimRepository(Protocol):
    def add_many(self, claims: Sequence[ClaimRecord]) -> None: ...
    def by_token_hash(self, token_hash: str) -> ClaimRecord | None: ...
    def for_award(self, award_id: str) -> ClaimRecord | None: ...
    def awards_with_claims(self, award_ids: Sequence[str]) -> set[str]:
        """Which of ``award_ids`` already have a claim."""
        ...

    def mark_used(self, claim_id: str, *, learner_id: str, at: datetime) -> bool:
        """Mark an unused claim used by ``learner_id``; False when it was used already."""
        ...


class MailOutbox(Protocol):
    def add_many(self, mails: Sequence[MailRecord]) -> None: ...
    def get(self, mail_id: str) -> MailRecord | None: ...
    def claim_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[MailRecord]:
        """Like :meth:`microcred.service.ports.DeliveryRepository.claim_due` for e-mails."""
        ...

    def update(self, mail: MailRecord) -> None:
        """Store the outcome of an attempt: status, attempts, times, last error and the body
        (cleared once the mail is sent or dead)."""
        ...

    def delete_older_than(self, cutoff: datetime) -> int:
        """Delete the mails created before ``cutoff``; how many were deleted."""
        ...


class HoldingRepository(Protocol):
    def add(self, holding: HoldingRecord) -> None: ...
    def get(self, holding_id: str) -> HoldingRecord | None: ...
    def list_for(self, learner_id: str) -> list[HoldingRecord]:
        """The learner's holdings, newest first."""
        ...

    def for_award(self, learner_id: str, award_id: str) -> HoldingRecord | None: ...
    def stale(self, *, checked_before: datetime, limit: int) -> list[HoldingRecord]:
        """Up to ``limit`` holdings of any learner never checked or last checked before
        ``checked_before``, never-checked first, then the oldest check first."""
        ...

    def update_check(self, holding: HoldingRecord) -> None:
        """Store ``verified``, ``status``, ``checked_at`` and ``report``."""
        ...

    def delete(self, holding_id: str) -> None: ...
