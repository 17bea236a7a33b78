"""The relational schema of the issuer service (SQLAlchemy 2 Core tables).

The tables are storage only: repositories map rows to and from the frozen dataclasses of
:mod:`microcred.service.records` by hand, so the schema never shapes a wire format. A signed
credential is kept in ``awards.credential`` as the exact text that was signed. Each status
purpose has a UNIQUE (list, index) pair on ``awards``, so a position can never be given twice
(Bitstring Status List v1.0 §6.5), and a list's ``allocation`` bitmap records the positions
handed out, used or not. Alembic migrations (``migrations/versions``) create this schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "api_keys",
    "audit_events",
    "awards",
    "bulk_jobs",
    "catalogue_entries",
    "catalogue_facets",
    "catalogue_versions",
    "metadata",
    "organisations",
    "signing_keys",
    "status_lists",
    "users",
    "webhook_deliveries",
    "webhooks",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every back end (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id(name: str = "id", **kwargs: Any) -> Column[str]:
    return Column(name, String(64), **kwargs)


def _org(*, index: bool = True) -> Column[str]:
    return Column(
        "organisation_id", String(64), ForeignKey("organisations.id"), nullable=False, index=index
    )


organisations = Table(
    "organisations",
    metadata,
    _id(primary_key=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("legal_name", Text, nullable=False),
    Column("country", String(8), nullable=False),
    Column("identifiers", JSON, nullable=False),
    Column("url", Text),
    Column("created_at", UtcDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    _id(primary_key=True),
    _org(),
    Column("prefix", String(64), nullable=False, unique=True),
    Column("secret_hash", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    _id(primary_key=True),
    _org(),
    Column("public_key_multibase", Text, nullable=False),
    Column("encrypted_secret", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime),
    Column("ordinal", Integer, nullable=False),  # the "#key-<ordinal>" of the did:web document
    UniqueConstraint("organisation_id", "ordinal"),
)

catalogue_entries = Table(
    "catalogue_entries",
    metadata,
    _id(primary_key=True),
    _org(),
    Column("slug", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("published_version", Integer),
    UniqueConstraint("organisation_id", "slug"),
)

catalogue_versions = Table(
    "catalogue_versions",
    metadata,
    _id(primary_key=True),
    Column("entry_id", String(64), ForeignKey("catalogue_entries.id"), nullable=False),
    _org(),
    Column("version", Integer, nullable=False),
    Column("description", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime),
    # Search columns, extracted from ``description`` when the version is stored.
    Column("search_text", Text, nullable=False),
    Column("eqf_level", Integer, index=True),
    Column("ects", Float, index=True),
    UniqueConstraint("entry_id", "version"),
)

catalogue_facets = Table(
    "catalogue_facets",
    metadata,
    Column(
        "version_id",
        String(64),
        ForeignKey("catalogue_versions.id"),
        primary_key=True,
    ),
    Column("kind", String(16), primary_key=True),
    Column("value", String(512), primary_key=True),
    Index("ix_catalogue_facets_kind_value", "kind", "value"),
)

status_lists = Table(
    "status_lists",
    metadata,
    _id(primary_key=True),
    _org(),
    Column("purpose", String(16), nullable=False),
    # The signing key the list was opened with: it signs the list and every credential given
    # a position in it (a rotation opens new lists, BSL 1.0 §3.2).
    Column("key_id", String(64), ForeignKey("signing_keys.id"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("length", Integer, nullable=False),
    Column("bits", LargeBinary, nullable=False),
    Column("allocation", LargeBinary, nullable=False),
    Column("allocated_count", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("signed_text", Text),
    Column("signed_version", Integer),
    UniqueConstraint("organisation_id", "purpose", "sequence"),
)

awards = Table(
    "awards",
    metadata,
    _id(primary_key=True),
    _org(index=False),
    Column("credential_id", String(512), nullable=False, unique=True),
    # NULL for a credential supplied through the W3C VC API (no catalogue version).
    Column("version_id", String(64), ForeignKey("catalogue_versions.id")),
    Column("learner", JSON, nullable=False),
    Column("learner_name", String(512)),
    Column("learner_email", String(512)),
    Column("credential", Text, nullable=False),
    Column("suite", String(64), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime),
    Column("state", String(16), nullable=False),
    Column("state_reason", Text),
    Column("state_changed_at", UtcDateTime),
    Column("row_key", String(256)),
    Column("revocation_list_id", String(64), ForeignKey("status_lists.id"), nullable=False),
    Column("revocation_index", Integer, nullable=False),
    Column("suspension_list_id", String(64), ForeignKey("status_lists.id")),
    Column("suspension_index", Integer),
    UniqueConstraint("revocation_list_id", "revocation_index"),
    UniqueConstraint("suspension_list_id", "suspension_index"),
    Index("ix_awards_version_id", "version_id"),
    Index("ix_awards_state", "state"),
    Index("ix_awards_organisation_id_issued_at", "organisation_id", "issued_at"),
    Index("ix_awards_learner_name", "learner_name"),
    Index("ix_awards_learner_email", "learner_email"),
    Index(
        "uq_awards_organisation_id_row_key",
        "organisation_id",
        "row_key",
        unique=True,
        sqlite_where=text("row_key IS NOT NULL"),
        postgresql_where=text("row_key IS NOT NULL"),
    ),
)

bulk_jobs = Table(
    "bulk_jobs",
    metadata,
    _id(primary_key=True),
    _org(index=False),
    Column("version_id", String(64), ForeignKey("catalogue_versions.id"), nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("total", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("issued", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("report", JSON, nullable=False),
    Column("finished_at", UtcDateTime),
    Index("ix_bulk_jobs_organisation_id_source_sha256", "organisation_id", "source_sha256"),
)

audit_events = Table(
    "audit_events",
    metadata,
    _id(primary_key=True),
    _org(index=False),
    Column("actor", String(256), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(512), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_audit_events_organisation_id_at", "organisation_id", "at"),
)

webhooks = Table(
    "webhooks",
    metadata,
    _id(primary_key=True),
    _org(),
    Column("url", Text, nullable=False),
    Column("secret_encrypted", LargeBinary, nullable=False),
    Column("events", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("label", Text, nullable=False, server_default=""),  # revision 0002
)

# The webhook outbox (revision 0002): one row per event and webhook, written when the event is
# published and kept after delivery as its history; ``payload`` is the exact body sent.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    _id(primary_key=True),
    _org(index=False),
    Column("webhook_id", String(64), ForeignKey("webhooks.id"), nullable=False),
    Column("event", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_attempt_at", UtcDateTime),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("delivered_at", UtcDateTime),
    Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_webhook_id_created_at", "webhook_id", "created_at"),
)

# People of organisations (revision 0003); e-mails are stored lower-case. Removal is soft.
users = Table(
    "users",
    metadata,
    _id(primary_key=True),
    _org(index=False),  # the unique (organisation_id, email) index serves lookups by organisation
    Column("email", String(254), nullable=False),
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("removed_at", UtcDateTime),
    Column("password_hash", String(256)),  # argon2id, revision 0004 (service/accounts.py)
    UniqueConstraint("organisation_id", "email"),
)
