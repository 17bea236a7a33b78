"""The storage ports of sharing (issue 4): share links and holder keys, and the unit of work that
has them. ``microcred.store`` implements them with SQLAlchemy,
``tests/fakes.py`` in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from microcred.service.ports import UnitOfWork
from microcred.service.sharing_records import HolderKeyRecord, ShareLinkRecord


class ShareLinkRepository(Protocol):
    def add(self, link: ShareLinkRecord) -> None: ...
    def get(self, link_id: str) -> ShareLinkRecord | None: ...
    def by_token(self, token: str) -> ShareLinkRecord | None: ...
    def list_for(self, learner_id: str) -> list[ShareLinkRecord]:
        """The learner's links, revoked and expired ones included, newest first."""
        ...

    def revoke(self, link_id: str, *, at: datetime) -> None:
        """Set ``revoked_at`` unless it is set already."""
        ...

    def record_view(self, link_id: str, *, at: datetime) -> None:
        """Count one view and set ``last_viewed_at`` (one atomic update)."""
        ...


class HolderKeyRepository(Protocol):
    def add(self, key: HolderKeyRecord) -> None:
        """Add the learner's key; the store refuses a second one for the same learner."""
        ...

    def for_learner(self, learner_id: str) -> HolderKeyRecord | None: ...


class SharingUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with share links and holder keys besides every other repository."""

    share_links: ShareLinkRepository
    holder_keys: HolderKeyRepository


SharingUnitOfWorkFactory = Callable[[], SharingUnitOfWork]
