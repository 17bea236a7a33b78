"""The tables of the trust registry, recognition and stacking (revision 0006), on the shared
:data:`~microcred.store.tables.metadata`.

``registry_entries`` is platform-wide (no organisation); pathways, their claims, recognition
policies and recognition requests belong to one organisation each. A recognition request keeps
the external credential as the exact text submitted.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from microcred.store.tables import UtcDateTime, metadata

__all__ = [
    "pathways",
    "recognition_policies",
    "recognitions",
    "registry_entries",
    "stack_claims",
]


def _org() -> Column[str]:
    return Column("organisation_id", String(64), ForeignKey("organisations.id"), nullable=False)


registry_entries = Table(
    "registry_entries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("did", Text, nullable=False),
    Column("legal_name", Text, nullable=False),
    Column("country", String(8), nullable=False),
    Column("qa_type", Text, nullable=False),
    Column("accrediting_body", Text, nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_registry_entries_did", "did"),
)

pathways = Table(
    "pathways",
    metadata,
    Column("id", String(64), primary_key=True),
    _org(),
    Column("slug", String(100), nullable=False),
    Column("entry_id", String(64), ForeignKey("catalogue_entries.id"), nullable=False),
    Column("rules", JSON, nullable=False),
    Column("auto_issue", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("organisation_id", "slug"),
)

stack_claims = Table(
    "stack_claims",
    metadata,
    Column("id", String(64), primary_key=True),
    _org(),
    Column("pathway_id", String(64), ForeignKey("pathways.id"), nullable=False),
    Column("learner", JSON, nullable=False),
    Column("parts", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("award_id", String(64)),
    Column("reason", Text),
    Column("decided_by", Text),
    Column("decided_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_stack_claims_pathway_id", "pathway_id"),
)

recognition_policies = Table(
    "recognition_policies",
    metadata,
    Column("id", String(64), primary_key=True),
    _org(),
    Column("equivalent", String(100), nullable=False),
    Column("issuer", Text),
    Column("registry", Boolean, nullable=False),
    Column("external_achievement", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_recognition_policies_organisation_id", "organisation_id"),
)

recognitions = Table(
    "recognitions",
    metadata,
    Column("id", String(64), primary_key=True),
    _org(),
    Column("learner", JSON, nullable=False),
    Column("credential", Text, nullable=False),
    Column("credential_id", Text, nullable=False),
    Column("issuer", Text),
    Column("achievement_id", Text),
    Column("verified", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("policy_id", String(64)),
    Column("equivalent", String(100)),
    Column("reason", Text),
    Column("decided_by", Text),
    Column("decided_at", UtcDateTime),
    Column("record_award_id", String(64)),
    Column("report", JSON, nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Index("ix_recognitions_organisation_id", "organisation_id"),
)
