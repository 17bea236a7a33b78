"""The tables of learners and wallets (issue 4, revision 0004) on the shared ``metadata`` of
:mod:`microcred.store.tables`: learners, sessions, sign-in links and failed sign-ins, claims,
the mail outbox and holdings. Tokens are stored only as SHA-256 hashes; a held credential is
kept as its exact text.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from microcred.store.tables import UtcDateTime, metadata

__all__ = [
    "claims",
    "holdings",
    "learners",
    "mail_outbox",
    "sessions",
    "sign_in_failures",
    "sign_in_links",
]

learners = Table(
    "learners",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("password_hash", String(256)),
    Column("language", String(8)),
    Column("did", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("did_verified_at", UtcDateTime),  # revision 0008: control of ``did`` proven
    Column("did_challenge", String(128)),
    Column("did_challenge_expires_at", UtcDateTime),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("max_expires_at", UtcDateTime, nullable=False),
    Index("ix_sessions_kind_account_id", "kind", "account_id"),
)

sign_in_links = Table(
    "sign_in_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_key", String(400), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_sign_in_failures_account_key_at", "account_key", "at"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("award_id", String(64), ForeignKey("awards.id"), nullable=False, unique=True),
    Column("organisation_id", String(64), ForeignKey("organisations.id"), nullable=False),
    Column("email", String(254), nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    Column("learner_id", String(64), ForeignKey("learners.id")),
)

mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("recipient", String(254), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_attempt_at", UtcDateTime),
    Column("last_error", Text),
    Column("sent_at", UtcDateTime),
    Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

holdings = Table(
    "holdings",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("learner_id", String(64), ForeignKey("learners.id"), nullable=False),
    Column("credential", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source", Text, nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("issuer_name", Text, nullable=False),
    Column("issued_on", UtcDateTime),
    Column("titles", JSON, nullable=False),
    Column("award_id", String(64), ForeignKey("awards.id")),
    Column("holder_did", Text),
    Column("verified", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("checked_at", UtcDateTime),
    Column("report", JSON, nullable=False),
    Index("ix_holdings_learner_id_added_at", "learner_id", "added_at"),
    UniqueConstraint("learner_id", "award_id"),
)
