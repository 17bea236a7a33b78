"""Helpers of the catalogue page tests: publish descriptions, fetch pages as a browser."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from api_support import DESCRIPTION, ApiEnv, auth

from microcred.service import organisations

EXAMPLES = Path(__file__).parents[3] / "examples"
FRENCH = (EXAMPLES / "fondamentaux-cybersecurite.yaml").read_text(encoding="utf-8")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGE_SIZE = 2


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
