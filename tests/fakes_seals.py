"""In-memory fake of the seal repository (``microcred.service.seal_ports``), used by
``tests/fakes.py``'s ``FakeUnitOfWork``; it works on the unit of work's copy of the tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from microcred.service.seal_ports import SealRecord


class FakeSeals:
    def __init__(self, uow: Any) -> None:
        self._uow = uow

    @property
    def _seals(self) -> dict[str, SealRecord]:
        seals: dict[str, SealRecord] = self._uow.tables.seals
        return seals

    def add(self, seal: SealRecord) -> None:
        self._seals[seal.id] = seal

    def get(self, seal_id: str) -> SealRecord | None:
        return self._seals.get(seal_id)

    def list_for(self, organisation_id: str) -> list[SealRecord]:
        mine = [s for s in self._seals.values() if s.organisation_id == organisation_id]
        return sorted(mine, key=lambda s: s.created_at, reverse=True)

    def active_for(self, organisation_id: str) -> SealRecord | None:
        return next((s for s in self.list_for(organisation_id) if s.retired_at is None), None)

    def retire_all(self, organisation_id: str, *, at: datetime) -> None:
        for seal in self.list_for(organisation_id):
            if seal.retired_at is None:
                self._seals[seal.id] = replace(seal, retired_at=at)
