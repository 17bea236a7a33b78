"""Helpers of the catalogue page tests: publish descriptions, fetch pages as a browser."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from api_support import DESCRIPTION, ApiEnv, auth

from fakes import FakeFetcher
from microcred.service import organisations
from microcred.service.accounts import set_staff_password
from microcred.service.records import Principal
from microcred.service.users import add_user
from microcred.web import WebServices

EXAMPLES = Path(__file__).parents[3] / "examples"
FRENCH = (EXAMPLES / "fondamentaux-cybersecurite.yaml").read_text(encoding="utf-8")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGE_SIZE = 2
PASSWORD = "correct horse battery"


def description(text: str = DESCRIPTION, **changes: Any) -> dict[str, Any]:
    """A description (YAML text) as an object, with top-level ``changes``."""
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load(text))
    data.update(changes)
    return data


@dataclass
class WebEnv:
    api: ApiEnv
    keys: dict[str, str] = field(default_factory=dict)

    def provider(self, name: str) -> tuple[str, dict[str, str]]:
        """(organisation id, owner headers) of provider ``name``, created on first use."""
        if name not in self.keys:
            self.keys[name] = self.api.organisation(name)[1]
        found = [
            o.id
            for o in organisations.list_organisations(uow=self.api.services.uow)
            if o.legal_name == name
        ]
        return found[0], auth(self.keys[name])

    def publish(self, data: dict[str, Any] | str, *, by: str = "University of Galway") -> str:
        """Publish a description as ``by``; the version id."""
        _, headers = self.provider(by)
        created = self.api.client.post(
            "/api/v1/catalogue/entries", json={"description": data}, headers=headers
        )
        assert created.status_code == 201, created.text
        version_id: str = created.json()["version"]["id"]
        published = self.api.client.post(
            f"/api/v1/catalogue/versions/{version_id}/publish", headers=headers
        )
        assert published.status_code == 200, published.text
        return version_id

    def page(self, url: str, **headers: str) -> httpx.Response:
        """``url`` fetched as a browser."""
        return self.api.client.get(url, headers={"Accept": BROWSER, **headers})


def web_services(env: ApiEnv) -> WebServices:
    """The pages' ports: the API test bed's fakes (the fetcher refuses every URL)."""
    api = env.services
    return WebServices(
        uow=api.uow,
        base_url=api.base_url,
        clock=api.clock,
        rng=api.rng,
        cipher=api.cipher,
        publisher=api.events,
        verifier=api.verifier,
        fetcher=FakeFetcher(),
        bulk=api.bulk,
        page_size=PAGE_SIZE,
    )


def add_staff(web: WebEnv, role: str, email: str, *, of: str = "University of Galway") -> None:
    """A staff member of provider ``of`` with ``role`` and the password :data:`PASSWORD`."""
    org_id, _ = web.provider(of)
    services = web.api.services
    owner = Principal(organisation_id=org_id, role="owner", actor="test")
    ports = {"uow": services.uow, "clock": services.clock, "rng": services.rng}
    user = add_user(owner, email=email, name="Síle Byrne", role=role, **ports)  # type: ignore[arg-type]
    set_staff_password(principal=owner, user_id=user.id, password=PASSWORD, **ports)


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token of the page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:1500]
    return found.group(1)


def sign_in_staff(web: WebEnv, email: str) -> httpx.Response:
    """Sign in on the dashboard (the answer, a redirect when it worked)."""
    client = web.api.client
    client.base_url = httpx.URL("https://testserver")  # the cookies are Secure
    form = web.page("/dashboard/sign-in")
    return client.post(
        "/dashboard/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(form)},
        headers={"Accept": BROWSER},
        follow_redirects=False,
    )
