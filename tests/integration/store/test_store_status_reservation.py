"""Status positions (BSL 1.0 §6.5): random, never handed out twice, a new list when one is full,
and no repeats between two processes reserving at the same time."""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from store_builders import committed_org_and_version
from store_workers import reserve_positions

from microcred.core.status.bitstring import Bitstring
from microcred.errors import InvalidInputError
from microcred.store.tables import status_lists
from microcred.store.unit_of_work import SqlUnitOfWork


def rng(seed: int) -> Callable[[int], bytes]:
    return random.Random(seed).randbytes


def test_three_lists_worth_of_positions_never_repeat(engine: Engine) -> None:
    org, _ = committed_org_and_version(engine)
    taken = []
    sizes = [1, 7, 20, 33, 64, 3, 40, 24]  # 192 = 3 lists of 64
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        for i, size in enumerate(sizes):
            refs = uow.status_lists.reserve(org.id, "revocation", size, rng=rng(i))
            assert len(refs) == size
            taken.extend(refs)
        lists = uow.status_lists.lists_for(org.id)
    assert len(set(taken)) == 192
    assert [(x.allocated_count, x.length, x.purpose) for x in lists] == [(64, 64, "revocation")] * 3
    per_list = Counter(ref.list_id for ref in taken)
    assert set(per_list) == {x.id for x in lists}
    assert set(per_list.values()) == {64}
    first = [ref.index for ref in taken if ref.list_id == lists[0].id]
    assert sorted(first) == list(range(64))
    assert first != sorted(first)  # random order, not sequential
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        (fourth,) = uow.status_lists.reserve(org.id, "revocation", 1, rng=rng(99))
        assert fourth.list_id not in per_list
        assert len(uow.status_lists.lists_for(org.id)) == 4


def test_purposes_have_separate_lists(engine: Engine) -> None:
    org, _ = committed_org_and_version(engine)
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        revocation = uow.status_lists.reserve(org.id, "revocation", 10, rng=rng(1))
        suspension = uow.status_lists.reserve(org.id, "suspension", 10, rng=rng(1))
        assert {r.list_id for r in revocation}.isdisjoint(r.list_id for r in suspension)
        purposes = sorted(x.purpose for x in uow.status_lists.lists_for(org.id))
    assert purposes == ["revocation", "suspension"]


def test_default_lists_have_131072_random_positions(engine: Engine) -> None:
    org, _ = committed_org_and_version(engine)
    with SqlUnitOfWork(engine) as uow:
        refs = uow.status_lists.reserve(org.id, "revocation", 500, rng=rng(2))
        (listed,) = uow.status_lists.lists_for(org.id)
    assert listed.length == 131_072
    assert len(listed.bits) == 131_072 // 8
    indexes = [ref.index for ref in refs]
    assert len(set(indexes)) == 500
    assert max(indexes) - min(indexes) > 100_000
    assert indexes != sorted(indexes)


def test_reservation_first_in_a_unit_of_work_commits_on_its_own(engine: Engine) -> None:
    org, _ = committed_org_and_version(engine)
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        refs = uow.status_lists.reserve(org.id, "revocation", 5, rng=rng(3))
        # no commit: the issuance failed; the positions stay used, never handed out again
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        (listed,) = uow.status_lists.lists_for(org.id)
        assert listed.allocated_count == 5
        more = uow.status_lists.reserve(org.id, "revocation", 59, rng=rng(3))
    assert {r.index for r in refs}.isdisjoint(r.index for r in more)


def test_bad_requests(engine: Engine) -> None:
    org, _ = committed_org_and_version(engine)
    with SqlUnitOfWork(engine) as uow:
        assert uow.status_lists.reserve(org.id, "revocation", 0, rng=rng(4)) == []
    with pytest.raises(InvalidInputError), SqlUnitOfWork(engine, status_list_length=60) as uow:
        pass
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        (ref,) = uow.status_lists.reserve(org.id, "revocation", 1, rng=rng(5))
        with pytest.raises(Exception, match="outside the list"):
            uow.status_lists.set_bits(ref.list_id, {64: True}, at=org.created_at)
        with pytest.raises(InvalidInputError):
            uow.status_lists.set_bits("absent", {1: True}, at=org.created_at)


@pytest.mark.parametrize(
    ("rounds", "per_round", "list_length"),
    [(1, 2000, 131_072), (20, 100, 2048)],
    ids=["2000-at-once", "100-at-a-time-over-two-lists"],
)
def test_two_processes_never_get_the_same_position(
    engine: Engine, database_url: str, rounds: int, per_round: int, list_length: int
) -> None:
    org, _ = committed_org_and_version(engine)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(
            target=reserve_positions,
            args=(database_url,),
            kwargs={
                "organisation_id": org.id,
                "list_length": list_length,
                "rounds": rounds,
                "per_round": per_round,
                "barrier": barrier,
                "results": results,
            },
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    try:
        outcomes = [results.get(timeout=180) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=60)
    for outcome in outcomes:
        assert isinstance(outcome, list), outcome
        assert len(outcome) == rounds * per_round
    taken = [pair for outcome in outcomes for pair in outcome]
    assert len(set(taken)) == len(taken) == 2 * rounds * per_round
    with SqlUnitOfWork(engine) as uow:
        lists = {x.id: x for x in uow.status_lists.lists_for(org.id)}
    assert sum(x.allocated_count for x in lists.values()) == len(taken)
    with engine.connect() as connection:
        for row in connection.execute(status_lists.select()):
            if row.id in lists:
                bitmap = Bitstring.from_bytes(bytes(row.allocation))
                assert set(bitmap.set_indices()) == {i for lid, i in taken if lid == row.id}
