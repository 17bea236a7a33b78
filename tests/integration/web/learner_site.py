"""A real site for the learner page tests (bootstrap container, pages, store on the test's
database): one organisation that published the example micro-credential and issued it to Aoife
Murphy; browsers that speak https (the cookies are Secure) and register learners."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from pydantic import SecretStr

from microcred.bootstrap import build, build_app
from microcred.config import Settings
from microcred.service import catalogue, issuing, organisations
from microcred.service.records import Principal

EXAMPLE = Path(__file__).parents[3] / "examples" / "data-protection-by-design.yaml"
MASTER_KEY = SecretStr(base64.b64encode(bytes(range(32))).decode())
BROWSER = {"Accept": "text/html"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a sound passphrase"


@dataclass
class Site:
    app: object
    credential: str
    """The signed credential of an award issued by this server."""
    database_url: str

    def client(self) -> TestClient:
        """A browser of its own (cookies are Secure: the client speaks https)."""
        return TestClient(self.app, base_url="https://testserver")  # type: ignore[arg-type]


def site_on(database_url: str, data_dir: Path) -> Iterator[Site]:
    """The site on ``database_url`` (a generator for a module-scoped fixture)."""
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        base_url="https://issuer.example",
        master_key=MASTER_KEY,
        seed_demo=False,
    )
    container = build(settings)
    organisation, _ = organisations.create_organisation(
        name="Atlantic Technological University", country="IE", **container.ports
    )
    owner = Principal(organisation_id=organisation.id, role="owner", actor="test")
    _, version = catalogue.create_entry(
        owner, description=EXAMPLE.read_text(encoding="utf-8"), **container.ports_writes
    )
    catalogue.publish_version(owner, version.id, **container.ports_writes)
    award = issuing.issue_award(
        owner,
        version_id=version.id,
        learner={"name": "Aoife Murphy", "email": "aoife@learner.example"},
        **container.issuing,
    )
    yield Site(build_app(container, deliver_webhooks=False), award.credential, database_url)
    container.engine.dispose()


def csrf(page: httpx.Response) -> str:
    """The CSRF token of the page's forms."""
    found = CSRF.search(page.text)
    assert found, page.text[:800]
    return found.group(1)


def registered_learner(site: Site, email: str) -> TestClient:
    """A newly registered learner's browser, signed in."""
    client = site.client()
    form = client.get("/register", headers=BROWSER)
    registered = client.post(
        "/register",
        data={"csrf_token": csrf(form), "next": "/wallet", "name": "Learner", "email": email,
              "password": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert registered.status_code == 303, registered.text
    return client
