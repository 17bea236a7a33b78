"""Random status position allocation (BSL 1.0 §6.5 herd privacy): distinct, free, uniform."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from microcred.core.status.allocation import allocate, free_positions
from microcred.core.status.bitstring import Bitstring
from microcred.errors import InvalidInputError, StatusError


def seeded(seed: int) -> random.Random:
    return random.Random(seed)


def test_positions_are_distinct_free_and_marked() -> None:
    bitmap = Bitstring(1024)
    for i in range(0, 1024, 3):
        bitmap.set(i, True)
    before = set(bitmap.set_indices())
    chosen = allocate(bitmap, 200, rng=seeded(1).randbytes)
    assert len(chosen) == len(set(chosen)) == 200
    assert not before & set(chosen)
    assert set(bitmap.set_indices()) == before | set(chosen)
    assert free_positions(bitmap) == 1024 - len(before) - 200


def test_positions_are_not_sequential() -> None:
    chosen = allocate(Bitstring(131_072), 100, rng=seeded(2).randbytes)
    assert chosen != sorted(chosen)
    assert max(chosen) - min(chosen) > 100_000


def test_same_random_source_gives_same_positions() -> None:
    first = allocate(Bitstring(4096), 50, rng=seeded(3).randbytes)
    second = allocate(Bitstring(4096), 50, rng=seeded(3).randbytes)
    assert first == second


@pytest.mark.parametrize("prefilled", [0, 56], ids=["sparse", "nearly-full"])
def test_every_free_position_is_equally_likely(prefilled: int) -> None:
    # 64 positions, `prefilled` taken, 4 drawn per trial: each free one expects 4/free per trial.
    rng = seeded(4)
    counts: Counter[int] = Counter()
    trials = 4000
    for _ in range(trials):
        bitmap = Bitstring(64)
        for i in range(prefilled):
            bitmap.set(i, True)
        counts.update(allocate(bitmap, 4, rng=rng.randbytes))
    free = 64 - prefilled
    expected = trials * 4 / free
    assert set(counts) == set(range(prefilled, 64))
    chi_square = sum((counts[i] - expected) ** 2 / expected for i in range(prefilled, 64))
    # 99.9th percentile of chi-square with 63 (resp. 7) degrees of freedom is ~104 (resp. ~24).
    assert chi_square < (104 if free == 64 else 24)


def test_fills_the_list_exactly_then_reports_it_full() -> None:
    bitmap = Bitstring(64)
    first = allocate(bitmap, 60, rng=seeded(5).randbytes)
    last = allocate(bitmap, 4, rng=seeded(6).randbytes)
    assert sorted(first + last) == list(range(64))
    assert free_positions(bitmap) == 0
    with pytest.raises(StatusError, match="status list full: 1 position"):
        allocate(bitmap, 1, rng=seeded(7).randbytes)


def test_full_request_leaves_bitmap_unchanged() -> None:
    bitmap = Bitstring(16)
    allocate(bitmap, 10, rng=seeded(8).randbytes)
    before = bitmap.to_bytes()
    with pytest.raises(StatusError):
        allocate(bitmap, 7, rng=seeded(9).randbytes)
    assert bitmap.to_bytes() == before


def test_zero_count_and_bad_input() -> None:
    bitmap = Bitstring(16)
    assert allocate(bitmap, 0, rng=seeded(10).randbytes) == []
    with pytest.raises(InvalidInputError):
        allocate(bitmap, -1, rng=seeded(10).randbytes)
    with pytest.raises(InvalidInputError, match="too few bytes"):
        allocate(bitmap, 1, rng=lambda n: b"\x00")
