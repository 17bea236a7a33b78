"""The outbox driver: a background thread that drains an outbox (webhook deliveries, and
with ``name="microcred-mail"`` the mail outbox of :func:`microcred.service.mail.send_due`).

Every ``interval_s`` seconds it calls ``deliver`` (bound by the composition root to
:func:`microcred.service.webhooks.deliver_due`), and again at once while a call sends a full
batch. Several runners, in one or many processes, may share a database: each delivery is
claimed before it is sent. An error is logged and the runner carries on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sized

_log = logging.getLogger(__name__)


class WebhookRunner:
    """``start()`` a daemon thread that polls ``deliver``; ``stop()`` ends it after the call in
    progress. ``deliver`` returns what it attempted (its length compared with ``batch``)."""

    def __init__(
        self,
        deliver: Callable[[], Sized],
        *,
        interval_s: float = 2.0,
        batch: int = 100,
        name: str = "microcred-webhooks",
        what: str = "webhook delivery",
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self._deliver = deliver
        self._interval_s = interval_s
        self._batch = batch
        self._name = name
        self._what = what
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def run_once(self) -> int:
        """One call of ``deliver``; how many deliveries it attempted (0 after an error)."""
        try:
            return len(self._deliver())
        except Exception:
            _log.exception("%s run failed", self._what)
            return 0

    def _loop(self) -> None:
        while not self._stopping.is_set():
            if self.run_once() < self._batch:
                self._stopping.wait(self._interval_s)
