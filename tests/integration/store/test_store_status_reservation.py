"""Status positions (BSL 1.0 §6.5): random, never handed out twice, a new list when one is full,
lists bound to the signing key they were opened with, and no repeats between two processes
reserving at the same time."""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from store_builders import committed_org_version_key, new_key
from store_workers import reserve_positions

from microcred.core.status.bitstring import Bitstring
from microcred.errors import InvalidInputError
from microcred.store.tables import status_lists
from microcred.store.unit_of_work import SqlUnitOfWork


def rng(seed: int) -> Callable[[int], bytes]:
    return random.Random(seed).randbytes


def test_three_lists_worth_of_positions_never_repeat(engine: Engine) -> None:
    org, _, key = committed_org_version_key(engine)
    taken = []
    sizes = [1, 7, 20, 33, 64, 3, 40, 24]  # 192 = 3 lists of 64
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        for i, size in enumerate(sizes):
            refs = uow.status_lists.reserve(org.id, "revocation", size, rng=rng(i), key_id=key)
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
        (fourth,) = uow.status_lists.reserve(org.id, "revocation", 1, rng=rng(99), key_id=key)
        assert fourth.list_id not in per_list
        assert len(uow.status_lists.lists_for(org.id)) == 4


def test_purposes_have_separate_lists(engine: Engine) -> None:
    org, _, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        revocation = uow.status_lists.reserve(org.id, "revocation", 10, rng=rng(1), key_id=key)
        suspension = uow.status_lists.reserve(org.id, "suspension", 10, rng=rng(1), key_id=key)
        assert {r.list_id for r in revocation}.isdisjoint(r.list_id for r in suspension)
        purposes = sorted(x.purpose for x in uow.status_lists.lists_for(org.id))
    assert purposes == ["revocation", "suspension"]


def test_default_lists_have_131072_random_positions(engine: Engine) -> None:
    org, _, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        refs = uow.status_lists.reserve(org.id, "revocation", 500, rng=rng(2), key_id=key)
        (listed,) = uow.status_lists.lists_for(org.id)
    assert listed.length == 131_072
    assert len(listed.bits) == 131_072 // 8
    indexes = [ref.index for ref in refs]
    assert len(set(indexes)) == 500
    assert max(indexes) - min(indexes) > 100_000
    assert indexes != sorted(indexes)


def test_reservation_first_in_a_unit_of_work_commits_on_its_own(engine: Engine) -> None:
    org, _, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        refs = uow.status_lists.reserve(org.id, "revocation", 5, rng=rng(3), key_id=key)
        # no commit: the issuance failed; the positions stay used, never handed out again
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        (listed,) = uow.status_lists.lists_for(org.id)
        assert listed.allocated_count == 5
        more = uow.status_lists.reserve(org.id, "revocation", 59, rng=rng(3), key_id=key)
    assert {r.index for r in refs}.isdisjoint(r.index for r in more)


def test_bad_requests(engine: Engine) -> None:
    org, _, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        assert uow.status_lists.reserve(org.id, "revocation", 0, rng=rng(4), key_id=key) == []
    with pytest.raises(InvalidInputError), SqlUnitOfWork(engine, status_list_length=60) as uow:
        pass
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        (ref,) = uow.status_lists.reserve(org.id, "revocation", 1, rng=rng(5), key_id=key)
        with pytest.raises(Exception, match="outside the list"):
            uow.status_lists.set_bits(ref.list_id, {64: True}, at=org.created_at)
        with pytest.raises(InvalidInputError):
            uow.status_lists.set_bits("absent", {1: True}, at=org.created_at)


def test_each_signing_key_has_its_own_lists(engine: Engine) -> None:
    org, _, first_key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        first = uow.status_lists.reserve(org.id, "revocation", 60, rng=rng(6), key_id=first_key)
        second_key = new_key(uow, org, ordinal=1)  # a rotation
        uow.commit()
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        second = uow.status_lists.reserve(org.id, "revocation", 70, rng=rng(7), key_id=second_key)
        more_first = uow.status_lists.reserve(
            org.id, "revocation", 10, rng=rng(8), key_id=first_key
        )
        lists = uow.status_lists.lists_for(org.id)
    of_key = {x.id: x.key_id for x in lists}
    assert {of_key[r.list_id] for r in first} == {first_key}
    assert {of_key[r.list_id] for r in second} == {second_key}
    assert {of_key[r.list_id] for r in more_first} == {first_key}
    # the first key's list was topped up (4 free), then that key got a list of its own again
    assert len({r.list_id for r in more_first}) == 2
    assert first[0].list_id in {r.list_id for r in more_first}
    assert [(x.key_id, x.allocated_count) for x in lists] == [
        (first_key, 64),
        (second_key, 64),
        (second_key, 6),
        (first_key, 6),
    ]
    with engine.connect() as connection:
        sequences = connection.execute(
            select(status_lists.c.sequence)
            .where(status_lists.c.organisation_id == org.id)
            .order_by(status_lists.c.sequence)
        ).scalars()
        assert list(sequences) == [0, 1, 2, 3]  # one sequence per organisation and purpose


def test_a_list_is_bound_to_a_stored_signing_key(engine: Engine) -> None:
    org, _, _ = committed_org_version_key(engine)
    with pytest.raises(IntegrityError), SqlUnitOfWork(engine) as uow:
        uow.status_lists.reserve(org.id, "revocation", 1, rng=rng(9), key_id="no-such-key")
    with SqlUnitOfWork(engine) as uow:
        assert uow.status_lists.lists_for(org.id) == []


@pytest.mark.parametrize(
    ("rounds", "per_round", "list_length"),
    [(1, 2000, 131_072), (20, 100, 2048)],
    ids=["2000-at-once", "100-at-a-time-over-two-lists"],
)
def test_two_processes_never_get_the_same_position(
    engine: Engine, database_url: str, rounds: int, per_round: int, list_length: int
) -> None:
    org, _, key = committed_org_version_key(engine)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(
            target=reserve_positions,
            args=(database_url,),
            kwargs={
                "organisation_id": org.id,
                "key_id": key,
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
