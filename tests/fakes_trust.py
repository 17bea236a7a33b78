"""In-memory fakes of the trust registry, pathway and recognition repositories
(``microcred.service.trust_ports``), used by ``tests/fakes.py``'s ``FakeUnitOfWork``.

They work on the unit of work's private copy of the tables (``uow.tables``), like every fake.
"""

from __future__ import annotations

from typing import Any

from microcred.service.trust_records import (
    PathwayRecord,
    RecognitionPolicyRecord,
    RecognitionRecord,
    RegistryEntryRecord,
    StackClaimRecord,
)


class _Repo:
    def __init__(self, uow: Any) -> None:
        self._uow = uow

    @property
    def t(self) -> Any:
        return self._uow.tables


class FakeRegistry(_Repo):
    def add(self, entry: RegistryEntryRecord) -> None:
        self.t.registry[entry.id] = entry

    def get(self, entry_id: str) -> RegistryEntryRecord | None:
        found: RegistryEntryRecord | None = self.t.registry.get(entry_id)
        return found

    def list(self) -> list[RegistryEntryRecord]:
        entries: list[RegistryEntryRecord] = list(self.t.registry.values())
        return sorted(entries, key=lambda e: (e.provider.did, e.provider.valid_from, e.id))

    def remove(self, entry_id: str) -> None:
        self.t.registry.pop(entry_id, None)


class FakePathways(_Repo):
    def add(self, pathway: PathwayRecord) -> None:
        if self.by_slug(pathway.organisation_id, pathway.slug) is not None:
            raise ValueError(f"pathway {pathway.slug} exists")
        self.t.pathways[pathway.id] = pathway

    def get(self, pathway_id: str) -> PathwayRecord | None:
        found: PathwayRecord | None = self.t.pathways.get(pathway_id)
        return found

    def by_slug(self, organisation_id: str, slug: str) -> PathwayRecord | None:
        return next(
            (
                p
                for p in self.t.pathways.values()
                if p.organisation_id == organisation_id and p.slug == slug
            ),
            None,
        )

    def list_for(self, organisation_id: str) -> list[PathwayRecord]:
        mine = [p for p in self.t.pathways.values() if p.organisation_id == organisation_id]
        return sorted(mine, key=lambda p: p.slug)

    def update(self, pathway: PathwayRecord) -> None:
        self.t.pathways[pathway.id] = pathway

    def add_claim(self, claim: StackClaimRecord) -> None:
        self.t.stack_claims[claim.id] = claim

    def get_claim(self, claim_id: str) -> StackClaimRecord | None:
        found: StackClaimRecord | None = self.t.stack_claims.get(claim_id)
        return found

    def claims_for(self, pathway_id: str) -> list[StackClaimRecord]:
        mine = [c for c in self.t.stack_claims.values() if c.pathway_id == pathway_id]
        return sorted(mine, key=lambda c: (c.created_at, c.id))

    def update_claim(self, claim: StackClaimRecord) -> None:
        self.t.stack_claims[claim.id] = claim


class FakeRecognitions(_Repo):
    def add_policy(self, policy: RecognitionPolicyRecord) -> None:
        self.t.recognition_policies[policy.id] = policy

    def policies_for(self, organisation_id: str) -> list[RecognitionPolicyRecord]:
        mine = [
            p for p in self.t.recognition_policies.values() if p.organisation_id == organisation_id
        ]
        return sorted(mine, key=lambda p: (p.created_at, p.id))

    def remove_policy(self, policy_id: str) -> None:
        self.t.recognition_policies.pop(policy_id, None)

    def add(self, recognition: RecognitionRecord) -> None:
        self.t.recognitions[recognition.id] = recognition

    def get(self, recognition_id: str) -> RecognitionRecord | None:
        found: RecognitionRecord | None = self.t.recognitions.get(recognition_id)
        return found

    def list_for(self, organisation_id: str) -> list[RecognitionRecord]:
        mine = [r for r in self.t.recognitions.values() if r.organisation_id == organisation_id]
        return sorted(mine, key=lambda r: (r.submitted_at, r.id))

    def update(self, recognition: RecognitionRecord) -> None:
        self.t.recognitions[recognition.id] = recognition
