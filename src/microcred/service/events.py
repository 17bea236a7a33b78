"""Domain events delivered to webhooks (issue 3, "Webhooks"), published after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, runtime_checkable

from microcred.service.ports import EventPublisher

AWARD_ISSUED: Final = "award.issued"
AWARD_REVOKED: Final = "award.revoked"
AWARD_SUSPENDED: Final = "award.suspended"
AWARD_UNSUSPENDED: Final = "award.unsuspended"
BULK_FINISHED: Final = "bulk.finished"
EVENTS: Final = (AWARD_ISSUED, AWARD_REVOKED, AWARD_SUSPENDED, AWARD_UNSUSPENDED, BULK_FINISHED)

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One event of one organisation; ``data`` holds ids, never personal data or secrets."""

    organisation_id: str
    name: str
    data: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class BatchEventPublisher(Protocol):
    """A publisher that takes the events of one commit at once (one outbox write for a bulk
    chunk of 500 awards, not 500)."""

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None: ...
    def publish_many(self, events: Sequence[Event]) -> None: ...


def publish_events(publisher: EventPublisher, events: Iterable[Event]) -> None:
    """Hand every event to ``publisher`` (all at once when it is a
    :class:`BatchEventPublisher`). The change is already committed, so a failing publisher is
    logged, never raised: the caller's operation did succeed."""
    if isinstance(publisher, BatchEventPublisher):
        batch = list(events)
        try:
            if batch:
                publisher.publish_many(batch)
        except Exception:
            _log.exception("could not publish %d event(s)", len(batch))
        return
    for event in events:
        try:
            publisher.publish(event.organisation_id, event.name, dict(event.data))
        except Exception:
            _log.exception("could not publish %s for %s", event.name, event.organisation_id)
