"""In-memory fakes of every port of the issuer service (``microcred.service.ports``).

:class:`FakeStore` holds the committed state; each :class:`FakeUnitOfWork` works on a copy taken
when it is entered: ``commit()`` publishes the copy, leaving without commit discards it.
``StatusListRepository.reserve`` commits on its own, as the port demands. Records are frozen, so
shallow copies of the tables are real snapshots.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fakes_seals import FakeSeals
from fakes_trust import FakePathways, FakeRecognitions, FakeRegistry
from microcred.core.status.bitstring import MIN_ENTRIES, Bitstring
from microcred.service.catalogue import catalogue_matches
from microcred.service.learner_records import (
    ClaimRecord,
    HoldingRecord,
    LearnerRecord,
    MailRecord,
    SessionRecord,
    SignInLinkRecord,
)
from microcred.service.ports import CatalogueQuery, RandomBytes
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
from microcred.service.sharing_records import HolderKeyRecord, ShareLinkRecord

# ---- small ports ---------------------------------------------------------------------------


class FixedClock:
    """A clock that stands still until ``advance`` is called."""

    def __init__(self, now: datetime = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class SeededRandom:
    """Reproducible "random" bytes for tests (production injects ``os.urandom``)."""

    def __init__(self, seed: int = 7) -> None:
        self._random = random.Random(seed)

    def __call__(self, n: int) -> bytes:
        return self._random.randbytes(n)


class FakeCipher:
    """Real AES-256-GCM under a test master key: ``nonce || ciphertext+tag``."""

    def __init__(self, key: bytes | None = None) -> None:
        self._aead = AESGCM(key or os.urandom(32))

    def encrypt(self, plaintext: bytes, *, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, blob: bytes, *, aad: bytes) -> bytes:
        return self._aead.decrypt(blob[:12], blob[12:], aad)


class FakeFetcher:
    """``url -> bytes`` from a dict; an unknown URL raises, as a refused fetch would."""

    def __init__(self, documents: Mapping[str, bytes] | None = None) -> None:
        self.documents: dict[str, bytes] = dict(documents or {})
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url not in self.documents:
            raise LookupError(f"FakeFetcher: nothing at {url}")
        return self.documents[url]


class RecordingJobQueue:
    """Remembers every job; runs nothing."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, str, dict[str, Any]]] = []

    def enqueue(self, task: str, payload: Mapping[str, Any]) -> str:
        job_id = f"job-{len(self.jobs) + 1}"
        self.jobs.append((job_id, task, dict(payload)))
        return job_id


class RecordingPublisher:
    """Remembers every published event as ``(organisation_id, event, data)``."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, organisation_id: str, event: str, data: Mapping[str, Any]) -> None:
        self.events.append((organisation_id, event, dict(data)))

    def names(self) -> list[str]:
        return [name for _, name, _ in self.events]


# ---- the store -----------------------------------------------------------------------------


class IntegrityError(Exception):
    """A unique constraint the real database would enforce."""


@dataclass
class _Tables:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    api_keys: dict[str, ApiKeyRecord] = field(default_factory=dict)
    signing_keys: dict[str, SigningKeyRecord] = field(default_factory=dict)
    entries: dict[str, CatalogueEntry] = field(default_factory=dict)
    versions: dict[str, CatalogueVersion] = field(default_factory=dict)
    awards: dict[str, AwardRecord] = field(default_factory=dict)
    status_lists: dict[str, StatusListRecord] = field(default_factory=dict)
    allocated: dict[str, frozenset[int]] = field(default_factory=dict)
    signed: dict[str, tuple[int, str]] = field(default_factory=dict)
    bulk_jobs: dict[str, BulkJobRecord] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    webhooks: dict[str, WebhookRecord] = field(default_factory=dict)
    deliveries: dict[str, DeliveryRecord] = field(default_factory=dict)
    users: dict[str, UserRecord] = field(default_factory=dict)
    user_passwords: dict[str, str | None] = field(default_factory=dict)
    learners: dict[str, LearnerRecord] = field(default_factory=dict)
    learner_passwords: dict[str, str | None] = field(default_factory=dict)
    learner_did_challenges: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    sign_in_links: dict[str, SignInLinkRecord] = field(default_factory=dict)
    sign_in_failures: list[tuple[str, datetime]] = field(default_factory=list)
    claims: dict[str, ClaimRecord] = field(default_factory=dict)
    mails: dict[str, MailRecord] = field(default_factory=dict)
    holdings: dict[str, HoldingRecord] = field(default_factory=dict)
    share_links: dict[str, ShareLinkRecord] = field(default_factory=dict)
    holder_keys: dict[str, HolderKeyRecord] = field(default_factory=dict)
    # trust registry, stacking and recognition (tests/fakes_trust.py)
    registry: dict[str, Any] = field(default_factory=dict)
    pathways: dict[str, Any] = field(default_factory=dict)
    stack_claims: dict[str, Any] = field(default_factory=dict)
    recognition_policies: dict[str, Any] = field(default_factory=dict)
    recognitions: dict[str, Any] = field(default_factory=dict)
    seals: dict[str, Any] = field(default_factory=dict)  # tests/fakes_seals.py

    def copy(self) -> _Tables:
        return _Tables(**{name: type(value)(value) for name, value in self.__dict__.items()})


class FakeStore:
    """The committed state, shared by every unit of work made by :meth:`uow`."""

    def __init__(self, *, clock: FixedClock | None = None, list_length: int = MIN_ENTRIES) -> None:
        self.tables = _Tables()
        self.clock = clock or FixedClock()
        self.list_length = list_length
        self.generation = 0
        self.commits = 0
        self.reserve_calls = 0
        self.add_many_calls = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def t(self) -> _Tables:
        return self._uow.tables


class FakeOrganisations(_Repo):
    def add(self, organisation: Organisation) -> None:
        if organisation.id in self.t.organisations or self.by_slug(organisation.slug):
            raise IntegrityError(f"organisation {organisation.slug} exists")
        self.t.organisations[organisation.id] = organisation

    def get(self, organisation_id: str) -> Organisation | None:
        return self.t.organisations.get(organisation_id)

    def by_slug(self, slug: str) -> Organisation | None:
        return next((o for o in self.t.organisations.values() if o.slug == slug), None)

    def list(self) -> list[Organisation]:
        return sorted(self.t.organisations.values(), key=lambda o: (o.created_at, o.id))


class FakeApiKeys(_Repo):
    def add(self, key: ApiKeyRecord) -> None:
        if self.by_prefix(key.prefix) is not None:
            raise IntegrityError(f"API key prefix {key.prefix} exists")
        self.t.api_keys[key.id] = key

    def by_prefix(self, prefix: str) -> ApiKeyRecord | None:
        return next((k for k in self.t.api_keys.values() if k.prefix == prefix), None)

    def list_for(self, organisation_id: str) -> list[ApiKeyRecord]:
        keys = [k for k in self.t.api_keys.values() if k.organisation_id == organisation_id]
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    def revoke(self, key_id: str, *, at: datetime) -> None:
        self.t.api_keys[key_id] = replace(self.t.api_keys[key_id], revoked_at=at)


class FakeSigningKeys(_Repo):
    def add(self, key: SigningKeyRecord) -> None:
        if any(
            k.organisation_id == key.organisation_id and k.ordinal == key.ordinal
            for k in self.t.signing_keys.values()
        ):
            raise IntegrityError(f"key #{key.ordinal} of {key.organisation_id} exists")
        self.t.signing_keys[key.id] = key

    def active_for(self, organisation_id: str) -> SigningKeyRecord | None:
        active = [k for k in self.all_for(organisation_id) if k.retired_at is None]
        return active[-1] if active else None

    def all_for(self, organisation_id: str) -> list[SigningKeyRecord]:
        keys = [k for k in self.t.signing_keys.values() if k.organisation_id == organisation_id]
        return sorted(keys, key=lambda k: k.ordinal)

    def retire(self, key_id: str, *, at: datetime) -> None:
        self.t.signing_keys[key_id] = replace(self.t.signing_keys[key_id], retired_at=at)


class FakeCatalogue(_Repo):
    def add_entry(self, entry: CatalogueEntry) -> None:
        if self.entry_by_slug(entry.organisation_id, entry.slug) is not None:
            raise IntegrityError(f"entry {entry.slug} exists")
        self.t.entries[entry.id] = entry

    def get_entry(self, entry_id: str) -> CatalogueEntry | None:
        return self.t.entries.get(entry_id)

    def entry_by_slug(self, organisation_id: str, slug: str) -> CatalogueEntry | None:
        return next(
            (
                e
                for e in self.t.entries.values()
                if e.organisation_id == organisation_id and e.slug == slug
            ),
            None,
        )

    def update_entry(self, entry: CatalogueEntry) -> None:
        self.t.entries[entry.id] = entry

    def add_version(self, version: CatalogueVersion) -> None:
        if self.version_of(version.entry_id, version.version) is not None:
            raise IntegrityError(f"version {version.version} of {version.entry_id} exists")
        self.t.versions[version.id] = version

    def get_version(self, version_id: str) -> CatalogueVersion | None:
        return self.t.versions.get(version_id)

    def version_of(self, entry_id: str, version: int) -> CatalogueVersion | None:
        return next(
            (
                v
                for v in self.t.versions.values()
                if v.entry_id == entry_id and v.version == version
            ),
            None,
        )

    def set_published(self, version_id: str, *, at: datetime) -> None:
        self.t.versions[version_id] = replace(self.t.versions[version_id], published_at=at)

    def entries_for(self, organisation_id: str) -> list[CatalogueEntry]:
        entries = [e for e in self.t.entries.values() if e.organisation_id == organisation_id]
        return sorted(entries, key=lambda e: (e.created_at, e.id))

    def search_published(
        self, query: CatalogueQuery, *, limit: int, offset: int
    ) -> list[CatalogueVersion]:
        current = [
            v
            for v in self.t.versions.values()
            if v.published_at is not None
            and self.t.entries[v.entry_id].published_version == v.version
            and catalogue_matches(v, query)
        ]
        current.sort(key=lambda v: (v.created_at, v.id))
        return current[offset : offset + limit]


class FakeAwards(_Repo):
    def add_many(self, awards: Sequence[AwardRecord]) -> None:
        self._uow.store.add_many_calls += 1
        for award in awards:
            if award.id in self.t.awards or self.by_credential_id(award.credential_id):
                raise IntegrityError(f"award {award.id} exists")
            if award.row_key is not None and self.existing_row_keys(
                award.organisation_id, [award.row_key]
            ):
                raise IntegrityError(f"row key {award.row_key} exists")
            self.t.awards[award.id] = award

    def get(self, award_id: str) -> AwardRecord | None:
        return self.t.awards.get(award_id)

    def get_many(self, award_ids: Sequence[str]) -> list[AwardRecord]:
        return [self.t.awards[i] for i in award_ids if i in self.t.awards]

    def by_credential_id(self, credential_id: str) -> AwardRecord | None:
        return next((a for a in self.t.awards.values() if a.credential_id == credential_id), None)

    def existing_row_keys(self, organisation_id: str, keys: Iterable[str]) -> set[str]:
        wanted = set(keys)
        return {
            a.row_key
            for a in self.t.awards.values()
            if a.organisation_id == organisation_id and a.row_key in wanted
        }

    def list_for(
        self, organisation_id: str, *, text: str | None, limit: int, offset: int
    ) -> list[AwardRecord]:
        awards = [
            a
            for a in self.t.awards.values()
            if a.organisation_id == organisation_id
            and (
                text is None
                or any(text.lower() in str(v).lower() for v in (*a.learner.values(), a.id))
            )
        ]
        awards.sort(key=lambda a: (a.issued_at, a.id))
        return awards[offset : offset + limit]

    def set_state(
        self, award_id: str, *, state: AwardState, reason: str | None, at: datetime
    ) -> None:
        self.t.awards[award_id] = replace(self.t.awards[award_id], state=state, state_reason=reason)


class FakeStatusLists(_Repo):
    def reserve(
        self,
        organisation_id: str,
        purpose: StatusPurpose,
        count: int,
        *,
        rng: RandomBytes,
        key_id: str,
    ) -> list[StatusRef]:
        """Works on the COMMITTED state and copies the result into this unit of work; only
        lists bound to ``key_id`` are used or opened."""
        store = self._uow.store
        store.reserve_calls += 1
        committed = store.tables
        if count and key_id not in committed.signing_keys:
            raise IntegrityError(f"no signing key {key_id} (foreign key)")
        refs: list[StatusRef] = []
        for _ in range(count):
            lists = [
                s
                for s in committed.status_lists.values()
                if s.organisation_id == organisation_id
                and s.purpose == purpose
                and s.key_id == key_id
            ]
            current = next((s for s in lists if s.allocated_count < s.length), None)
            if current is None:
                current = StatusListRecord(
                    id=str(uuid.UUID(bytes=rng(16), version=4)),
                    organisation_id=organisation_id,
                    purpose=purpose,
                    key_id=key_id,
                    length=store.list_length,
                    bits=bytes(store.list_length // 8),
                    allocated_count=0,
                    version=1,
                    updated_at=store.clock(),
                )
                committed.allocated[current.id] = frozenset()
            taken = committed.allocated[current.id]
            while (index := int.from_bytes(rng(4), "big") % current.length) in taken:
                pass
            committed.allocated[current.id] = taken | {index}
            committed.status_lists[current.id] = replace(
                current, allocated_count=current.allocated_count + 1
            )
            refs.append(StatusRef(current.id, index))
        for list_id in {r.list_id for r in refs}:
            self.t.status_lists[list_id] = committed.status_lists[list_id]
            self.t.allocated[list_id] = committed.allocated[list_id]
        return refs

    def get(self, list_id: str) -> StatusListRecord | None:
        return self.t.status_lists.get(list_id)

    def lists_for(self, organisation_id: str) -> list[StatusListRecord]:
        return [s for s in self.t.status_lists.values() if s.organisation_id == organisation_id]

    def set_bits(self, list_id: str, changes: Mapping[int, bool], *, at: datetime) -> None:
        record = self.t.status_lists[list_id]
        bits = Bitstring.from_bytes(record.bits)
        for index, value in changes.items():
            bits.set(index, value)
        self.t.status_lists[list_id] = replace(
            record, bits=bits.to_bytes(), version=record.version + 1, updated_at=at
        )

    def signed(self, list_id: str) -> tuple[int, str] | None:
        return self.t.signed.get(list_id)

    def store_signed(self, list_id: str, *, version: int, text: str) -> None:
        self.t.signed[list_id] = (version, text)


class FakeBulkJobs(_Repo):
    def add(self, job: BulkJobRecord) -> None:
        self.t.bulk_jobs[job.id] = job

    def get(self, job_id: str) -> BulkJobRecord | None:
        return self.t.bulk_jobs.get(job_id)

    def by_source(self, organisation_id: str, source_sha256: str) -> BulkJobRecord | None:
        return next(
            (
                j
                for j in self.t.bulk_jobs.values()
                if j.organisation_id == organisation_id and j.source_sha256 == source_sha256
            ),
            None,
        )

    def update(self, job: BulkJobRecord) -> None:
        self.t.bulk_jobs[job.id] = job

    def list_for(self, organisation_id: str, *, limit: int, offset: int) -> list[BulkJobRecord]:
        jobs = [j for j in self.t.bulk_jobs.values() if j.organisation_id == organisation_id]
        jobs.sort(key=lambda j: (j.created_at, j.id), reverse=True)
        return jobs[offset : offset + limit]


class FakeAudit(_Repo):
    def record(self, event: AuditEvent) -> None:
        self.t.audit.append(event)

    def list_for(self, organisation_id: str, *, limit: int, offset: int) -> list[AuditEvent]:
        events = [e for e in reversed(self.t.audit) if e.organisation_id == organisation_id]
        return events[offset : offset + limit]


class FakeUnitOfWork:
    """One transaction: a private copy of the tables, published by :meth:`commit`."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.tables = _Tables()
        self.organisations = FakeOrganisations(self)
        self.api_keys = FakeApiKeys(self)
        self.signing_keys = FakeSigningKeys(self)
        self.catalogue = FakeCatalogue(self)
        self.awards = FakeAwards(self)
        self.status_lists = FakeStatusLists(self)
        self.bulk_jobs = FakeBulkJobs(self)
        self.audit = FakeAudit(self)
        self.webhooks = FakeWebhooks(self)
        self.deliveries = FakeDeliveries(self)
        self.users = FakeUsers(self)
        self.learners = FakeLearners(self)
        self.sessions = FakeSessions(self)
        self.sign_in_links = FakeSignInLinks(self)
        self.sign_in_failures = FakeSignInFailures(self)
        self.claims = FakeClaims(self)
        self.mail_outbox = FakeMailOutbox(self)
        self.holdings = FakeHoldings(self)
        self.share_links = FakeShareLinks(self)
        self.holder_keys = FakeHolderKeys(self)
        self.registry = FakeRegistry(self)
        self.pathways = FakePathways(self)
        self.recognitions = FakeRecognitions(self)
        self.seals = FakeSeals(self)
        self._generation = -1

    def __enter__(self) -> Self:
        self.tables = self.store.tables.copy()
        self._generation = self.store.generation
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.tables = _Tables()  # anything not committed is discarded

    def commit(self) -> None:
        if self.store.generation != self._generation:
            raise RuntimeError("FakeUnitOfWork: another unit of work committed meanwhile")
        self.store.tables = self.tables.copy()
        self.store.generation += 1
        self.store.commits += 1
        self._generation = self.store.generation


# ---- webhooks ------------------------------------------------------------------------------


class FakeWebhooks(_Repo):
    def add(self, webhook: WebhookRecord) -> None:
        if webhook.id in self.t.webhooks:
            raise IntegrityError(f"webhook {webhook.id} exists")
        self.t.webhooks[webhook.id] = webhook

    def get(self, webhook_id: str) -> WebhookRecord | None:
        return self.t.webhooks.get(webhook_id)

    def list_for(self, organisation_id: str) -> list[WebhookRecord]:
        hooks = [w for w in self.t.webhooks.values() if w.organisation_id == organisation_id]
        return sorted(hooks, key=lambda w: (w.created_at, w.id))

    def update(self, webhook: WebhookRecord) -> None:
        self.t.webhooks[webhook.id] = webhook


class FakeDeliveries(_Repo):
    def add_many(self, deliveries: Sequence[DeliveryRecord]) -> None:
        for delivery in deliveries:
            if delivery.id in self.t.deliveries:
                raise IntegrityError(f"delivery {delivery.id} exists")
            if delivery.webhook_id not in self.t.webhooks:
                raise IntegrityError(f"no webhook {delivery.webhook_id} (foreign key)")
            self.t.deliveries[delivery.id] = delivery

    def get(self, delivery_id: str) -> DeliveryRecord | None:
        return self.t.deliveries.get(delivery_id)

    def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[DeliveryRecord]:
        due = [
            d
            for d in self.t.deliveries.values()
            if d.status == "pending" and d.next_attempt_at is not None and d.next_attempt_at <= now
        ]
        due.sort(key=lambda d: (d.next_attempt_at or now, d.id))
        claimed = [replace(d, next_attempt_at=lease_until) for d in due[:limit]]
        for delivery in claimed:
            self.t.deliveries[delivery.id] = delivery
        return claimed

    def update(self, delivery: DeliveryRecord) -> None:
        self.t.deliveries[delivery.id] = delivery

    def cancel_pending(self, webhook_id: str) -> int:
        pending = [
            d
            for d in self.t.deliveries.values()
            if d.webhook_id == webhook_id and d.status == "pending"
        ]
        for delivery in pending:
            self.t.deliveries[delivery.id] = replace(
                delivery, status="cancelled", next_attempt_at=None
            )
        return len(pending)

    def list_for(self, webhook_id: str, *, limit: int, offset: int) -> list[DeliveryRecord]:
        found = [d for d in self.t.deliveries.values() if d.webhook_id == webhook_id]
        found.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return found[offset : offset + limit]


class ScriptedSender:
    """A webhook receiver in memory: answers each POST with the next scripted status (the last
    one repeats); an exception in the script is raised instead, as a failed connection."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers) or [200]
        self.requests: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        self.requests.append((url, body, dict(headers)))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def public_urls_only(url: str) -> str | None:
    """A stand-in for the outbound guard's check: https URLs on names, no IP literals."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "only https URLs are allowed"
    if not parts.hostname or parts.hostname.replace(".", "").isdigit():
        return f"{parts.hostname} is not a public host name"
    return None


# ---- people --------------------------------------------------------------------------------


class FakeUsers(_Repo):
    def add(self, user: UserRecord) -> None:
        if user.id in self.t.users or self.by_email(user.organisation_id, user.email):
            raise IntegrityError(f"user {user.email} of {user.organisation_id} exists")
        self.t.users[user.id] = user

    def get(self, user_id: str) -> UserRecord | None:
        return self.t.users.get(user_id)

    def by_email(self, organisation_id: str, email: str) -> UserRecord | None:
        return next(
            (
                u
                for u in self.t.users.values()
                if u.organisation_id == organisation_id and u.email == email
            ),
            None,
        )

    def list_for(self, organisation_id: str) -> list[UserRecord]:
        users = [u for u in self.t.users.values() if u.organisation_id == organisation_id]
        return sorted(users, key=lambda u: (u.created_at, u.id))

    def update(self, user: UserRecord) -> None:
        stored = self.t.users[user.id]
        self.t.users[user.id] = replace(
            stored, name=user.name, role=user.role, removed_at=user.removed_at
        )

    def with_email(self, email: str) -> list[UserRecord]:
        users = [u for u in self.t.users.values() if u.email == email]
        return sorted(users, key=lambda u: (u.created_at, u.id))

    def password_hash(self, user_id: str) -> str | None:
        return self.t.user_passwords.get(user_id)

    def set_password_hash(self, user_id: str, password_hash: str | None) -> None:
        self.t.user_passwords[user_id] = password_hash


# ---- learners, sign-in, claims, mail, wallet -----------------------------------------------


class FakeLearners(_Repo):
    def add(self, learner: LearnerRecord) -> None:
        if learner.id in self.t.learners or self.by_email(learner.email):
            raise IntegrityError(f"learner {learner.email} exists")
        self.t.learners[learner.id] = learner

    def get(self, learner_id: str) -> LearnerRecord | None:
        return self.t.learners.get(learner_id)

    def by_email(self, email: str) -> LearnerRecord | None:
        return next((x for x in self.t.learners.values() if x.email == email), None)

    def update(self, learner: LearnerRecord) -> None:
        stored = self.t.learners[learner.id]
        self.t.learners[learner.id] = replace(
            stored,
            name=learner.name,
            language=learner.language,
            did=learner.did,
            did_verified_at=learner.did_verified_at,
        )

    def set_did_challenge(
        self, learner_id: str, challenge: str | None, expires_at: datetime | None
    ) -> None:
        if challenge is None or expires_at is None:
            self.t.learner_did_challenges.pop(learner_id, None)
        else:
            self.t.learner_did_challenges[learner_id] = (challenge, expires_at)

    def did_challenge(self, learner_id: str) -> tuple[str, datetime] | None:
        return self.t.learner_did_challenges.get(learner_id)

    def delete(self, learner_id: str) -> None:
        t = self.t
        for table in (t.share_links, t.holder_keys, t.holdings):
            for key in [k for k, v in table.items() if v.learner_id == learner_id]:
                del table[key]
        for key in [k for k, v in t.sign_in_links.items() if v.account_id == learner_id]:
            del t.sign_in_links[key]
        for key, claim in list(t.claims.items()):
            if claim.learner_id == learner_id:
                t.claims[key] = replace(claim, learner_id=None)
        t.learner_passwords.pop(learner_id, None)
        t.learner_did_challenges.pop(learner_id, None)
        del t.learners[learner_id]

    def password_hash(self, learner_id: str) -> str | None:
        return self.t.learner_passwords.get(learner_id)

    def set_password_hash(self, learner_id: str, password_hash: str | None) -> None:
        self.t.learner_passwords[learner_id] = password_hash


class FakeSessions(_Repo):
    def add(self, session: SessionRecord) -> None:
        self.t.sessions[session.token_hash] = session

    def get(self, token_hash: str) -> SessionRecord | None:
        return self.t.sessions.get(token_hash)

    def extend(self, token_hash: str, *, expires_at: datetime) -> None:
        found = self.t.sessions.get(token_hash)
        if found:
            self.t.sessions[token_hash] = replace(found, expires_at=expires_at)

    def delete(self, token_hash: str) -> None:
        self.t.sessions.pop(token_hash, None)

    def delete_for(self, kind: str, account_id: str) -> int:
        gone = [
            h for h, s in self.t.sessions.items() if s.kind == kind and s.account_id == account_id
        ]
        for token_hash in gone:
            del self.t.sessions[token_hash]
        return len(gone)


class FakeSignInLinks(_Repo):
    def add(self, link: SignInLinkRecord) -> None:
        self.t.sign_in_links[link.token_hash] = link

    def get(self, token_hash: str) -> SignInLinkRecord | None:
        return self.t.sign_in_links.get(token_hash)

    def mark_used(self, token_hash: str, *, at: datetime) -> bool:
        found = self.t.sign_in_links.get(token_hash)
        if found is None or found.used_at is not None:
            return False
        self.t.sign_in_links[token_hash] = replace(found, used_at=at)
        return True


class FakeSignInFailures(_Repo):
    def record(self, key: str, *, at: datetime) -> None:
        self.t.sign_in_failures.append((key, at))

    def count_since(self, key: str, since: datetime) -> int:
        return sum(1 for k, at in self.t.sign_in_failures if k == key and at >= since)

    def clear(self, key: str) -> None:
        self.t.sign_in_failures = [f for f in self.t.sign_in_failures if f[0] != key]


class FakeClaims(_Repo):
    def add_many(self, claims: Sequence[ClaimRecord]) -> None:
        for claim in claims:
            if self.for_award(claim.award_id) or claim.award_id not in self.t.awards:
                raise IntegrityError(f"claim of award {claim.award_id}: exists or no award")
            self.t.claims[claim.id] = claim

    def by_token_hash(self, token_hash: str) -> ClaimRecord | None:
        return next((c for c in self.t.claims.values() if c.token_hash == token_hash), None)

    def for_award(self, award_id: str) -> ClaimRecord | None:
        return next((c for c in self.t.claims.values() if c.award_id == award_id), None)

    def awards_with_claims(self, award_ids: Sequence[str]) -> set[str]:
        return {c.award_id for c in self.t.claims.values()} & set(award_ids)

    def mark_used(self, claim_id: str, *, learner_id: str, at: datetime) -> bool:
        found = self.t.claims.get(claim_id)
        if found is None or found.used_at is not None:
            return False
        self.t.claims[claim_id] = replace(found, used_at=at, learner_id=learner_id)
        return True


class FakeMailOutbox(_Repo):
    def add_many(self, mails: Sequence[MailRecord]) -> None:
        for mail in mails:
            self.t.mails[mail.id] = mail

    def get(self, mail_id: str) -> MailRecord | None:
        return self.t.mails.get(mail_id)

    def claim_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[MailRecord]:
        due = sorted(
            (
                m
                for m in self.t.mails.values()
                if m.status == "pending" and m.next_attempt_at and m.next_attempt_at <= now
            ),
            key=lambda m: (m.next_attempt_at or now, m.id),
        )[:limit]
        claimed = [replace(m, next_attempt_at=lease_until) for m in due]
        for mail in claimed:
            self.t.mails[mail.id] = mail
        return claimed

    def update(self, mail: MailRecord) -> None:
        self.t.mails[mail.id] = mail

    def delete_older_than(self, cutoff: datetime) -> int:
        old = [m.id for m in self.t.mails.values() if m.created_at < cutoff]
        for mail_id in old:
            del self.t.mails[mail_id]
        return len(old)


class FakeHoldings(_Repo):
    def add(self, holding: HoldingRecord) -> None:
        if holding.award_id and self.for_award(holding.learner_id, holding.award_id):
            raise IntegrityError(f"award {holding.award_id} already held")
        self.t.holdings[holding.id] = holding

    def get(self, holding_id: str) -> HoldingRecord | None:
        return self.t.holdings.get(holding_id)

    def list_for(self, learner_id: str) -> list[HoldingRecord]:
        mine = [h for h in self.t.holdings.values() if h.learner_id == learner_id]
        return sorted(mine, key=lambda h: (h.added_at, h.id), reverse=True)

    def for_award(self, learner_id: str, award_id: str) -> HoldingRecord | None:
        return next(
            (
                h
                for h in self.t.holdings.values()
                if h.learner_id == learner_id and h.award_id == award_id
            ),
            None,
        )

    def stale(self, *, checked_before: datetime, limit: int) -> list[HoldingRecord]:
        due = [
            h
            for h in self.t.holdings.values()
            if h.checked_at is None or h.checked_at < checked_before
        ]
        due.sort(key=lambda h: (h.checked_at is not None, h.checked_at or h.added_at, h.id))
        return due[:limit]

    def update_check(self, holding: HoldingRecord) -> None:
        stored = self.t.holdings[holding.id]
        self.t.holdings[holding.id] = replace(
            stored,
            verified=holding.verified,
            status=holding.status,
            checked_at=holding.checked_at,
            report=holding.report,
        )

    def delete(self, holding_id: str) -> None:
        self.t.holdings.pop(holding_id, None)


# ---- sharing -------------------------------------------------------------------------------


class FakeShareLinks(_Repo):
    def add(self, link: ShareLinkRecord) -> None:
        if link.id in self.t.share_links or self.by_token(link.token) is not None:
            raise IntegrityError(f"share link {link.id} exists")
        self.t.share_links[link.id] = link

    def get(self, link_id: str) -> ShareLinkRecord | None:
        return self.t.share_links.get(link_id)

    def by_token(self, token: str) -> ShareLinkRecord | None:
        return next((k for k in self.t.share_links.values() if k.token == token), None)

    def list_for(self, learner_id: str) -> list[ShareLinkRecord]:
        links = [k for k in self.t.share_links.values() if k.learner_id == learner_id]
        return sorted(links, key=lambda k: (k.created_at, k.id), reverse=True)

    def revoke(self, link_id: str, *, at: datetime) -> None:
        link = self.t.share_links[link_id]
        if link.revoked_at is None:
            self.t.share_links[link_id] = replace(link, revoked_at=at)

    def record_view(self, link_id: str, *, at: datetime) -> None:
        link = self.t.share_links[link_id]
        self.t.share_links[link_id] = replace(link, views=link.views + 1, last_viewed_at=at)


class FakeHolderKeys(_Repo):
    def add(self, key: HolderKeyRecord) -> None:
        if self.for_learner(key.learner_id) is not None:
            raise IntegrityError(f"learner {key.learner_id} has a holder key")
        self.t.holder_keys[key.id] = key

    def for_learner(self, learner_id: str) -> HolderKeyRecord | None:
        return next((k for k in self.t.holder_keys.values() if k.learner_id == learner_id), None)


class PlainRenderer:
    """A :class:`microcred.service.mail.MailRenderer` writing the template name, language and
    context as plain text (the real one is ``microcred.web.mail``)."""

    def render(self, template: str, language: str, context: Mapping[str, Any]) -> Any:
        from microcred.service.mail import OutgoingMail

        lines = [f"{name}={value}" for name, value in sorted(context.items())]
        return OutgoingMail(subject=f"{template} [{language}]", text="\n".join(lines))
