"""The API's request and response bodies (OpenAPI schemas) and their mapping from records.

Responses never carry secrets: no seeds, no API key hashes; an API key's text appears once, in
the response that created it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from microcred.service.api_keys import ApiKeyInfo
from microcred.service.records import (
    AuditEvent,
    AwardRecord,
    BulkJobRecord,
    CatalogueEntry,
    CatalogueVersion,
    Role,
)
from microcred.service.signing_keys import PublicKey
from microcred.service.urls import achievement_url


class CatalogueItem(BaseModel):
    """A published micro-credential (one catalogue version)."""

    id: str = Field(description="The catalogue version id.")
    entry_id: str
    organisation_id: str
    version: int
    achievement: str = Field(description="URL of its OB 3.0 Achievement JSON.")
    published_at: datetime | None
    description: dict[str, Any]


def catalogue_item(version: CatalogueVersion, base_url: str | None) -> CatalogueItem:
    return CatalogueItem(
        id=version.id,
        entry_id=version.entry_id,
        organisation_id=version.organisation_id,
        version=version.version,
        achievement=achievement_url(base_url, version.id),
        published_at=version.published_at,
        description=dict(version.description),
    )


class EntryOut(BaseModel):
    """A catalogue entry; its content lives in versions."""

    id: str
    organisation_id: str
    slug: str
    created_at: datetime
    latest_version: int
    published_version: int | None


def entry_out(entry: CatalogueEntry) -> EntryOut:
    return EntryOut(
        id=entry.id,
        organisation_id=entry.organisation_id,
        slug=entry.slug,
        created_at=entry.created_at,
        latest_version=entry.latest_version,
        published_version=entry.published_version,
    )


class VersionOut(BaseModel):
    """One immutable version of a micro-credential description."""

    id: str
    entry_id: str
    version: int
    created_at: datetime
    published_at: datetime | None
    description: dict[str, Any]


def version_out(version: CatalogueVersion) -> VersionOut:
    return VersionOut(
        id=version.id,
        entry_id=version.entry_id,
        version=version.version,
        created_at=version.created_at,
        published_at=version.published_at,
        description=dict(version.description),
    )


class DescriptionIn(BaseModel):
    """A micro-credential description (EU Annex I elements) as an object or YAML/JSON text."""

    description: dict[str, Any] | str = Field(
        description="The description in microcred's format (see docs), object or YAML text."
    )
    slug: str | None = Field(None, description="URL slug; defaults to one from the id.")


class CreatedEntry(BaseModel):
    entry: EntryOut
    version: VersionOut


class AwardOut(BaseModel):
    """An issued award: the signed credential exactly as stored, plus its state."""

    id: str
    credential_id: str
    version_id: str | None = Field(
        description="The catalogue version; null when issued via the VC API."
    )
    issued_at: datetime
    state: Literal["active", "revoked", "suspended"]
    state_reason: str | None
    valid_until: datetime | None
    suite: str
    suspendable: bool
    credential: Any = Field(description="The signed credential (JSON), or a VC-JWT string.")


def award_out(award: AwardRecord) -> AwardOut:
    text = award.credential
    credential: Any = text
    if text.lstrip().startswith("{"):
        credential = json.loads(text)
    return AwardOut(
        id=award.id,
        credential_id=award.credential_id,
        version_id=award.version_id,
        issued_at=award.issued_at,
        state=award.state,
        state_reason=award.state_reason,
        valid_until=award.valid_until,
        suite=award.suite,
        suspendable=award.suspension is not None,
        credential=credential,
    )


class IssueIn(BaseModel):
    """One award to issue from a published catalogue version."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "version_id": "0b6f...",
                "learner": {"name": "Ada Lovelace", "email": "ada@example.org"},
                "grade": "A",
            }
        }
    )

    version_id: str = Field(description="The published catalogue version to award.")
    learner: dict[str, Any] = Field(
        description="name, given_name, family_name, email, did, url, institutional_id"
    )
    grade: str | None = None
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    valid_until: datetime | None = None
    suspendable: bool = False
    row_key: str | None = Field(None, description="Idempotency key: issued at most once.")
    language: str | None = Field(
        None, description="The learner's language (BCP 47), for the claim e-mail.", examples=["fr"]
    )
    suite: Literal["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"] = "eddsa-rdfc-2022"


class ApiKeyOut(BaseModel):
    """An API key without its secret."""

    id: str
    prefix: str
    role: Role
    label: str
    created_at: datetime
    revoked_at: datetime | None


def api_key_out(info: ApiKeyInfo) -> ApiKeyOut:
    return ApiKeyOut(
        id=info.id,
        prefix=info.prefix,
        role=info.role,
        label=info.label,
        created_at=info.created_at,
        revoked_at=info.revoked_at,
    )


class ApiKeyIn(BaseModel):
    role: Role = "issuer"
    label: str = Field("", max_length=200)


class ApiKeyCreated(BaseModel):
    """The new key; ``key`` is shown this once and cannot be retrieved again."""

    api_key: ApiKeyOut
    key: str


class SigningKeyOut(BaseModel):
    """A signing key as anyone may see it (public key only)."""

    id: str
    public_key_multibase: str
    verification_method: str
    created_at: datetime
    retired_at: datetime | None
    active: bool


def signing_key_out(key: PublicKey) -> SigningKeyOut:
    return SigningKeyOut(
        id=key.id,
        public_key_multibase=key.public_key_multibase,
        verification_method=key.verification_method,
        created_at=key.created_at,
        retired_at=key.retired_at,
        active=key.active,
    )


class AuditOut(BaseModel):
    id: str
    actor: str
    action: str
    subject: str
    at: datetime
    details: dict[str, Any]


def audit_out(event: AuditEvent) -> AuditOut:
    return AuditOut(
        id=event.id,
        actor=event.actor,
        action=event.action,
        subject=event.subject,
        at=event.at,
        details=dict(event.details),
    )


class BulkJobOut(BaseModel):
    """A bulk issuance job: progress counts and the per-row report."""

    id: str
    version_id: str
    state: Literal["queued", "running", "finished", "failed"]
    total: int
    issued: int
    skipped: int
    failed: int
    created_at: datetime
    finished_at: datetime | None
    report: dict[str, Any]


def bulk_job_out(job: BulkJobRecord) -> BulkJobOut:
    return BulkJobOut(
        id=job.id,
        version_id=job.version_id,
        state=job.state,
        total=job.total,
        issued=job.issued,
        skipped=job.skipped,
        failed=job.failed,
        created_at=job.created_at,
        finished_at=job.finished_at,
        report=dict(job.report),
    )


class StateChangeIn(BaseModel):
    reason: str | None = Field(None, max_length=1000, description="Kept privately.")
