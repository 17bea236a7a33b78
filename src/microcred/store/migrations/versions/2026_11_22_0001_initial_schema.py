"""Initial schema of the issuer service: organisations, keys, catalogue, status lists, awards,
bulk jobs, audit log, webhooks.

Revision ID: 20261122_0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261122_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("legal_name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("slug", name="uq_organisations_slug"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_api_keys_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )
    op.create_index("ix_api_keys_organisation_id", "api_keys", ["organisation_id"], unique=False)
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=256), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=512), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_audit_events_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index(
        "ix_audit_events_organisation_id_at",
        "audit_events",
        ["organisation_id", "at"],
        unique=False,
    )
    op.create_table(
        "catalogue_entries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_catalogue_entries_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_catalogue_entries"),
        sa.UniqueConstraint(
            "organisation_id", "slug", name="uq_catalogue_entries_organisation_id_slug"
        ),
    )
    op.create_index(
        "ix_catalogue_entries_organisation_id",
        "catalogue_entries",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("public_key_multibase", sa.Text(), nullable=False),
        sa.Column("encrypted_secret", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_signing_keys_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_signing_keys"),
        sa.UniqueConstraint(
            "organisation_id", "ordinal", name="uq_signing_keys_organisation_id_ordinal"
        ),
    )
    op.create_index(
        "ix_signing_keys_organisation_id", "signing_keys", ["organisation_id"], unique=False
    )
    op.create_table(
        "status_lists",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("allocation", sa.LargeBinary(), nullable=False),
        sa.Column("allocated_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_text", sa.Text(), nullable=True),
        sa.Column("signed_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_status_lists_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["signing_keys.id"],
            name="fk_status_lists_key_id_signing_keys",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_status_lists"),
        sa.UniqueConstraint(
            "organisation_id",
            "purpose",
            "sequence",
            name="uq_status_lists_organisation_id_purpose_sequence",
        ),
    )
    op.create_index(
        "ix_status_lists_organisation_id", "status_lists", ["organisation_id"], unique=False
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_webhooks_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
    )
    op.create_index("ix_webhooks_organisation_id", "webhooks", ["organisation_id"], unique=False)
    op.create_table(
        "catalogue_versions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("eqf_level", sa.Integer(), nullable=True),
        sa.Column("ects", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["catalogue_entries.id"],
            name="fk_catalogue_versions_entry_id_catalogue_entries",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_catalogue_versions_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_catalogue_versions"),
        sa.UniqueConstraint("entry_id", "version", name="uq_catalogue_versions_entry_id_version"),
    )
    op.create_index("ix_catalogue_versions_ects", "catalogue_versions", ["ects"], unique=False)
    op.create_index(
        "ix_catalogue_versions_eqf_level", "catalogue_versions", ["eqf_level"], unique=False
    )
    op.create_index(
        "ix_catalogue_versions_organisation_id",
        "catalogue_versions",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "awards",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("credential_id", sa.String(length=512), nullable=False),
        sa.Column("version_id", sa.String(length=64), nullable=True),
        sa.Column("learner", sa.JSON(), nullable=False),
        sa.Column("learner_name", sa.String(length=512), nullable=True),
        sa.Column("learner_email", sa.String(length=512), nullable=True),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("suite", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=True),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_key", sa.String(length=256), nullable=True),
        sa.Column("revocation_list_id", sa.String(length=64), nullable=False),
        sa.Column("revocation_index", sa.Integer(), nullable=False),
        sa.Column("suspension_list_id", sa.String(length=64), nullable=True),
        sa.Column("suspension_index", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_awards_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["revocation_list_id"],
            ["status_lists.id"],
            name="fk_awards_revocation_list_id_status_lists",
        ),
        sa.ForeignKeyConstraint(
            ["suspension_list_id"],
            ["status_lists.id"],
            name="fk_awards_suspension_list_id_status_lists",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalogue_versions.id"],
            name="fk_awards_version_id_catalogue_versions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_awards"),
        sa.UniqueConstraint("credential_id", name="uq_awards_credential_id"),
        sa.UniqueConstraint(
            "revocation_list_id",
            "revocation_index",
            name="uq_awards_revocation_list_id_revocation_index",
        ),
        sa.UniqueConstraint(
            "suspension_list_id",
            "suspension_index",
            name="uq_awards_suspension_list_id_suspension_index",
        ),
    )
    op.create_index("ix_awards_learner_email", "awards", ["learner_email"], unique=False)
    op.create_index("ix_awards_learner_name", "awards", ["learner_name"], unique=False)
    op.create_index(
        "ix_awards_organisation_id_issued_at",
        "awards",
        ["organisation_id", "issued_at"],
        unique=False,
    )
    op.create_index("ix_awards_state", "awards", ["state"], unique=False)
    op.create_index("ix_awards_version_id", "awards", ["version_id"], unique=False)
    op.create_index(
        "uq_awards_organisation_id_row_key",
        "awards",
        ["organisation_id", "row_key"],
        unique=True,
        sqlite_where=sa.text("row_key IS NOT NULL"),
        postgresql_where=sa.text("row_key IS NOT NULL"),
    )
    op.create_table(
        "bulk_jobs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.String(length=64), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_bulk_jobs_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalogue_versions.id"],
            name="fk_bulk_jobs_version_id_catalogue_versions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_bulk_jobs"),
    )
    op.create_index(
        "ix_bulk_jobs_organisation_id_source_sha256",
        "bulk_jobs",
        ["organisation_id", "source_sha256"],
        unique=False,
    )
    op.create_table(
        "catalogue_facets",
        sa.Column("version_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=512), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalogue_versions.id"],
            name="fk_catalogue_facets_version_id_catalogue_versions",
        ),
        sa.PrimaryKeyConstraint("version_id", "kind", "value", name="pk_catalogue_facets"),
    )
    op.create_index(
        "ix_catalogue_facets_kind_value", "catalogue_facets", ["kind", "value"], unique=False
    )


def downgrade() -> None:
    op.drop_table("catalogue_facets")
    op.drop_table("bulk_jobs")
    op.drop_table("awards")
    op.drop_table("catalogue_versions")
    op.drop_table("webhooks")
    op.drop_table("status_lists")
    op.drop_table("signing_keys")
    op.drop_table("catalogue_entries")
    op.drop_table("audit_events")
    op.drop_table("api_keys")
    op.drop_table("organisations")
