"""Share links and holder keys for presentations (issue 4).

Revision ID: 20261122_0005
Revises: 20261122_0004
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "20261122_0005"
down_revision = "20261122_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
