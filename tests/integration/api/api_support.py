"""Test bed of the HTTP API: the app on the service's in-memory fakes, a client, helpers."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from fakes import (
    FakeCipher,
    FakeFetcher,
    FakeStore,
    FixedClock,
    RecordingJobQueue,
    RecordingPublisher,
    SeededRandom,
)
from microcred.api.app import create_app
from microcred.api.dependencies import ApiServices
from microcred.config import Settings
from microcred.service import issuing, organisations, verifying
from microcred.service.bulk import BulkContext

VECTORS = Path(__file__).parents[2] / "vectors"
DESCRIPTION = (VECTORS / "service" / "data-protection-by-design.yaml").read_text(encoding="utf-8")
BASE_URL = "https://issuer.example"


@dataclass
class ApiEnv:
    services: ApiServices
    store: FakeStore
    clock: FixedClock
    queue: RecordingJobQueue
    publisher: RecordingPublisher
    client: TestClient

    def organisation(self, name: str = "University of Galway") -> tuple[str, str]:
        """A new organisation: (slug, owner API key text)."""
        org, key = organisations.create_organisation(
            name=name,
            country="IE",
            uow=self.services.uow,
            cipher=self.services.cipher,
            clock=self.services.clock,
            rng=self.services.rng,
        )
        return org.slug, key


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def build_env(base_url: str | None = BASE_URL) -> ApiEnv:
    clock = FixedClock()
    rng = SeededRandom()
    cipher = FakeCipher()
    store = FakeStore(clock=clock)
    queue = RecordingJobQueue()
    publisher = RecordingPublisher()
    fetcher = FakeFetcher()
    ports: dict[str, Any] = {"uow": store.uow, "cipher": cipher, "clock": clock}
    issue = functools.partial(
        issuing.issue_batch, **ports, rng=rng, publisher=publisher, base_url=base_url
    )
    services = ApiServices(
        settings=Settings(base_url=base_url),
        uow=store.uow,
        clock=clock,
        rng=rng,
        cipher=cipher,
        jobs=queue,
        events=publisher,
        verifier=functools.partial(verifying.verifier, **ports, fetcher=fetcher, base_url=base_url),
        bulk=BulkContext(
            uow=store.uow, clock=clock, rng=rng, issue=issue, queue=queue, publisher=publisher
        ),
    )
    client = TestClient(create_app(services), raise_server_exceptions=False)
    return ApiEnv(services, store, clock, queue, publisher, client)


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
