"""Domain events to the log: ``award.issued``, ``award.revoked``, ``bulk.finished``...

The :class:`~microcred.service.ports.EventPublisher` of an installation without webhooks: each
event is one structured line on the ``microcred.events`` logger (never secrets: events carry ids
only). Webhook delivery (HMAC-signed, retried) is not built yet.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

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
