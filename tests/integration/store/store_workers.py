"""Code run in child processes (spawned) by the store concurrency tests."""

from __future__ import annotations

import os
from typing import Any

from microcred.store.engine import make_engine, upgrade
from microcred.store.unit_of_work import SqlUnitOfWork


def reserve_positions(
    url: str,
    *,
    organisation_id: str,
    key_id: str,
    list_length: int,
    rounds: int,
    per_round: int,
    barrier: Any,
    results: Any,
) -> None:
    """Wait for the other process, then reserve ``rounds`` x ``per_round`` positions; put the
    (list id, index) pairs on ``results``."""
    engine = make_engine(url)
    try:
        taken: list[tuple[str, int]] = []
        barrier.wait(timeout=60)
        for _ in range(rounds):
            with SqlUnitOfWork(engine, status_list_length=list_length) as uow:
                refs = uow.status_lists.reserve(
                    organisation_id, "revocation", per_round, rng=os.urandom, key_id=key_id
                )
                uow.commit()
            taken.extend((ref.list_id, ref.index) for ref in refs)
        results.put(taken)
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        engine.dispose()


def upgrade_together(url: str, barrier: Any) -> None:
    """Wait for the other process, then migrate the database at ``url``."""
    barrier.wait(timeout=60)
    upgrade(url)
