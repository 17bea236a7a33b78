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
from microcred.store.repositories import (
    SqlApiKeyRepository,
    SqlAuditLog,
    SqlAwardRepository,
    SqlBulkJobRepository,
    SqlCatalogueRepository,
    SqlDeliveryRepository,
    SqlOrganisationRepository,
    SqlSigningKeyRepository,
    SqlStatusListRepository,
    SqlUserRepository,
    SqlWebhookRepository,
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
