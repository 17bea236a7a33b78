"""A test bed for the issuer service's use cases: every port faked, helpers for the usual
steps (an organisation, a published micro-credential, an award) and a core verifier."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fakes import (
    FakeCipher,
    FakeFetcher,
    FakeStore,
    FakeUnitOfWork,
    FixedClock,
    RecordingPublisher,
    SeededRandom,
)
from microcred.core.did.key import DidKeyMethod
from microcred.core.did.resolver import Resolver
from microcred.core.did.web import DidWebMethod
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import VerificationReport
from microcred.service import api_keys, catalogue, issuing, organisations, signing_keys
from microcred.service.records import AwardRecord, CatalogueVersion, Organisation, Principal
from microcred.service.status_lists import status_list_credential
from microcred.service.urls import did_document_url

VECTORS = Path(__file__).parents[2] / "vectors" / "service"
DESCRIPTION = (VECTORS / "data-protection-by-design.yaml").read_text(encoding="utf-8")
LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}
BASE_URL = "https://issuer.example"


@dataclass
class Env:
    """Fakes of every port plus the keyword arguments each use case wants."""

    base_url: str | None = BASE_URL
    clock: FixedClock = field(default_factory=FixedClock)
    rng: SeededRandom = field(default_factory=SeededRandom)
    cipher: FakeCipher = field(default_factory=FakeCipher)
    publisher: RecordingPublisher = field(default_factory=RecordingPublisher)
    fetcher: FakeFetcher = field(default_factory=FakeFetcher)
    store: FakeStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = FakeStore(clock=self.clock)

    def uow(self) -> FakeUnitOfWork:
        return self.store.uow()

    # keyword-argument bundles, one per kind of use case
    @property
    def writes(self) -> dict[str, Any]:
        return {"uow": self.uow, "clock": self.clock, "rng": self.rng}

    @property
    def issues(self) -> dict[str, Any]:
        return {
            **self.writes,
            "cipher": self.cipher,
            "publisher": self.publisher,
            "base_url": self.base_url,
        }

    @property
    def changes_status(self) -> dict[str, Any]:
        return {**self.writes, "publisher": self.publisher}

    @property
    def lists(self) -> dict[str, Any]:
        return {
            "uow": self.uow,
            "cipher": self.cipher,
            "clock": self.clock,
            "base_url": self.base_url,
        }

    @property
    def keys(self) -> dict[str, Any]:
        return {**self.writes, "cipher": self.cipher, "base_url": self.base_url}

    # usual steps
    def organisation(
        self, name: str = "University of Galway", role: str = "owner"
    ) -> tuple[Organisation, Principal]:
        org, secret = organisations.create_organisation(
            name=name,
            country="IE",
            url="https://www.universityofgalway.ie",
            uow=self.uow,
            cipher=self.cipher,
            clock=self.clock,
            rng=self.rng,
        )
        owner = api_keys.authenticate(secret, uow=self.uow)
        if role == "owner":
            return org, owner
        _, other = api_keys.create_api_key(owner, role=role, label=role, **self.writes)  # type: ignore[arg-type]
        return org, api_keys.authenticate(other, uow=self.uow)

    def published(self, principal: Principal, description: Any = DESCRIPTION) -> CatalogueVersion:
        _, version = catalogue.create_entry(principal, description=description, **self.writes)
        return catalogue.publish_version(principal, version.id, **self.writes)

    def issue(self, principal: Principal, version: CatalogueVersion, **kw: Any) -> AwardRecord:
        kw.setdefault("learner", LEARNER)
        return issuing.issue_award(principal, version_id=version.id, **kw, **self.issues)

    # verification with the core verifier, status lists from the service
    def verifier(self) -> Verifier:
        def status_lists(url: str) -> dict[str, Any] | None:
            list_id = url.rsplit("/", 1)[-1]
            return json.loads(status_list_credential(list_id, **self.lists))  # type: ignore[no-any-return]

        return Verifier(
            resolver=Resolver((DidKeyMethod(), DidWebMethod(self.fetcher))),
            status_lists=status_lists,
            clock=self.clock,
        )

    def host_did_documents(self) -> None:
        """Put every organisation's did.json where did:web resolution looks for it."""
        assert self.base_url
        for org in organisations.list_organisations(uow=self.uow):
            document = signing_keys.did_document(org.slug, uow=self.uow, base_url=self.base_url)
            self.fetcher.documents[did_document_url(self.base_url, org.slug)] = json.dumps(
                document
            ).encode()

    def verify(self, award: AwardRecord | str) -> VerificationReport:
        if self.base_url:
            self.host_did_documents()
        text = award.credential if isinstance(award, AwardRecord) else award
        return self.verifier().verify(text)


def status_of(report: VerificationReport) -> list[str]:
    """``"<check name> <outcome>: <reason>"`` of every status check."""
    return [f"{c.name} {c.outcome}: {c.reason}" for c in report.checks if c.name.endswith("status")]
