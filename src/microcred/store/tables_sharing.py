"""The tables of sharing (revision 0005): ``share_links`` and ``holder_keys``, on the shared
:data:`~microcred.store.tables.metadata`.

A share link dies with its holding (``ON DELETE CASCADE``): a credential removed from the wallet
is no longer shared. A holder key's seed is stored AES-256-GCM encrypted (``store/cipher.py``);
one key per learner (unique ``learner_id``).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Text

from microcred.store import tables_learners  # noqa: F401 -- the learners and holdings referred to
from microcred.store.tables import UtcDateTime, metadata

__all__ = ["holder_keys", "share_links"]

share_links = Table(
    "share_links",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("learner_id", String(64), ForeignKey("learners.id"), nullable=False),
    Column("holding_id", String(64), ForeignKey("holdings.id", ondelete="CASCADE"), nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    Column("visibility", String(16), nullable=False),
    Column("label", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Column("views", Integer, nullable=False, server_default="0"),
    Column("last_viewed_at", UtcDateTime),
    Index("ix_share_links_learner_id_created_at", "learner_id", "created_at"),
    Index("ix_share_links_holding_id", "holding_id"),
)

holder_keys = Table(
    "holder_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("learner_id", String(64), ForeignKey("learners.id"), nullable=False, unique=True),
    Column("public_key_multibase", Text, nullable=False),
    Column("encrypted_secret", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
