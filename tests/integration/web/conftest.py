"""Fixtures of the catalogue page tests: the HTTP API's test bed (tests/integration/api/
api_support.py, the service's in-memory fakes) with the pages installed as the bootstrap does."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))

from api_support import build_env
from web_support import WebEnv, web_services

from microcred.web import install_web


@pytest.fixture
def web() -> Iterator[WebEnv]:
    env = build_env()
    app = env.client.app
    assert isinstance(app, FastAPI)
    install_web(app, web_services(env))
    with env.client:
        yield WebEnv(env)
