"""What the web pages need from the composition root: the service's ports bound to adapters.

The bootstrap builds one :class:`WebServices` and passes it to
:func:`microcred.web.install_web`; the page routes call the service's use cases with these ports
and never build adapters themselves (like ``microcred.api.dependencies.ApiServices``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from microcred.core.verify.pipeline import Verifier
from microcred.service.bulk import BulkContext
from microcred.service.ports import (
    Clock,
    EventPublisher,
    Fetcher,
    KeyCipher,
    RandomBytes,
    UnitOfWorkFactory,
)

PAGE_SIZE = 20
"""Results per page of the lists (catalogue, awards)."""


@dataclass(frozen=True)
class WebServices:
    """The pages' dependencies, built once by the bootstrap.

    ``verifier`` returns the server's :class:`Verifier` (own did:web issuers and status lists
    read from the store, others through ``fetcher``, the one SSRF-guarded HTTP client);
    ``base_url`` is this server's public address (``https://...`` makes the cookies ``Secure``).
    """

    uow: UnitOfWorkFactory
    base_url: str | None
    clock: Clock
    rng: RandomBytes
    cipher: KeyCipher
    publisher: EventPublisher
    verifier: Callable[[], Verifier]
    fetcher: Fetcher
    bulk: BulkContext
    page_size: int = PAGE_SIZE
    admin_orgs: tuple[str, ...] = ()
    """The platform administrator organisations (setting ``admin_orgs``): their owners manage
    the trust registry."""

    def __post_init__(self) -> None:
        if not 1 <= self.page_size < 200:
            raise ValueError("page_size must be 1-199")

    @property
    def secure_cookies(self) -> bool:
        """Cookies are ``Secure`` when the server is reached over HTTPS."""
        return bool(self.base_url and self.base_url.startswith("https://"))
