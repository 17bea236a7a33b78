"""Trust registry, recognition and stacking rules (issue 5).

Revision ID: 20261122_0006
Revises: 20261122_0005
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "20261122_0006"
down_revision = "20261122_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
