"""The ``seals`` table (revision 0007) on the shared :data:`~microcred.store.tables.metadata`:
organisation seal certificates for JAdES, private key encrypted (service/seals.py)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, String, Table, Text

from microcred.store.tables import UtcDateTime, metadata

__all__ = ["seals"]

seals = Table(
    "seals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organisation_id", String(64), ForeignKey("organisations.id"), nullable=False),
    Column("label", String(200), nullable=False),
    Column("subject", Text, nullable=False),
    Column("algorithm", String(16), nullable=False),
    Column("certificate_chain", Text, nullable=False),
    Column("encrypted_key", LargeBinary, nullable=False),
    Column("organization_identifier", Text),
    Column("not_before", UtcDateTime, nullable=False),
    Column("not_after", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime),
    Index("ix_seals_organisation_id", "organisation_id"),
)
