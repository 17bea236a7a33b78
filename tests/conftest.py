"""Shared pytest fixtures."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from interop.peer import JsPeer


# --- interop: the reference JavaScript stack (tests/interop/peer.py) ---------------------------
@pytest.fixture(scope="session")
def js_peer() -> JsPeer:
    """The pinned JavaScript peer, installed once. Skips without Node.js 20, unless
    MICROCRED_REQUIRE_INTEROP=1 (CI), where a missing Node.js fails the test."""
    from interop.peer import NodeUnavailableError, node_peer

    try:
        return node_peer()
    except NodeUnavailableError as exc:
        if os.environ.get("MICROCRED_REQUIRE_INTEROP") == "1":
            pytest.fail(f"{exc} (MICROCRED_REQUIRE_INTEROP=1)")
        pytest.skip(str(exc))
