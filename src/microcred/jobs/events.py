"""Domain events to the log: ``award.issued``, ``award.revoked``, ``bulk.finished``...

:class:`LogPublisher` writes each event as one structured line on the ``microcred.events``
logger (never secrets: events carry ids only). :class:`FanOutPublisher` hands every event to
several publishers; the composition root combines the log with the webhook outbox
(:class:`microcred.service.webhooks.OutboxPublisher`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from microcred.service.events import Event, publish_events
from microcred.service.ports import EventPublisher

_log = logging.getLogger("microcred.events")


class LogPublisher:
    """Writes every event as one JSON line at INFO level."""

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None:
        _log.info(
            json.dumps(
                {"event": event, "organisation": organisation_id, **data},
                ensure_ascii=False,
                default=str,
            )
        )


class FanOutPublisher:
    """Every event to each publisher in turn (in one batch to those that take batches); a
    publisher that fails is logged and does not keep the event from the others."""

    def __init__(self, *publishers: EventPublisher) -> None:
        self._publishers = publishers

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None:
        self.publish_many([Event(organisation_id, event, data)])

    def publish_many(self, events: Sequence[Event]) -> None:
        for publisher in self._publishers:
            publish_events(publisher, events)
