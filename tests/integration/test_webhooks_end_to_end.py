"""Webhooks end to end on SQLite and on PostgreSQL, through the real app and a real HTTP
receiver on 127.0.0.1 (allow-listed): an award issued over the API lands in the outbox, the
first attempt gets a 500, the retry after the back-off a 200, both validly signed; the runner
thread of the app delivers on its own; a claimed delivery is left alone by other runners; the
SSRF guard refuses private, link-local and non-allow-listed loopback URLs at registration
without connecting."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from microcred.bootstrap import Container, build, build_app, utc_now
from microcred.config import Settings
from microcred.service import organisations

EXAMPLE = Path(__file__).parents[2] / "examples" / "data-protection-by-design.yaml"
MASTER_KEY = SecretStr(base64.b64encode(bytes(range(32))).decode())


class Receiver(ThreadingHTTPServer):
    """Answers each POST with the next scripted status (200 when the script is empty)."""

    script: list[int]
    requests: list[tuple[str, dict[str, str], bytes]]

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server = self.server
        assert isinstance(server, Receiver)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(server.script.pop(0) if server.script else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    httpd = Receiver(("127.0.0.1", 0), _Handler)
    httpd.script, httpd.requests = [], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@dataclass
class Server:
    container: Container
    client: TestClient
    auth: dict[str, str]

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(path, json=body, headers=self.auth)

    def get(self, path: str) -> Any:
        return self.client.get(path, headers=self.auth)


def _settings(database_url: str, data_dir: Path, *, allow: tuple[str, ...]) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        base_url="https://issuer.example",
        master_key=MASTER_KEY,
        seed_demo=False,
        fetch_allow_hosts=allow,
        fetch_timeout_s=3.0,
    )


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("data")
    container = build(_settings(database_url, data_dir, allow=("127.0.0.1",)))
    _, key = organisations.create_organisation(
        name="University of Galway", country="IE", **container.ports
    )
    with TestClient(build_app(container, deliver_webhooks=False)) as client:
        yield Server(container, client, {"Authorization": f"Bearer {key}"})
    container.engine.dispose()


@pytest.fixture(scope="module")
def version_id(server: Server) -> str:
    created = server.post(
        "/api/v1/catalogue/entries", {"description": EXAMPLE.read_text(encoding="utf-8")}
    )
    assert created.status_code == 201, created.text
    version = str(created.json()["version"]["id"])
    assert server.post(f"/api/v1/catalogue/versions/{version}/publish").status_code == 200
    return version


@pytest.fixture(scope="module")
def webhook(server: Server, receiver: Receiver) -> dict[str, Any]:
    created = server.post("/api/v1/webhooks", {"url": receiver.url(), "events": ["award.issued"]})
    assert created.status_code == 201, created.text
    return dict(created.json())


def _issue(server: Server, version_id: str) -> dict[str, Any]:
    issued = server.post(
        "/api/v1/awards",
        {"version_id": version_id, "learner": {"name": "Aoife Murphy", "email": "a@example.ie"}},
    )
    assert issued.status_code == 201, issued.text
    return dict(issued.json())


def _signature(secret: str, headers: dict[str, str], body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def test_an_issued_award_is_retried_after_a_500_and_delivered_signed(
    server: Server, version_id: str, webhook: dict[str, Any], receiver: Receiver
) -> None:
    hook_id, secret = webhook["webhook"]["id"], webhook["secret"]
    receiver.script[:] = [500, 200]
    start = len(receiver.requests)
    award = _issue(server, version_id)

    [pending] = server.get(f"/api/v1/webhooks/{hook_id}/deliveries").json()["items"]
    assert pending["status"] == "pending" and pending["attempts"] == 0
    assert pending["payload"]["data"]["award_id"] == award["id"]

    [first] = server.container.deliver_webhooks()
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert first.next_attempt_at is not None and first.last_attempt_at is not None
    assert first.next_attempt_at - first.last_attempt_at == timedelta(seconds=10)
    assert server.container.deliver_webhooks() == []  # not due for 10 s
    [second] = server.container.deliver_webhooks(now=utc_now() + timedelta(seconds=11))
    assert (second.status, second.attempts, second.last_status_code) == ("delivered", 2, 200)

    sent = receiver.requests[start:]
    assert len(sent) == 2
    for path, headers, body in sent:
        assert path == "/hook" and headers["content-type"] == "application/json"
        assert headers["webhook-id"] == pending["id"]
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
        assert headers["webhook-signature"] == _signature(secret, headers, body)
        document = json.loads(body)
        assert document["type"] == "award.issued" and document["id"] == pending["id"]
        assert document["data"]["award_id"] == award["id"]
        assert document["data"]["credential_id"] == award["credential"]["id"]
    [done] = server.get(f"/api/v1/webhooks/{hook_id}/deliveries").json()["items"]
    assert done["status"] == "delivered" and done["attempts"] == 2 and done["delivered_at"]


def test_a_claimed_delivery_is_left_alone_until_its_lease_lapses(
    server: Server, version_id: str, webhook: dict[str, Any]
) -> None:
    award = _issue(server, version_id)
    now = utc_now()
    with server.container.uow() as tx:
        [claimed] = tx.deliveries.claim_due(
            now=now, lease_until=now + timedelta(minutes=5), limit=10
        )
        tx.commit()
    assert json.loads(claimed.payload)["data"]["award_id"] == award["id"]
    with server.container.uow() as tx:
        assert tx.deliveries.claim_due(now=now, lease_until=now, limit=10) == []
        later = now + timedelta(minutes=6)
        [again] = tx.deliveries.claim_due(now=later, lease_until=later, limit=10)
        assert again.id == claimed.id and again.attempts == 0
        tx.commit()
    delivered = server.container.deliver_webhooks(now=later + timedelta(seconds=1))
    assert [(d.id, d.status) for d in delivered] == [(claimed.id, "delivered")]


def test_the_runner_of_the_app_delivers_on_its_own(
    server: Server, version_id: str, webhook: dict[str, Any], receiver: Receiver
) -> None:
    receiver.script[:] = []
    with TestClient(build_app(server.container, resume_jobs=False)) as client:
        assert server.container.webhook_runner.running
        issued = client.post(
            "/api/v1/awards",
            json={
                "version_id": version_id,
                "learner": {"name": "Seán Ó Briain", "email": "sean@example.ie"},
            },
            headers=server.auth,
        )
        assert issued.status_code == 201, issued.text
        award_id = issued.json()["id"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            bodies = [json.loads(body) for _, _, body in receiver.requests]
            if any(b["data"].get("award_id") == award_id for b in bodies):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the runner did not deliver the award.issued event")
    assert not server.container.webhook_runner.running  # stopped with the app


def test_the_guard_refuses_private_and_loopback_urls_without_connecting(
    server: Server,
    receiver: Receiver,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    before = len(receiver.requests)
    strict = build(
        _settings(database_url, tmp_path_factory.mktemp("strict"), allow=()), migrate=False
    )
    try:
        with TestClient(build_app(strict, resume_jobs=False, deliver_webhooks=False)) as client:
            cases = [
                (server.client, "https://10.0.0.1/hook", "10.0.0.1 is a private address"),
                (server.client, "https://169.254.169.254/latest/meta-data", "link-local"),
                (client, receiver.url().replace("http:", "https:"), "loopback"),
                (client, receiver.url(), "only https"),
            ]
            for app_client, url, reason in cases:
                answer = app_client.post("/api/v1/webhooks", json={"url": url}, headers=server.auth)
                assert answer.status_code == 422, (url, answer.text)
                assert answer.headers["content-type"] == "application/problem+json"
                problem = answer.json()
                assert f"the webhook URL {url} is refused" in problem["detail"], problem
                assert reason in problem["detail"], problem
    finally:
        strict.engine.dispose()
    assert len(receiver.requests) == before
    listed = server.get("/api/v1/webhooks").json()
    assert [h["url"] for h in listed] == [receiver.url()]
