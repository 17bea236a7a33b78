"""The ports of the issuer service: everything a use case needs from outside, as Protocols.

Adapters implement them (``microcred.store`` with SQLAlchemy, ``microcred.net`` for HTTP,
``microcred.jobs`` for queues); tests run the use cases with the in-memory fakes in
``tests/fakes.py``. A use case never imports an adapter.

Transactions: a use case opens ``with uow_factory() as uow:``, works through its repositories and
calls ``uow.commit()``; leaving the block without commit rolls everything back, so an issuance
stores the credential and its status positions together or stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from microcred.service.learner_ports import (
    ClaimRepository,
    HoldingRepository,
    LearnerRepository,
    MailOutbox,
    SessionRepository,
    SignInFailureRepository,
    SignInLinkRepository,
)
from microcred.service.records import (
    ApiKeyRecord,
    AuditEvent,
    AwardRecord,
    AwardState,
    BulkJobRecord,
    CatalogueEntry,
    CatalogueVersion,
    DeliveryRecord,
    Organisation,
    SigningKeyRecord,
    StatusListRecord,
    StatusPurpose,
    StatusRef,
    UserRecord,
    WebhookRecord,
)

Clock = Callable[[], datetime]
"""The current time, timezone-aware (UTC)."""

RandomBytes = Callable[[int], bytes]
"""Cryptographically secure random bytes (``os.urandom`` in production)."""


class Fetcher(Protocol):
    """The one guarded HTTP GET (SSRF guard, allow-list, size and time limits)."""

    def __call__(self, url: str) -> bytes: ...


class KeyCipher(Protocol):
    """Authenticated encryption of secrets at rest under the operator's master key."""

    def encrypt(self, plaintext: bytes, *, aad: bytes) -> bytes: ...

    def decrypt(self, blob: bytes, *, aad: bytes) -> bytes: ...


@dataclass(frozen=True)
class CatalogueQuery:
    """Public catalogue search (all criteria optional, combined with AND)."""

    text: str | None = None
    organisation_id: str | None = None
    eqf_level: int | None = None
    ects_min: float | None = None
    ects_max: float | None = None
    language: str | None = None
    participation: str | None = None
    esco_skill: str | None = None


class OrganisationRepository(Protocol):
    def add(self, organisation: Organisation) -> None: ...
    def get(self, organisation_id: str) -> Organisation | None: ...
    def by_slug(self, slug: str) -> Organisation | None: ...
    def list(self) -> list[Organisation]: ...


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKeyRecord) -> None: ...
    def by_prefix(self, prefix: str) -> ApiKeyRecord | None: ...
    def list_for(self, organisation_id: str) -> list[ApiKeyRecord]: ...
    def revoke(self, key_id: str, *, at: datetime) -> None: ...


class UserRepository(Protocol):
    """People of organisations; removed ones stay (soft delete)."""

    def add(self, user: UserRecord) -> None: ...
    def get(self, user_id: str) -> UserRecord | None: ...
    def by_email(self, organisation_id: str, email: str) -> UserRecord | None:
        """The organisation's user with this (lower-case) e-mail, removed or not."""
        ...

    def list_for(self, organisation_id: str) -> list[UserRecord]:
        """Every user of the organisation, removed ones included, oldest first."""
        ...

    def update(self, user: UserRecord) -> None:
        """Store ``name``, ``role`` and ``removed_at``."""
        ...

    def with_email(self, email: str) -> list[UserRecord]:
        """The users of every organisation with this (lower-case) e-mail, removed or not."""
        ...

    def password_hash(self, user_id: str) -> str | None: ...
    def set_password_hash(self, user_id: str, password_hash: str | None) -> None: ...


class SigningKeyRepository(Protocol):
    def add(self, key: SigningKeyRecord) -> None: ...
    def active_for(self, organisation_id: str) -> SigningKeyRecord | None: ...
    def all_for(self, organisation_id: str) -> list[SigningKeyRecord]: ...
    def retire(self, key_id: str, *, at: datetime) -> None: ...


class CatalogueRepository(Protocol):
    def add_entry(self, entry: CatalogueEntry) -> None: ...
    def get_entry(self, entry_id: str) -> CatalogueEntry | None: ...
    def entry_by_slug(self, organisation_id: str, slug: str) -> CatalogueEntry | None: ...
    def update_entry(self, entry: CatalogueEntry) -> None: ...
    def add_version(self, version: CatalogueVersion) -> None: ...
    def get_version(self, version_id: str) -> CatalogueVersion | None: ...
    def version_of(self, entry_id: str, version: int) -> CatalogueVersion | None: ...
    def set_published(self, version_id: str, *, at: datetime) -> None: ...
    def entries_for(self, organisation_id: str) -> list[CatalogueEntry]: ...
    def search_published(
        self, query: CatalogueQuery, *, limit: int, offset: int
    ) -> list[CatalogueVersion]: ...


class AwardRepository(Protocol):
    def add_many(self, awards: Sequence[AwardRecord]) -> None: ...
    def get(self, award_id: str) -> AwardRecord | None: ...
    def get_many(self, award_ids: Sequence[str]) -> list[AwardRecord]:
        """The awards of ``award_ids`` that exist, in the order given (one query per batch)."""
        ...

    def by_credential_id(self, credential_id: str) -> AwardRecord | None: ...
    def existing_row_keys(self, organisation_id: str, keys: Iterable[str]) -> set[str]: ...
    def list_for(
        self, organisation_id: str, *, text: str | None, limit: int, offset: int
    ) -> list[AwardRecord]: ...
    def set_state(
        self, award_id: str, *, state: AwardState, reason: str | None, at: datetime
    ) -> None: ...


class StatusListRepository(Protocol):
    def reserve(
        self,
        organisation_id: str,
        purpose: StatusPurpose,
        count: int,
        *,
        rng: RandomBytes,
        key_id: str,
    ) -> list[StatusRef]:
        """``count`` positions never handed out before, chosen at random (herd privacy), in
        the organisation's ``purpose`` lists bound to signing key ``key_id`` (the key that
        signs the credentials getting them), opening a new list bound to that key when there
        is none or the current one is full; lists of other keys are never used. Safe under
        concurrent callers (row lock on PostgreSQL); commits on its own, so a failed issuance
        only leaves unused positions behind, never a half-written award."""
        ...

    def get(self, list_id: str) -> StatusListRecord | None: ...
    def lists_for(self, organisation_id: str) -> list[StatusListRecord]: ...
    def set_bits(self, list_id: str, changes: Mapping[int, bool], *, at: datetime) -> None: ...
    def signed(self, list_id: str) -> tuple[int, str] | None:
        """The cached signed list credential text and the list version it was signed at."""
        ...

    def store_signed(self, list_id: str, *, version: int, text: str) -> None: ...


class BulkJobRepository(Protocol):
    def add(self, job: BulkJobRecord) -> None: ...
    def get(self, job_id: str) -> BulkJobRecord | None: ...
    def by_source(self, organisation_id: str, source_sha256: str) -> BulkJobRecord | None: ...
    def update(self, job: BulkJobRecord) -> None: ...
    def list_for(self, organisation_id: str, *, limit: int, offset: int) -> list[BulkJobRecord]: ...


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...
    def list_for(self, organisation_id: str, *, limit: int, offset: int) -> list[AuditEvent]: ...


class WebhookRepository(Protocol):
    def add(self, webhook: WebhookRecord) -> None: ...
    def get(self, webhook_id: str) -> WebhookRecord | None: ...
    def list_for(self, organisation_id: str) -> list[WebhookRecord]:
        """Every webhook of the organisation, inactive ones included, oldest first."""
        ...

    def update(self, webhook: WebhookRecord) -> None:
        """Store ``url``, ``events``, ``active``, ``label`` and ``encrypted_secret``."""
        ...


class DeliveryRepository(Protocol):
    """The webhook outbox: one row per event and webhook, kept after delivery as history."""

    def add_many(self, deliveries: Sequence[DeliveryRecord]) -> None: ...
    def get(self, delivery_id: str) -> DeliveryRecord | None: ...
    def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[DeliveryRecord]:
        """At most ``limit`` pending deliveries due at ``now``, oldest due first, each claimed
        by moving its ``next_attempt_at`` to ``lease_until`` so that other runners skip it
        (``SKIP LOCKED`` on PostgreSQL); the claim holds once the unit of work commits, and
        lapses by itself if the claimant dies before recording the attempt."""
        ...

    def update(self, delivery: DeliveryRecord) -> None:
        """Store the outcome of an attempt: status, attempts, times, last status and error."""
        ...

    def cancel_pending(self, webhook_id: str) -> int:
        """Cancel the webhook's pending deliveries; how many there were."""
        ...

    def list_for(self, webhook_id: str, *, limit: int, offset: int) -> list[DeliveryRecord]:
        """The webhook's deliveries, newest first."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository."""

    organisations: OrganisationRepository
    api_keys: ApiKeyRepository
    signing_keys: SigningKeyRepository
    catalogue: CatalogueRepository
    awards: AwardRepository
    status_lists: StatusListRepository
    bulk_jobs: BulkJobRepository
    audit: AuditLog
    webhooks: WebhookRepository
    deliveries: DeliveryRepository
    users: UserRepository
    learners: LearnerRepository
    sessions: SessionRepository
    sign_in_links: SignInLinkRepository
    sign_in_failures: SignInFailureRepository
    claims: ClaimRepository
    mail_outbox: MailOutbox
    holdings: HoldingRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class JobQueue(Protocol):
    """Runs bulk work: in-process on SQLite, on a PostgreSQL-backed queue when configured."""

    def enqueue(self, task: str, payload: Mapping[str, Any]) -> str: ...


class EventPublisher(Protocol):
    """Delivers domain events (issued, revoked, suspended, bulk job finished) to webhooks."""

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None: ...


class WebhookSender(Protocol):
    """POSTs one webhook body through the outbound guard; the HTTP status of the answer.

    Raises (any exception) when the URL is refused or the request fails before an answer;
    redirects are not followed (a 3xx is the answer)."""

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> int: ...


UrlRefusal = Callable[[str], str | None]
"""Why an outbound URL is refused (scheme, user-info, a private or loopback address that is not
allow-listed...), or None when it may be used; checks a webhook URL when it is registered."""
