"""What the issuer service keeps: organisations, keys, catalogue versions, awards, status lists.

Frozen dataclasses; the store maps them to tables, the API to its schemas. A signed credential is
kept as the exact text that was signed (``AwardRecord.credential``), never re-serialised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Role = Literal["owner", "issuer", "viewer"]
StatusPurpose = Literal["revocation", "suspension"]
AwardState = Literal["active", "revoked", "suspended"]
JobState = Literal["queued", "running", "finished", "failed"]

ROLE_RANK: Mapping[Role, int] = {"viewer": 0, "issuer": 1, "owner": 2}


@dataclass(frozen=True)
class Organisation:
    """A tenant: a university, a training centre, a company that issues micro-credentials."""

    id: str
    slug: str
    legal_name: str
    country: str
    created_at: datetime
    identifiers: Mapping[str, str] = field(default_factory=dict)
    url: str | None = None


@dataclass(frozen=True)
class Principal:
    """Who is acting: an API key (or, later, a signed-in user) of one organisation."""

    organisation_id: str
    role: Role
    actor: str

    def may(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key: shown once at creation, stored as ``prefix`` + SHA-256 of the secret."""

    id: str
    organisation_id: str
    prefix: str
    secret_hash: str = field(repr=False)
    role: Role
    label: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class UserRecord:
    """A person of an organisation with one role; ``email`` is lower-case and unique in the
    organisation. Removal is soft (``removed_at``) so the audit log keeps naming someone.
    Sign-in comes with the web interface."""

    id: str
    organisation_id: str
    email: str
    name: str
    role: Role
    created_at: datetime
    removed_at: datetime | None = None


@dataclass(frozen=True)
class SigningKeyRecord:
    """An Ed25519 signing key of an organisation; the seed is encrypted at rest."""

    id: str
    organisation_id: str
    public_key_multibase: str
    encrypted_secret: bytes = field(repr=False)
    created_at: datetime
    retired_at: datetime | None = None
    ordinal: int = 0
    """0, 1, 2... per organisation in creation order: the ``#key-<ordinal>`` of its did:web."""


@dataclass(frozen=True)
class CatalogueEntry:
    """A micro-credential in a provider's catalogue; its content lives in versions."""

    id: str
    organisation_id: str
    slug: str
    created_at: datetime
    latest_version: int = 0
    published_version: int | None = None


@dataclass(frozen=True)
class CatalogueVersion:
    """One immutable version of a micro-credential description (``description_to_dict`` form)."""

    id: str
    entry_id: str
    organisation_id: str
    version: int
    description: Mapping[str, Any]
    created_at: datetime
    published_at: datetime | None = None


@dataclass(frozen=True)
class StatusRef:
    """A position in a status list."""

    list_id: str
    index: int


@dataclass(frozen=True)
class StatusListRecord:
    """A Bitstring Status List of one organisation and purpose (BSL 1.0 §2.2), bound to the
    signing key it was opened with: positions in it go only to credentials that key signed, and
    the list credential is always signed by that key (so its issuer is the credentials' issuer,
    BSL 1.0 §3.2, even after a rotation changed a did:key issuer's DID)."""

    id: str
    organisation_id: str
    purpose: StatusPurpose
    key_id: str
    length: int
    bits: bytes
    allocated_count: int
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class AwardRecord:
    """An issued credential: the exact signed text plus indexed columns beside it."""

    id: str
    organisation_id: str
    credential_id: str
    version_id: str | None  # None: a credential supplied through the W3C VC API
    learner: Mapping[str, Any]
    credential: str
    suite: str
    issued_at: datetime
    revocation: StatusRef
    suspension: StatusRef | None = None
    """Only awards issued as suspendable have a position in a suspension list."""
    valid_until: datetime | None = None
    state: AwardState = "active"
    state_reason: str | None = None
    row_key: str | None = None


@dataclass(frozen=True)
class BulkJobRecord:
    """A bulk issuance job and its per-row report."""

    id: str
    organisation_id: str
    version_id: str
    source_sha256: str
    total: int
    created_at: datetime
    state: JobState = "queued"
    issued: int = 0
    skipped: int = 0
    failed: int = 0
    report: Mapping[str, Any] = field(default_factory=dict)
    finished_at: datetime | None = None


@dataclass(frozen=True)
class AuditEvent:
    """Who did what to which thing, when."""

    id: str
    organisation_id: str
    actor: str
    action: str
    subject: str
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)


DeliveryStatus = Literal["pending", "delivered", "dead", "cancelled"]


@dataclass(frozen=True)
class WebhookRecord:
    """An organisation's webhook: where its events are POSTed, and the signing secret,
    encrypted at rest (never shown again after registration or rotation)."""

    id: str
    organisation_id: str
    url: str
    encrypted_secret: bytes = field(repr=False)
    events: tuple[str, ...]
    created_at: datetime
    active: bool = True
    label: str = ""


@dataclass(frozen=True)
class DeliveryRecord:
    """One event for one webhook in the outbox: the exact body to send, and its attempts."""

    id: str
    organisation_id: str
    webhook_id: str
    event: str
    payload: str
    """The JSON body, fixed when the event is published: every attempt sends the same bytes."""
    created_at: datetime
    status: DeliveryStatus = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    """When the next attempt is due (None once delivered, dead or cancelled)."""
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
