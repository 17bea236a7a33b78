"""Trust registry, recognition and stacking rules (issue 5).

Revision ID: 20261122_0006
Revises: 20261122_0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "20261122_0006"
down_revision = "20261122_0005"
branch_labels = None
depends_on = None


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"], ["organisations.id"], name=f"fk_{table}_organisation_id_organisations"
    )


def _when(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "registry_entries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("did", sa.Text(), nullable=False),
        sa.Column("legal_name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("qa_type", sa.Text(), nullable=False),
        sa.Column("accrediting_body", sa.Text(), nullable=False),
        _when("valid_from"),
        _when("valid_until", nullable=True),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_registry_entries"),
    )
    op.create_index("ix_registry_entries_did", "registry_entries", ["did"])
    op.create_table(
        "pathways",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("auto_issue", sa.Boolean(), nullable=False),
        _when("created_at"),
        _org_fk("pathways"),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["catalogue_entries.id"], name="fk_pathways_entry_id_catalogue_entries"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pathways"),
        sa.UniqueConstraint("organisation_id", "slug", name="uq_pathways_organisation_id_slug"),
    )
    op.create_table(
        "stack_claims",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("pathway_id", sa.String(length=64), nullable=False),
        sa.Column("learner", sa.JSON(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("award_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        _when("decided_at", nullable=True),
        _when("created_at"),
        _org_fk("stack_claims"),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["pathways.id"], name="fk_stack_claims_pathway_id_pathways"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stack_claims"),
    )
    op.create_index("ix_stack_claims_pathway_id", "stack_claims", ["pathway_id"])
    op.create_table(
        "recognition_policies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("equivalent", sa.String(length=100), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("registry", sa.Boolean(), nullable=False),
        sa.Column("external_achievement", sa.Text(), nullable=True),
        _when("created_at"),
        _org_fk("recognition_policies"),
        sa.PrimaryKeyConstraint("id", name="pk_recognition_policies"),
    )
    op.create_index(
        "ix_recognition_policies_organisation_id", "recognition_policies", ["organisation_id"]
    )
    op.create_table(
        "recognitions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("learner", sa.JSON(), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("credential_id", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("achievement_id", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=True),
        sa.Column("equivalent", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("record_award_id", sa.String(length=64), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        _when("submitted_at"),
        _org_fk("recognitions"),
        sa.PrimaryKeyConstraint("id", name="pk_recognitions"),
    )
    op.create_index("ix_recognitions_organisation_id", "recognitions", ["organisation_id"])


def downgrade() -> None:
    op.drop_table("recognitions")
    op.drop_table("recognition_policies")
    op.drop_table("stack_claims")
    op.drop_table("pathways")
    op.drop_table("registry_entries")
