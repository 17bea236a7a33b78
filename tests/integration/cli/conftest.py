"""Fixtures for the CLI acceptance tests: an issuer key made by ``microcred keys generate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_harness import microcred


@pytest.fixture(scope="session")
def issuer_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A key file written by the CLI itself."""
    path = tmp_path_factory.mktemp("issuer") / "issuer-key.json"
    run = microcred("keys", "generate", "--out", path)
    assert run.code == 0, run.stderr
    return path


@pytest.fixture(scope="session")
def issuer_key(issuer_key_file: Path) -> dict[str, Any]:
    """The key file's content: ``did``, ``publicKeyMultibase``, ``secretKeyMultibase``."""
    key: dict[str, Any] = json.loads(issuer_key_file.read_text(encoding="utf-8"))
    return key
