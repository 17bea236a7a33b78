"""What the HTTP API needs from the composition root, and the FastAPI dependencies built on it.

The bootstrap builds one :class:`ApiServices` (the ports of ``microcred.service.ports`` bound
to their adapters, plus the settings) and passes it to :func:`microcred.api.app.create_app`.
Routes call the service's use-case functions with these ports; they never build adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from microcred.config import Settings
from microcred.core.verify.pipeline import Verifier
from microcred.service.api_keys import authenticate
from microcred.service.bulk import BulkContext
from microcred.service.errors import Unauthenticated
from microcred.service.ports import (
    Clock,
    EventPublisher,
    JobQueue,
    KeyCipher,
    RandomBytes,
    UnitOfWorkFactory,
    UrlRefusal,
)
from microcred.service.records import Principal


def no_webhooks(url: str) -> str:
    """The URL check of an app that delivers no webhooks: every URL is refused."""
    return "this server has no webhook sender configured"


@dataclass(frozen=True)
class ApiServices:
    """The API's dependencies, built once by the bootstrap.

    ``verifier`` makes the :class:`Verifier` used by the verification routes: its resolver
    knows ``did:key``, ``did:web`` (this server's own organisations directly, others through the
    guarded fetcher) and its status list source reads this server's lists from the store and
    others' through the guarded fetcher. It is called once per request, so it may be cheap
    (e.g. return one shared, thread-safe instance). ``bulk`` is the bulk use cases' context
    (its ``issue`` bound to the issuance use case, its ``queue`` the job queue).
    ``webhook_url_refusal`` is the outbound guard's check of a webhook URL at registration; by
    default every URL is refused (an app without a webhook sender registers none).
    """

    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    rng: RandomBytes
    cipher: KeyCipher
    jobs: JobQueue
    events: EventPublisher
    verifier: Callable[[], Verifier]
    bulk: BulkContext
    webhook_url_refusal: UrlRefusal = no_webhooks

    @property
    def base_url(self) -> str:
        return self.settings.service_base_url()


def services(request: Request) -> ApiServices:
    """The container the app was created with."""
    found: ApiServices = request.app.state.services
    return found


Services = Annotated[ApiServices, Depends(services)]

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    bearerFormat="mc_<prefix>_<secret>",
    description="An organisation's API key: `Authorization: Bearer mc_<prefix>_<secret>`.",
)


def principal(
    container: Services,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from ``Authorization: Bearer mc_...`` (401 problem details otherwise)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("an API key is required: Authorization: Bearer mc_<prefix>_<secret>")
    return authenticate(credentials.credentials, uow=container.uow)


Caller = Annotated[Principal, Depends(principal)]
