"""The records of learners and their wallets (issue 4): accounts, sign-in sessions and links,
claims of awards, queued e-mails and the credentials a learner holds.

Frozen dataclasses like :mod:`microcred.service.records`; secrets (passwords, session and link
tokens, claim tokens) are never in a record: only their hashes are, and password hashes stay in
the repositories (``password_hash`` / ``set_password_hash``), out of every record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

AccountKind = Literal["learner", "staff"]
MailStatus = Literal["pending", "sent", "dead"]
HoldingStatus = Literal["valid", "expired", "suspended", "revoked", "invalid", "unknown"]
HoldingKind = Literal["ob3", "jwt", "ob2", "elm"]


@dataclass(frozen=True)
class LearnerRecord:
    """A learner's account: ``email`` lower-case and unique; ``did`` a DID they say they control,
    ``did_verified_at`` when they proved it by DID authentication (None: not proven)."""

    id: str
    email: str
    name: str
    created_at: datetime
    language: str | None = None
    did: str | None = None
    did_verified_at: datetime | None = None


@dataclass(frozen=True)
class SessionRecord:
    """A signed-in browser: the SHA-256 of its token, whose account, until when (sliding
    ``expires_at``, never past ``max_expires_at``)."""

    token_hash: str
    kind: AccountKind
    account_id: str
    created_at: datetime
    expires_at: datetime
    max_expires_at: datetime


@dataclass(frozen=True)
class SignInLinkRecord:
    """A one-time passwordless sign-in link (SHA-256 of its token), usable once before
    ``expires_at``."""

    token_hash: str
    kind: AccountKind
    account_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class ClaimRecord:
    """The right to put one award in a wallet, sent by e-mail as a link with a secret token
    (only its SHA-256 is kept); one per award."""

    id: str
    token_hash: str
    award_id: str
    organisation_id: str
    email: str
    language: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    learner_id: str | None = None


@dataclass(frozen=True)
class MailRecord:
    """One e-mail in the outbox, rendered when queued: every attempt sends the same message."""

    id: str
    to: str
    subject: str
    text: str
    html: str | None
    created_at: datetime
    status: MailStatus = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class HoldingRecord:
    """A credential in a learner's wallet: the exact text, where it came from, what it shows,
    and the result of its last verification."""

    id: str
    learner_id: str
    credential: str
    kind: HoldingKind
    source: str
    """``award:<award id>`` for a claimed award, ``import:<file name>`` for an import."""
    added_at: datetime
    title: str = ""
    issuer_name: str = ""
    issued_on: datetime | None = None
    titles: Mapping[str, str] = field(default_factory=dict)
    award_id: str | None = None
    holder_did: str | None = None
    verified: bool = False
    status: HoldingStatus = "unknown"
    checked_at: datetime | None = None
    report: Mapping[str, Any] = field(default_factory=dict)
