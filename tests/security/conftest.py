"""Fixtures of the security tests: the web pages on the HTTP API's test bed
(tests/integration/api/api_support.py, the service's in-memory fakes), as the bootstrap wires
them, so every test attacks the same app a browser would reach."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

TESTS = Path(__file__).parents[1]
for folder in (TESTS / "integration" / "api", TESTS / "integration" / "web"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from api_support import build_env  # noqa: E402
from web_support import WebEnv, web_services  # noqa: E402

from microcred.web import install_web  # noqa: E402


@pytest.fixture
def web() -> Iterator[WebEnv]:
    """The pages and the API of one fresh in-memory site (base URL https://issuer.example)."""
    env = build_env()
    app = env.client.app
    assert isinstance(app, FastAPI)
    install_web(app, web_services(env))
    with env.client:
        yield WebEnv(env)
