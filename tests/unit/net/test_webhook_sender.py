"""The webhook sender against a real HTTP receiver on 127.0.0.1 and hostile addresses."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from microcred.config import Settings
from microcred.net.webhooks import HttpWebhookSender, WebhookSendError, webhook_sender_from_settings

BODY = b'{"id":"d1","type":"award.issued"}'
HEADERS = {"content-type": "application/json", "webhook-id": "d1"}


class _Receiver(ThreadingHTTPServer):
    hits: list[tuple[str, str | None, dict[str, str], bytes]]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server = self.server
        assert isinstance(server, _Receiver)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server.hits.append((self.path, self.headers.get("Host"), dict(self.headers), body))
        if self.path == "/moved":
            self.send_response(307)
            self.send_header("Location", "/hook")
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(50_000_000))
        else:
            self.send_response(202 if self.path == "/hook" else 500)
            self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[_Receiver]:
    httpd = _Receiver(("127.0.0.1", 0), _Handler)
    httpd.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(receiver: _Receiver, path: str) -> str:
    return f"http://127.0.0.1:{receiver.server_address[1]}{path}"


def _allowed() -> HttpWebhookSender:
    return HttpWebhookSender(allow_hosts=["127.0.0.1"], timeout_s=3.0)


def test_an_allow_listed_receiver_gets_the_body_and_headers(receiver: _Receiver) -> None:
    assert _allowed()(_url(receiver, "/hook"), BODY, HEADERS) == 202
    path, host, headers, body = receiver.hits[-1]
    assert (path, body) == ("/hook", BODY)
    assert host == f"127.0.0.1:{receiver.server_address[1]}"
    assert headers["webhook-id"] == "d1" and headers["content-type"] == "application/json"
    assert headers["User-Agent"].startswith("microcred")
    assert _allowed()(_url(receiver, "/fails"), BODY, HEADERS) == 500


def test_redirects_are_not_followed_and_bodies_not_read(receiver: _Receiver) -> None:
    before = len(receiver.hits)
    assert _allowed()(_url(receiver, "/moved"), BODY, HEADERS) == 307
    assert len(receiver.hits) == before + 1
    assert _allowed()(_url(receiver, "/big"), BODY, HEADERS) == 200  # 50 MB announced, not read


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::ffff:127.0.0.1]/hook", "127.0.0.1"),
        ("http://hooks.example.org/hook", "only https"),
        ("https://user:pw@hooks.example.org/hook", "user names"),
        ("ftp://hooks.example.org/hook", "ftp scheme"),
    ],
)
def test_forbidden_targets_are_refused_before_any_connection(url: str, reason: str) -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise AssertionError("refused before resolving")

    sender = HttpWebhookSender(resolve=no_dns, timeout_s=0.5)
    assert reason in (sender.refusal(url) or "")
    with pytest.raises(WebhookSendError, match=f"cannot deliver to .*{re.escape(reason)}"):
        sender(url, BODY, HEADERS)


def test_loopback_is_refused_unless_allow_listed(receiver: _Receiver) -> None:
    before = len(receiver.hits)
    port = receiver.server_address[1]
    strict = HttpWebhookSender(timeout_s=0.5)
    assert "loopback" in (strict.refusal(f"https://127.0.0.1:{port}/hook") or "")
    with pytest.raises(WebhookSendError, match="only https"):
        strict(_url(receiver, "/hook"), BODY, HEADERS)
    with pytest.raises(WebhookSendError, match="loopback"):
        strict(f"https://127.0.0.1:{port}/hook", BODY, HEADERS)
    assert len(receiver.hits) == before
    assert _allowed().refusal(_url(receiver, "/hook")) is None


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    sender = HttpWebhookSender(resolve=lambda host, port: ["93.184.215.14", "10.0.0.7"])
    assert sender.refusal("https://hooks.example.org/x") == (
        "the host hooks.example.org resolves to a forbidden address: 10.0.0.7 is a private address"
    )


def test_a_silent_receiver_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the TCP handshake, never answers
    try:
        port = listener.getsockname()[1]
        sender = HttpWebhookSender(allow_hosts=["127.0.0.1"], timeout_s=0.3)
        with pytest.raises(WebhookSendError, match=r"timed out after 0\.3 s"):
            sender(f"http://127.0.0.1:{port}/hook", BODY, HEADERS)
    finally:
        listener.close()


def test_settings_configure_the_sender(receiver: _Receiver) -> None:
    sender = webhook_sender_from_settings(Settings(fetch_allow_hosts=("127.0.0.1",)))
    assert sender(_url(receiver, "/hook"), BODY, HEADERS) == 202
    assert webhook_sender_from_settings(Settings()).refusal(_url(receiver, "/hook")) is not None
