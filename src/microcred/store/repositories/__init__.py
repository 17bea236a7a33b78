"""SQLAlchemy implementations of the repositories of :mod:`microcred.service.ports`."""

from microcred.store.repositories.api_keys import SqlApiKeyRepository
from microcred.store.repositories.audit import SqlAuditLog
from microcred.store.repositories.awards import SqlAwardRepository
from microcred.store.repositories.bulk_jobs import SqlBulkJobRepository
from microcred.store.repositories.catalogue import SqlCatalogueRepository
from microcred.store.repositories.learners import (
    SqlClaimRepository,
    SqlHoldingRepository,
    SqlLearnerRepository,
    SqlMailOutbox,
    SqlSessionRepository,
    SqlSignInFailureRepository,
    SqlSignInLinkRepository,
)
from microcred.store.repositories.organisations import SqlOrganisationRepository
from microcred.store.repositories.sharing import SqlHolderKeyRepository, SqlShareLinkRepository
from microcred.store.repositories.signing_keys import SqlSigningKeyRepository
from microcred.store.repositories.status_lists import SqlStatusListRepository
from microcred.store.repositories.users import SqlUserRepository
from microcred.store.repositories.webhooks import SqlDeliveryRepository, SqlWebhookRepository

__all__ = [
    "SqlApiKeyRepository",
    "SqlAuditLog",
    "SqlAwardRepository",
    "SqlBulkJobRepository",
    "SqlCatalogueRepository",
    "SqlClaimRepository",
    "SqlDeliveryRepository",
    "SqlHolderKeyRepository",
    "SqlHoldingRepository",
    "SqlLearnerRepository",
    "SqlMailOutbox",
    "SqlOrganisationRepository",
    "SqlSessionRepository",
    "SqlShareLinkRepository",
    "SqlSignInFailureRepository",
    "SqlSignInLinkRepository",
    "SqlSigningKeyRepository",
    "SqlStatusListRepository",
    "SqlUserRepository",
    "SqlWebhookRepository",
]
