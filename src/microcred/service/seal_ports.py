"""The ports of the Europass seal use cases (issue 5): seal records and their repository.

:class:`SealUnitOfWork` is the service's unit of work plus the seal repository; the store's
``SqlUnitOfWork`` and the tests' ``FakeUnitOfWork`` implement both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from microcred.service.ports import UnitOfWork


@dataclass(frozen=True)
class SealRecord:
    """An organisation's JAdES seal: X.509 chain (PEM, leaf first) and its private key,
    PKCS#8 encrypted with the key cipher (never shown). The newest unretired seal is active."""

    id: str
    organisation_id: str
    label: str
    subject: str
    algorithm: str
    certificate_chain: str
    encrypted_key: bytes = field(repr=False)
    not_before: datetime
    not_after: datetime
    created_at: datetime
    organization_identifier: str | None = None
    retired_at: datetime | None = None


class SealRepository(Protocol):
    def add(self, seal: SealRecord) -> None: ...
    def get(self, seal_id: str) -> SealRecord | None: ...
    def list_for(self, organisation_id: str) -> list[SealRecord]:
        """The organisation's seals, newest first."""
        ...

    def active_for(self, organisation_id: str) -> SealRecord | None:
        """The newest seal that is not retired."""
        ...

    def retire_all(self, organisation_id: str, *, at: datetime) -> None:
        """Retire every active seal of the organisation."""
        ...


class SealUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with the seal repository."""

    seals: SealRepository


SealUnitOfWorkFactory = Callable[[], SealUnitOfWork]
