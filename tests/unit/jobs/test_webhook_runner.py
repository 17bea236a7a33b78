"""The webhook runner thread: polls, drains full batches at once, survives errors, stops."""

from __future__ import annotations

import logging
import threading

import pytest

from microcred.jobs.webhook_runner import WebhookRunner


class _Outbox:
    """``deliver``: answers with scripted batches (a list's length is what was attempted)."""

    def __init__(self, *batches: int | Exception) -> None:
        self.batches = list(batches)
        self.calls = 0
        self.drained = threading.Event()

    def __call__(self) -> list[int]:
        self.calls += 1
        if not self.batches:
            self.drained.set()
            return []
        batch = self.batches.pop(0)
        if isinstance(batch, Exception):
            raise batch
        return list(range(batch))


def test_full_batches_are_drained_at_once_then_it_waits() -> None:
    outbox = _Outbox(3, 3, 1)
    runner = WebhookRunner(outbox, interval_s=60, batch=3)
    runner.start()
    try:
        assert not outbox.drained.wait(0.5)  # 3, 3 at once; after 1 (< batch) it waits 60 s
        assert outbox.calls == 3
    finally:
        runner.stop(timeout_s=5)
    assert not runner.running


def test_an_error_is_logged_and_the_runner_carries_on(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    outbox = _Outbox(RuntimeError("database away"), 1)
    runner = WebhookRunner(outbox, interval_s=0.05, batch=10)
    runner.start()
    try:
        assert outbox.drained.wait(5)
    finally:
        runner.stop(timeout_s=5)
    assert outbox.calls >= 3
    assert "webhook delivery run failed" in caplog.text and "database away" in caplog.text


def test_start_twice_runs_one_thread_and_stop_is_prompt() -> None:
    outbox = _Outbox()
    runner = WebhookRunner(outbox, interval_s=3600, name="runner-under-test")
    runner.start()
    runner.start()
    assert runner.running
    assert outbox.drained.wait(5)
    names = [t.name for t in threading.enumerate()].count("runner-under-test")
    assert names == 1
    runner.stop(timeout_s=5)  # wakes the 1 h wait
    assert not runner.running and outbox.calls == 1
    assert runner.run_once() == 0
