"""The records of sharing (issue 4, "Sharing"): the links a learner shares one held credential
with, and the key held for each learner to sign presentations.

Frozen dataclasses like :mod:`microcred.service.records`. A share link's token is the secret part
of its URL (for an unlisted link, knowing the URL is the permission), kept as given so that the
learner can copy the link again; a holder key's seed is only ever stored encrypted
(``encrypted_secret``), never in a ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Visibility = Literal["public", "unlisted"]
"""``public``: search engines may index the page; ``unlisted``: ``noindex``, only people given
the URL find it."""

VISIBILITIES: tuple[Visibility, ...] = ("public", "unlisted")


@dataclass(frozen=True)
class ShareLinkRecord:
    """One shared view of one holding, until ``expires_at`` (if set) or until revoked."""

    id: str
    learner_id: str
    holding_id: str
    token: str = field(repr=False)
    visibility: Visibility
    created_at: datetime
    label: str | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    views: int = 0
    last_viewed_at: datetime | None = None

    def live_at(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True)
class HolderKeyRecord:
    """The Ed25519 key held for a learner (one per learner): its did:key is the holder of the
    presentations the learner makes; the seed is encrypted at rest."""

    id: str
    learner_id: str
    public_key_multibase: str
    encrypted_secret: bytes = field(repr=False)
    created_at: datetime
