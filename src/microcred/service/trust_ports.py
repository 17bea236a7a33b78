"""The ports of the trust registry, recognition and stacking use cases (issue 5).

:class:`TrustUnitOfWork` is the service's unit of work plus these repositories; the store's
``SqlUnitOfWork`` and the tests' ``FakeUnitOfWork`` implement both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from microcred.service.ports import UnitOfWork
from microcred.service.trust_records import (
    PathwayRecord,
    RecognitionPolicyRecord,
    RecognitionRecord,
    RegistryEntryRecord,
    StackClaimRecord,
)


class RegistryRepository(Protocol):
    def add(self, entry: RegistryEntryRecord) -> None: ...
    def get(self, entry_id: str) -> RegistryEntryRecord | None: ...
    def list(self) -> list[RegistryEntryRecord]:
        """Every entry, by DID then validity start."""
        ...

    def remove(self, entry_id: str) -> None: ...


class PathwayRepository(Protocol):
    def add(self, pathway: PathwayRecord) -> None: ...
    def get(self, pathway_id: str) -> PathwayRecord | None: ...
    def by_slug(self, organisation_id: str, slug: str) -> PathwayRecord | None: ...
    def list_for(self, organisation_id: str) -> list[PathwayRecord]: ...
    def update(self, pathway: PathwayRecord) -> None:
        """Store ``rules``, ``entry_id`` and ``auto_issue``."""
        ...

    def add_claim(self, claim: StackClaimRecord) -> None: ...
    def get_claim(self, claim_id: str) -> StackClaimRecord | None: ...
    def claims_for(self, pathway_id: str) -> list[StackClaimRecord]:
        """The pathway's claims, oldest first."""
        ...

    def update_claim(self, claim: StackClaimRecord) -> None:
        """Store ``state``, ``award_id``, ``reason``, ``decided_by`` and ``decided_at``."""
        ...


class RecognitionRepository(Protocol):
    def add_policy(self, policy: RecognitionPolicyRecord) -> None: ...
    def policies_for(self, organisation_id: str) -> list[RecognitionPolicyRecord]: ...
    def remove_policy(self, policy_id: str) -> None: ...
    def add(self, recognition: RecognitionRecord) -> None: ...
    def get(self, recognition_id: str) -> RecognitionRecord | None: ...
    def list_for(self, organisation_id: str) -> list[RecognitionRecord]:
        """The organisation's requests, oldest first."""
        ...

    def update(self, recognition: RecognitionRecord) -> None:
        """Store the decision: ``state``, ``equivalent``, ``reason``, ``decided_by``,
        ``decided_at``, ``record_award_id``."""
        ...


class TrustUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with the registry, pathway and recognition repositories."""

    registry: RegistryRepository
    pathways: PathwayRepository
    recognitions: RecognitionRepository


TrustUnitOfWorkFactory = Callable[[], TrustUnitOfWork]
