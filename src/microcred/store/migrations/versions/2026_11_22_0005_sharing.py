"""Share links and holder keys for presentations (issue 4).

Revision ID: 20261122_0005
Revises: 20261122_0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261122_0005"
down_revision = "20261122_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.String(length=64), nullable=False),
        sa.Column("holding_id", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("views", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_viewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_share_links_learner_id_learners"
        ),
        sa.ForeignKeyConstraint(
            ["holding_id"],
            ["holdings.id"],
            name="fk_share_links_holding_id_holdings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_share_links"),
        sa.UniqueConstraint("token", name="uq_share_links_token"),
    )
    op.create_index(
        "ix_share_links_learner_id_created_at", "share_links", ["learner_id", "created_at"]
    )
    op.create_index("ix_share_links_holding_id", "share_links", ["holding_id"])
    op.create_table(
        "holder_keys",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.String(length=64), nullable=False),
        sa.Column("public_key_multibase", sa.Text(), nullable=False),
        sa.Column("encrypted_secret", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_holder_keys_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_holder_keys"),
        sa.UniqueConstraint("learner_id", name="uq_holder_keys_learner_id"),
    )


def downgrade() -> None:
    op.drop_table("holder_keys")
    op.drop_index("ix_share_links_holding_id", table_name="share_links")
    op.drop_index("ix_share_links_learner_id_created_at", table_name="share_links")
    op.drop_table("share_links")
