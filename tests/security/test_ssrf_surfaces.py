"""Server-side request forgery (brief: "Verification never ... reaches out to arbitrary URLs"):
every outbound surface - the verify page's ``?credential=URL``, Open Badges 2.0 hosted
assertions, did:web resolution, webhook URLs - goes through :mod:`microcred.net.guard`. A URL
to loopback, link-local (cloud metadata), private space, IPv4-in-IPv6 forms, numeric host
spellings or a DNS name resolving there is refused with a reason, and a real HTTP server
listening on 127.0.0.1 sees no request at all."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from api_support import build_env
from fastapi import FastAPI
from security_support import browser
from web_support import WebEnv, web_services

from microcred.core.did.web import DidWebMethod
from microcred.errors import MicrocredError
from microcred.net.fetcher import FetchError, GuardedFetcher
from microcred.net.guard import system_resolve
from microcred.net.webhooks import HttpWebhookSender
from microcred.service.presented import verify_presented
from microcred.web import install_web

PEER_STATUS = Path(__file__).parents[1] / "vectors" / "js-peer-issued" / "ob3-signed-status7.json"
NAMES = {
    "internal.example": ["10.0.0.5"],
    "metadata.example": ["169.254.169.254"],
    "rebind.example": ["93.184.216.34", "127.0.0.1"],
    "v6loop.example": ["::1"],
}


def resolve(host: str, port: int) -> list[str]:
    """Stub DNS for the names above; numeric and ``localhost`` spellings go to the real,
    offline ``getaddrinfo`` (which turns ``2130706433`` or ``0x7f.1`` into 127.0.0.1)."""
    return NAMES.get(host) or system_resolve(host, port)


class Listener:
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                body = json.dumps({"id": "x"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def fetcher() -> Iterator[GuardedFetcher]:
    guarded = GuardedFetcher(resolve=resolve, timeout_s=2.0)
    yield guarded
    guarded.close()


def hostile_urls(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/credential.json",
        f"https://127.0.0.1:{port}/credential.json",
        f"https://localhost:{port}/",
        f"https://[::1]:{port}/",
        f"https://[::ffff:127.0.0.1]:{port}/",
        f"https://[::ffff:7f00:1]:{port}/",
        f"https://[64:ff9b::7f00:1]:{port}/",
        f"https://2130706433:{port}/",
        f"https://0x7f000001:{port}/",
        f"https://0:{port}/",
        f"https://0.0.0.0:{port}/",
        "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "https://[fe80::1]/",
        "https://10.1.2.3/",
        "https://192.168.1.1/",
        "https://100.64.0.1/",
        f"https://internal.example:{port}/",
        "https://metadata.example/latest/meta-data/",
        f"https://rebind.example:{port}/",
        f"https://v6loop.example:{port}/",
        f"https://user:pass@127.0.0.1:{port}/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:25/_HELO",
        "ftp://127.0.0.1/",
        f"http://93.184.216.34:{port}/",  # http to a public address: https only
    ]


def test_the_guarded_fetcher_refuses_every_private_target(
    fetcher: GuardedFetcher, listener: Listener
) -> None:
    for url in hostile_urls(listener.port):
        with pytest.raises(FetchError) as refused:
            fetcher(url)
        assert refused.value.reason, url
    assert listener.hits == []


def test_did_web_resolution_goes_through_the_guard(
    fetcher: GuardedFetcher, listener: Listener
) -> None:
    method = DidWebMethod(fetcher)
    for did in (
        f"did:web:127.0.0.1%3A{listener.port}",
        f"did:web:localhost%3A{listener.port}",
        "did:web:internal.example",
        "did:web:metadata.example:latest:meta-data",
    ):
        with pytest.raises(MicrocredError):
            method.resolve(did)
    assert listener.hits == []


def test_webhook_urls_to_private_space_are_refused_at_registration(listener: Listener) -> None:
    sender = HttpWebhookSender(resolve=resolve)
    try:
        for url in hostile_urls(listener.port):
            assert sender.refusal(url), url
    finally:
        sender.close()
    assert listener.hits == []


def test_an_ob2_hosted_assertion_is_not_fetched_from_private_space(
    fetcher: GuardedFetcher, listener: Listener
) -> None:
    url = f"https://127.0.0.1:{listener.port}/assertions/1"
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": url,
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
        "badge": f"https://127.0.0.1:{listener.port}/badge",
        "verification": {"type": "hosted"},
        "issuedOn": "2024-01-01T00:00:00Z",
    }
    verifier = build_env().services.verifier()
    _, report = verify_presented(json.dumps(assertion).encode(), verifier=verifier, fetcher=fetcher)
    assert not report.verified
    assert listener.hits == []


@pytest.fixture
def guarded_web(listener: Listener) -> Iterator[WebEnv]:
    """The pages with the real guarded fetcher in place of the test bed's fake one."""
    env = build_env()
    app = env.client.app
    assert isinstance(app, FastAPI)
    install_web(app, replace(web_services(env), fetcher=GuardedFetcher(resolve=resolve)))
    with env.client:
        yield WebEnv(env)


def test_the_verify_page_refuses_private_credential_urls(
    guarded_web: WebEnv, listener: Listener
) -> None:
    client = browser(guarded_web)
    for url in hostile_urls(listener.port)[:21]:
        page = client.get("/verify", params={"credential": url})
        assert page.status_code == 422, (url, page.status_code)
        assert "could not be fetched" in page.text or "starting with https://" in page.text
    assert listener.hits == []


def test_the_listener_does_answer_when_asked_directly(listener: Listener) -> None:
    """The control: the server the tests aim at is really there, so zero hits means refused."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/ping", timeout=2) as answer:
        assert answer.status == 200
    assert listener.hits[-1] == "/ping"
    listener.hits.clear()


def test_a_signed_credential_cannot_aim_the_status_list_fetch_at_private_space(
    fetcher: GuardedFetcher, listener: Listener
) -> None:
    """The status list URL comes from the (validly signed) credential: the server's verifier
    fetches it through the guard, the fetch is refused, and the status check fails closed."""
    from microcred.core.jsonld.loader import default_loader
    from microcred.core.keys.keypair import Ed25519KeyPair
    from microcred.core.proofs.data_integrity import add_proof
    from microcred.service import verifying

    asked: list[str] = []
    refusals: list[str] = []

    def guarded(url: str) -> bytes:
        asked.append(url)
        try:
            return fetcher(url)
        except FetchError as refused:
            refusals.append(refused.reason)
            raise

    services = build_env().services
    verifier = verifying.verifier(
        uow=services.uow,
        cipher=services.cipher,
        clock=lambda: datetime.now(UTC),
        fetcher=guarded,
        base_url="https://issuer.example",
    )
    key = Ed25519KeyPair.generate()
    with open(PEER_STATUS, encoding="utf-8") as file:
        unsigned = {k: v for k, v in json.load(file).items() if k != "proof"}
    for url in hostile_urls(listener.port)[:21]:
        credential = {
            **unsigned,
            "issuer": {**unsigned["issuer"], "id": key.did},
            "credentialStatus": {
                "id": f"{url}#7",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "7",
                "statusListCredential": url,
            },
        }
        signed = add_proof(
            credential,
            signer=key.signer(),
            created="2026-01-01T00:00:00Z",
            loader=default_loader(),
        )
        report = verifier.verify(signed)
        assert report.check("proof").passed, (url, report.to_dict())  # type: ignore[union-attr]
        status = report.check("revocation status")
        assert status is not None and not status.passed, url
        assert "could not be retrieved" in status.reason
        assert not report.verified
    assert asked == hostile_urls(listener.port)[:21]  # each list was asked of the guard...
    assert len(refusals) == len(asked) and all(refusals)  # ...which refused it with a reason
    assert listener.hits == []
