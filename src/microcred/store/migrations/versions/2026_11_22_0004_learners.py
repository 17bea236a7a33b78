"""Learners, sign-in sessions, claims, the mail outbox and the wallet (issue 4).

Also the ``password_hash`` of organisation users (staff sign-in).

Revision ID: 20261122_0004
Revises: 20261122_0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261122_0004"
down_revision = "20261122_0003"
branch_labels = None
depends_on = None


def _time(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=256), nullable=True))
    op.create_table(
        "learners",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("did", sa.Text(), nullable=True),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_learners"),
        sa.UniqueConstraint("email", name="uq_learners_email"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        _time("created_at"),
        _time("expires_at"),
        _time("max_expires_at"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )
    op.create_index("ix_sessions_kind_account_id", "sessions", ["kind", "account_id"])
    op.create_table(
        "sign_in_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        _time("created_at"),
        _time("expires_at"),
        _time("used_at", nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sign_in_links"),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_key", sa.String(length=400), nullable=False),
        _time("at"),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_failures"),
    )
    op.create_index("ix_sign_in_failures_account_key_at", "sign_in_failures", ["account_key", "at"])
    op.create_table(
        "claims",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("award_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        _time("created_at"),
        _time("expires_at"),
        _time("used_at", nullable=True),
        sa.Column("learner_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["award_id"], ["awards.id"], name="fk_claims_award_id_awards"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_claims_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_claims_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.UniqueConstraint("award_id", name="uq_claims_award_id"),
        sa.UniqueConstraint("token_hash", name="uq_claims_token_hash"),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        _time("created_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at", nullable=True),
        _time("last_attempt_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _time("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_mail_outbox"),
    )
    op.create_index(
        "ix_mail_outbox_status_next_attempt_at", "mail_outbox", ["status", "next_attempt_at"]
    )
    op.create_table(
        "holdings",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.String(length=64), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        _time("added_at"),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("issuer_name", sa.Text(), nullable=False),
        _time("issued_on", nullable=True),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("award_id", sa.String(length=64), nullable=True),
        sa.Column("holder_did", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _time("checked_at", nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_holdings_learner_id_learners"
        ),
        sa.ForeignKeyConstraint(["award_id"], ["awards.id"], name="fk_holdings_award_id_awards"),
        sa.PrimaryKeyConstraint("id", name="pk_holdings"),
        sa.UniqueConstraint("learner_id", "award_id", name="uq_holdings_learner_id_award_id"),
    )
    op.create_index("ix_holdings_learner_id_added_at", "holdings", ["learner_id", "added_at"])


def downgrade() -> None:
    op.drop_table("holdings")
    op.drop_table("mail_outbox")
    op.drop_table("claims")
    op.drop_table("sign_in_failures")
    op.drop_table("sign_in_links")
    op.drop_table("sessions")
    op.drop_table("learners")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_hash")
