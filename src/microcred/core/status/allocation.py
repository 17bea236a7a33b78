"""Random allocation of status list positions (Bitstring Status List v1.0 §6.5 herd privacy).

An issuer keeps, beside each status list, an *allocation bitmap* of the positions already handed
out. :func:`allocate` picks ``count`` distinct free positions uniformly at random (every set of
``count`` free positions is equally likely) with the injected ``rng`` and marks them as taken, so
a verifier cannot learn anything from an index about when or to whom it was issued.
"""

from __future__ import annotations

from collections.abc import Callable

from microcred.core.status.bitstring import Bitstring
from microcred.errors import InvalidInputError, StatusError

__all__ = ["allocate", "free_positions"]

RandomBytes = Callable[[int], bytes]

_DRAW_BATCH = 64


def _allocated_count(bitmap: Bitstring) -> int:
    return int.from_bytes(bitmap.to_bytes(), "big").bit_count()


def free_positions(bitmap: Bitstring) -> int:
    """How many positions of ``bitmap`` are still free (bits that are 0)."""
    return len(bitmap) - _allocated_count(bitmap)


class _UniformBelow:
    """Uniform integers in ``[0, bound)`` from ``rng`` by rejection sampling (no modulo bias)."""

    def __init__(self, rng: RandomBytes) -> None:
        self._rng = rng
        self._buffer = b""
        self._offset = 0

    def __call__(self, bound: int) -> int:
        bits = max(1, (bound - 1).bit_length())
        width = (bits + 7) // 8
        mask = (1 << bits) - 1
        while True:
            if self._offset + width > len(self._buffer):
                self._buffer = self._rng(width * _DRAW_BATCH)
                if len(self._buffer) != width * _DRAW_BATCH:
                    raise InvalidInputError("the random source returned too few bytes")
                self._offset = 0
            chunk = self._buffer[self._offset : self._offset + width]
            self._offset += width
            value = int.from_bytes(chunk, "big") & mask
            if value < bound:
                return value


def allocate(bitmap: Bitstring, count: int, *, rng: RandomBytes) -> list[int]:
    """Choose ``count`` distinct free positions of ``bitmap`` at random, mark them, return them.

    The positions come back in the random order they were drawn. Raises :class:`StatusError`
    when fewer than ``count`` positions are free (the caller opens a new list), and leaves
    ``bitmap`` unchanged in that case.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise InvalidInputError(f"position count must be a non-negative int, got {count!r}")
    length = len(bitmap)
    free = length - _allocated_count(bitmap)
    if count > free:
        raise StatusError(
            f"status list full: {count} position(s) requested, {free} of {length} free"
        )
    below = _UniformBelow(rng)
    chosen: list[int]
    if (free - count) * 4 >= length:
        # At least a quarter of the list stays free while drawing: rejection is cheap.
        chosen = []
        taken: set[int] = set()
        while len(chosen) < count:
            index = below(length)
            if index not in taken and not bitmap.get(index):
                taken.add(index)
                chosen.append(index)
    else:
        # Nearly full: a partial Fisher-Yates shuffle over the list of free positions.
        pool = [
            byte_index * 8 + bit
            for byte_index, byte in enumerate(bitmap.to_bytes())
            if byte != 0xFF
            for bit in range(8)
            if not byte & (0x80 >> bit)
        ]
        for i in range(count):
            j = i + below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        chosen = pool[:count]
    for index in chosen:
        bitmap.set(index, True)
    return chosen
