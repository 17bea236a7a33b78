"""One database transaction over every repository (:class:`microcred.service.ports.UnitOfWork`).

``with SqlUnitOfWork(engine) as uow: ...; uow.commit()``; leaving the block without ``commit``
(or by an exception) rolls everything back. Each ``with`` block borrows one pooled connection;
the object can be entered again afterwards, but not from two threads at once. Use
``functools.partial(SqlUnitOfWork, engine)`` as the service's ``UnitOfWorkFactory``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Connection, Engine

from microcred.core.status.bitstring import MIN_ENTRIES
from microcred.service.learner_ports import (
    ClaimRepository,
    HoldingRepository,
    LearnerRepository,
    MailOutbox,
    SessionRepository,
    SignInFailureRepository,
    SignInLinkRepository,
)
from microcred.service.ports import (
    ApiKeyRepository,
    AuditLog,
    AwardRepository,
    BulkJobRepository,
    CatalogueRepository,
    DeliveryRepository,
    OrganisationRepository,
    SigningKeyRepository,
    StatusListRepository,
    UserRepository,
    WebhookRepository,
)
from microcred.service.seal_ports import SealRepository
from microcred.service.sharing_ports import HolderKeyRepository, ShareLinkRepository
from microcred.service.trust_ports import (
    PathwayRepository,
    RecognitionRepository,
    RegistryRepository,
)
from microcred.store.repositories import (
    SqlApiKeyRepository,
    SqlAuditLog,
    SqlAwardRepository,
    SqlBulkJobRepository,
    SqlCatalogueRepository,
    SqlClaimRepository,
    SqlDeliveryRepository,
    SqlHolderKeyRepository,
    SqlHoldingRepository,
    SqlLearnerRepository,
    SqlMailOutbox,
    SqlOrganisationRepository,
    SqlSessionRepository,
    SqlShareLinkRepository,
    SqlSignInFailureRepository,
    SqlSigningKeyRepository,
    SqlSignInLinkRepository,
    SqlStatusListRepository,
    SqlUserRepository,
    SqlWebhookRepository,
)
from microcred.store.repositories.seals import SqlSealRepository
from microcred.store.repositories.trust import (
    SqlPathwayRepository,
    SqlRecognitionRepository,
    SqlRegistryRepository,
)


class SqlUnitOfWork:
    """A unit of work on ``engine``; ``status_list_length`` sets the size of new status lists
    (131,072 entries by default, BSL 1.0 §6.5 minimum; tests use small lists)."""

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
    share_links: ShareLinkRepository
    holder_keys: HolderKeyRepository
    registry: RegistryRepository
    pathways: PathwayRepository
    recognitions: RecognitionRepository
    seals: SealRepository

    def __init__(self, engine: Engine, *, status_list_length: int = MIN_ENTRIES) -> None:
        self._engine = engine
        self._status_list_length = status_list_length
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already open")
        connection = self._engine.connect()
        self._connection = connection
        self.organisations = SqlOrganisationRepository(connection)
        self.api_keys = SqlApiKeyRepository(connection)
        self.signing_keys = SqlSigningKeyRepository(connection)
        self.catalogue = SqlCatalogueRepository(connection)
        self.awards = SqlAwardRepository(connection)
        self.status_lists = SqlStatusListRepository(
            connection, self._engine, list_length=self._status_list_length
        )
        self.bulk_jobs = SqlBulkJobRepository(connection)
        self.webhooks = SqlWebhookRepository(connection)
        self.deliveries = SqlDeliveryRepository(connection)
        self.users = SqlUserRepository(connection)
        self.learners = SqlLearnerRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.sign_in_links = SqlSignInLinkRepository(connection)
        self.sign_in_failures = SqlSignInFailureRepository(connection)
        self.claims = SqlClaimRepository(connection)
        self.mail_outbox = SqlMailOutbox(connection)
        self.holdings = SqlHoldingRepository(connection)
        self.share_links = SqlShareLinkRepository(connection)
        self.holder_keys = SqlHolderKeyRepository(connection)
        self.registry = SqlRegistryRepository(connection)
        self.pathways = SqlPathwayRepository(connection)
        self.recognitions = SqlRecognitionRepository(connection)
        self.seals = SqlSealRepository(connection)
        self._audit = SqlAuditLog(connection)
        self.audit = self._audit
        return self

    def commit(self) -> None:
        """Commit everything done so far; the unit of work stays usable for more work."""
        connection = self._open()
        self._audit.flush()
        connection.commit()

    def rollback(self) -> None:
        connection = self._open()
        self._audit.discard()
        connection.rollback()

    def _open(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._connection

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._open(), None
        self._audit.discard()
        try:
            connection.rollback()
        finally:
            connection.close()


if TYPE_CHECKING:
    from microcred.service.ports import UnitOfWork

    def _implements_the_port(engine: Engine) -> UnitOfWork:
        return SqlUnitOfWork(engine)
