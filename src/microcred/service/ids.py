"""Identifiers of service records: random UUIDs (RFC 9562 §5.4) from the injected randomness."""

from __future__ import annotations

import uuid

from microcred.service.ports import RandomBytes


def new_id(rng: RandomBytes) -> str:
    """A version 4 UUID built from 16 bytes of ``rng``."""
    return str(uuid.UUID(bytes=rng(16), version=4))
