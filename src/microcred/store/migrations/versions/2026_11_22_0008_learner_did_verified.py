"""A learner's proven DID (issue 4, "learners can be identified by a DID they control"): when
control of ``learners.did`` was proven by DID authentication, and the pending challenge.

Revision ID: 20261122_0008
Revises: 20261122_0007
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261122_0008"
down_revision = "20261122_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("did_verified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("did_challenge", sa.String(length=128), nullable=True))
        batch.add_column(
            sa.Column("did_challenge_expires_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("did_challenge_expires_at")
        batch.drop_column("did_challenge")
        batch.drop_column("did_verified_at")
