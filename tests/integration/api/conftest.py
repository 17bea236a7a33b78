"""Fixtures of the HTTP API tests (see api_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_support import DESCRIPTION, ApiEnv, auth, build_env


@pytest.fixture
def env() -> Iterator[ApiEnv]:
    built = build_env()
    with built.client:
        yield built


@pytest.fixture
def owner(env: ApiEnv) -> dict[str, str]:
    """Authorization headers of a fresh organisation's owner key."""
    return auth(env.organisation()[1])


@pytest.fixture
def published(env: ApiEnv, owner: dict[str, str]) -> dict[str, Any]:
    """A published catalogue version of the owner's organisation (the API's JSON)."""
    created = env.client.post(
        "/api/v1/catalogue/entries", json={"description": DESCRIPTION}, headers=owner
    )
    assert created.status_code == 201, created.text
    version_id = created.json()["version"]["id"]
    answer = env.client.post(f"/api/v1/catalogue/versions/{version_id}/publish", headers=owner)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body
