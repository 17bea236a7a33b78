"""Organisation seal certificates for JAdES (issue 5).

Revision ID: 20261122_0007
Revises: 20261122_0006
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "20261122_0007"
down_revision = "20261122_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
