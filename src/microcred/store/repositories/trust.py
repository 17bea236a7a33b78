"""The trust registry, pathways (with their claims) and recognitions <-> ``tables_trust``."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from microcred.core.trust.registry import TrustedProvider
from microcred.service.trust_records import (
    PathwayRecord,
    RecognitionPolicyRecord,
    RecognitionRecord,
    RegistryEntryRecord,
    StackClaimRecord,
)
from microcred.store.tables_trust import (
    pathways,
    recognition_policies,
    recognitions,
    registry_entries,
    stack_claims,
)


def _entry(m: RowMapping) -> RegistryEntryRecord:
    return RegistryEntryRecord(
        id=m["id"],
        provider=TrustedProvider(
            did=m["did"],
            legal_name=m["legal_name"],
            country=m["country"],
            qa_type=m["qa_type"],
            accrediting_body=m["accrediting_body"],
            valid_from=m["valid_from"],
            valid_until=m["valid_until"],
        ),
        created_at=m["created_at"],
    )


class SqlRegistryRepository:
    """:class:`microcred.service.trust_ports.RegistryRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, entry: RegistryEntryRecord) -> None:
        p = entry.provider
        self._c.execute(
            insert(registry_entries).values(
                id=entry.id,
                did=p.did,
                legal_name=p.legal_name,
                country=p.country,
                qa_type=p.qa_type,
                accrediting_body=p.accrediting_body,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                created_at=entry.created_at,
            )
        )

    def get(self, entry_id: str) -> RegistryEntryRecord | None:
        row = self._c.execute(
            select(registry_entries).where(registry_entries.c.id == entry_id)
        ).first()
        return _entry(row._mapping) if row else None

    def list(self) -> list[RegistryEntryRecord]:
        rows = self._c.execute(
            select(registry_entries).order_by(
                registry_entries.c.did, registry_entries.c.valid_from, registry_entries.c.id
            )
        )
        return [_entry(r._mapping) for r in rows]

    def remove(self, entry_id: str) -> None:
        self._c.execute(delete(registry_entries).where(registry_entries.c.id == entry_id))


def _pathway(m: RowMapping) -> PathwayRecord:
    return PathwayRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        slug=m["slug"],
        entry_id=m["entry_id"],
        rules=m["rules"],
        created_at=m["created_at"],
        auto_issue=bool(m["auto_issue"]),
    )


def _claim(m: RowMapping) -> StackClaimRecord:
    return StackClaimRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        pathway_id=m["pathway_id"],
        learner=m["learner"],
        parts=tuple(m["parts"]),
        created_at=m["created_at"],
        state=m["state"],
        award_id=m["award_id"],
        reason=m["reason"],
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
    )


class SqlPathwayRepository:
    """:class:`microcred.service.trust_ports.PathwayRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, pathway: PathwayRecord) -> None:
        self._c.execute(
            insert(pathways).values(
                id=pathway.id,
                organisation_id=pathway.organisation_id,
                slug=pathway.slug,
                entry_id=pathway.entry_id,
                rules=dict(pathway.rules),
                auto_issue=pathway.auto_issue,
                created_at=pathway.created_at,
            )
        )

    def get(self, pathway_id: str) -> PathwayRecord | None:
        row = self._c.execute(select(pathways).where(pathways.c.id == pathway_id)).first()
        return _pathway(row._mapping) if row else None

    def by_slug(self, organisation_id: str, slug: str) -> PathwayRecord | None:
        row = self._c.execute(
            select(pathways).where(
                pathways.c.organisation_id == organisation_id, pathways.c.slug == slug
            )
        ).first()
        return _pathway(row._mapping) if row else None

    def list_for(self, organisation_id: str) -> list[PathwayRecord]:
        rows = self._c.execute(
            select(pathways)
            .where(pathways.c.organisation_id == organisation_id)
            .order_by(pathways.c.slug)
        )
        return [_pathway(r._mapping) for r in rows]

    def update(self, pathway: PathwayRecord) -> None:
        self._c.execute(
            update(pathways)
            .where(pathways.c.id == pathway.id)
            .values(
                rules=dict(pathway.rules), entry_id=pathway.entry_id, auto_issue=pathway.auto_issue
            )
        )

    def add_claim(self, claim: StackClaimRecord) -> None:
        self._c.execute(
            insert(stack_claims).values(
                id=claim.id,
                organisation_id=claim.organisation_id,
                pathway_id=claim.pathway_id,
                learner=dict(claim.learner),
                parts=list(claim.parts),
                state=claim.state,
                award_id=claim.award_id,
                reason=claim.reason,
                decided_by=claim.decided_by,
                decided_at=claim.decided_at,
                created_at=claim.created_at,
            )
        )

    def get_claim(self, claim_id: str) -> StackClaimRecord | None:
        row = self._c.execute(select(stack_claims).where(stack_claims.c.id == claim_id)).first()
        return _claim(row._mapping) if row else None

    def claims_for(self, pathway_id: str) -> list[StackClaimRecord]:
        rows = self._c.execute(
            select(stack_claims)
            .where(stack_claims.c.pathway_id == pathway_id)
            .order_by(stack_claims.c.created_at, stack_claims.c.id)
        )
        return [_claim(r._mapping) for r in rows]

    def update_claim(self, claim: StackClaimRecord) -> None:
        self._c.execute(
            update(stack_claims)
            .where(stack_claims.c.id == claim.id)
            .values(
                state=claim.state,
                award_id=claim.award_id,
                reason=claim.reason,
                decided_by=claim.decided_by,
                decided_at=claim.decided_at,
            )
        )


def _policy(m: RowMapping) -> RecognitionPolicyRecord:
    return RecognitionPolicyRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        equivalent=m["equivalent"],
        created_at=m["created_at"],
        issuer=m["issuer"],
        registry=bool(m["registry"]),
        external_achievement=m["external_achievement"],
    )


def _recognition(m: RowMapping) -> RecognitionRecord:
    return RecognitionRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        learner=m["learner"],
        credential=m["credential"],
        credential_id=m["credential_id"],
        issuer=m["issuer"],
        achievement_id=m["achievement_id"],
        verified=bool(m["verified"]),
        submitted_at=m["submitted_at"],
        state=m["state"],
        policy_id=m["policy_id"],
        equivalent=m["equivalent"],
        reason=m["reason"],
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
        record_award_id=m["record_award_id"],
        report=m["report"],
    )


class SqlRecognitionRepository:
    """:class:`microcred.service.trust_ports.RecognitionRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_policy(self, policy: RecognitionPolicyRecord) -> None:
        self._c.execute(
            insert(recognition_policies).values(
                id=policy.id,
                organisation_id=policy.organisation_id,
                equivalent=policy.equivalent,
                issuer=policy.issuer,
                registry=policy.registry,
                external_achievement=policy.external_achievement,
                created_at=policy.created_at,
            )
        )

    def policies_for(self, organisation_id: str) -> list[RecognitionPolicyRecord]:
        rows = self._c.execute(
            select(recognition_policies)
            .where(recognition_policies.c.organisation_id == organisation_id)
            .order_by(recognition_policies.c.created_at, recognition_policies.c.id)
        )
        return [_policy(r._mapping) for r in rows]

    def remove_policy(self, policy_id: str) -> None:
        self._c.execute(delete(recognition_policies).where(recognition_policies.c.id == policy_id))

    def add(self, recognition: RecognitionRecord) -> None:
        r = recognition
        self._c.execute(
            insert(recognitions).values(
                id=r.id,
                organisation_id=r.organisation_id,
                learner=dict(r.learner),
                credential=r.credential,
                credential_id=r.credential_id,
                issuer=r.issuer,
                achievement_id=r.achievement_id,
                verified=r.verified,
                state=r.state,
                policy_id=r.policy_id,
                equivalent=r.equivalent,
                reason=r.reason,
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                record_award_id=r.record_award_id,
                report=dict(r.report),
                submitted_at=r.submitted_at,
            )
        )

    def get(self, recognition_id: str) -> RecognitionRecord | None:
        row = self._c.execute(
            select(recognitions).where(recognitions.c.id == recognition_id)
        ).first()
        return _recognition(row._mapping) if row else None

    def list_for(self, organisation_id: str) -> list[RecognitionRecord]:
        rows = self._c.execute(
            select(recognitions)
            .where(recognitions.c.organisation_id == organisation_id)
            .order_by(recognitions.c.submitted_at, recognitions.c.id)
        )
        return [_recognition(r._mapping) for r in rows]

    def update(self, recognition: RecognitionRecord) -> None:
        r = recognition
        self._c.execute(
            update(recognitions)
            .where(recognitions.c.id == r.id)
            .values(
                state=r.state,
                equivalent=r.equivalent,
                reason=r.reason,
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                record_award_id=r.record_award_id,
            )
        )
