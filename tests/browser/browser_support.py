"""Browser tests: a live microcred server (uvicorn in a thread, a fresh SQLite database, its mail
runner sending to an SMTP server on loopback, aiosmtpd) driven by Playwright through Debian's
Chromium (/usr/bin/chromium, headless, no sandbox); every page visited is checked with axe-core.
Without Chromium the tests are skipped, unless ``MICROCRED_REQUIRE_BROWSER=1`` (CI), which
makes that a failure."""

from __future__ import annotations

import email
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, cast

import pytest
import uvicorn
from aiosmtpd.controller import Controller

from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
ROOT = Path(__file__).parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def _axe_source() -> str:
    """axe-core from the pinned npm packages of the interop harness, installed on first use
    (tests/interop/peer.py). Without Node.js/npm the browser tests skip, or fail when
    ``MICROCRED_REQUIRE_BROWSER=1``."""
    from interop.peer import NodeUnavailableError, node_peer

    try:
        peer = node_peer()
    except NodeUnavailableError as exc:
        message = f"axe-core is installed with npm, which is unavailable: {exc}"
        if os.environ.get("MICROCRED_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (MICROCRED_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return (peer.node_modules / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """The aiosmtpd handler: every message the live server sent."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(cast(EmailMessage, message))
        return "250 OK"

    def wait_for(self, recipient: str, timeout_s: float = 30.0) -> EmailMessage:
        """The first message to ``recipient``, waiting for the mail runner to send it."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.messages:
                    if recipient in str(message["To"]):
                        return message
            time.sleep(0.2)
        raise AssertionError(f"no e-mail to {recipient} within {timeout_s} s")


@dataclass(frozen=True)
class Live:
    """The running server: its base URL, its container (to set up data directly) and the
    inbox of the SMTP server it sends to."""

    base: str
    container: Container
    inbox: Inbox


@pytest.fixture(scope="session")
def live_server(live: Live) -> str:
    """The base URL of a running server on a fresh database."""
    return live.base


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A running server on a fresh database, with its container."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("live")
    inbox, smtp_port = Inbox(), _free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'microcred.db'}",
        base_url=base,
        seed_demo=False,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_security="none",
        smtp_from="microcred <no-reply@127.0.0.1>",
        smtp_timeout_s=5.0,
    )
    container = build(settings)
    app = build_app(container)  # with the mail runner (and the webhook runner, idle here)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield Live(base, container, inbox)
    server.should_exit = True
    thread.join(timeout=10)
    smtp.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium under Playwright for one test module. Module scope, not session: Playwright's
    sync API keeps an asyncio loop running in the thread while it is open, and other tests run
    by the same pytest-xdist worker (the PostgreSQL job queue's worker) call ``asyncio.run``."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: the browser tests need Debian's chromium package"
        if os.environ.get("MICROCRED_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (MICROCRED_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def axe() -> str:
    return _axe_source()


def check_accessibility(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """The serious and critical axe-core violations of the page as it is now (the context must
    be opened with ``bypass_csp=True``: the pages forbid inline scripts)."""
    page.add_script_tag(content=axe_source)
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
