"""Fixtures of the browser tests; they live in browser_support.py (with the helpers the tests
import), so that no test imports a module named ``conftest``."""

from browser_support import axe, browser, live, live_server

__all__ = ["axe", "browser", "live", "live_server"]
