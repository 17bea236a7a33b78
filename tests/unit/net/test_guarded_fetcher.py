"""The guarded fetcher against a real HTTP server on 127.0.0.1 and hostile addresses."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from microcred.config import Settings
from microcred.errors import MicrocredError
from microcred.net.fetcher import FetchError, GuardedFetcher, fetcher_from_settings, refusal

DOC = b'{"id": "did:web:example.org"}'


class _Handler(BaseHTTPRequestHandler):
    hits: list[tuple[str, str | None]]

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        server.hits.append((self.path, self.headers.get("Host")))
        routes = {
            "/doc.json": (200, "application/json", DOC),
            "/did.json": (200, "application/did+ld+json; charset=utf-8", DOC),
            "/page": (200, "text/html", b"<html></html>"),
            "/big": (200, "application/json", b"[" + b"1," * 10_000 + b"1]"),
            "/missing": (404, "application/json", b"{}"),
            "/gone": (410, "application/json", b"{}"),
        }
        if self.path.startswith("/redirect/"):
            hops = int(self.path.rsplit("/", 1)[1])
            target = "/doc.json" if hops == 0 else f"/redirect/{hops - 1}"
            self._answer(302, "text/plain", b"", {"Location": target})
            return
        if self.path == "/to-metadata":
            self._answer(302, "text/plain", b"", {"Location": "http://169.254.169.254/latest"})
            return
        if self.path == "/chunked-big":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 4096
            for _ in range(64):
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
        self._answer(status, ctype, body)

    def _answer(
        self, status: int, ctype: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    hits: list[tuple[str, str | None]]


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _base(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _allowed(**kw: object) -> GuardedFetcher:
    return GuardedFetcher(allow_hosts=["127.0.0.1"], timeout_s=3.0, **kw)  # type: ignore[arg-type]


def test_an_allow_listed_local_server_is_fetched(server: _Server) -> None:
    assert _allowed()(_base(server) + "/doc.json") == DOC
    assert _allowed()(_base(server) + "/did.json") == DOC


def test_fetch_error_is_a_microcred_error_naming_url_and_reason(server: _Server) -> None:
    url = _base(server) + "/missing"
    with pytest.raises(FetchError) as info:
        _allowed()(url)
    assert isinstance(info.value, MicrocredError)
    assert info.value.url == url
    assert "HTTP 404" in info.value.reason
    assert info.value.status == 404
    assert url in str(info.value)


def test_fetch_error_carries_the_status_code_of_an_error_answer(server: _Server) -> None:
    with pytest.raises(FetchError) as info:
        _allowed()(_base(server) + "/gone")
    assert info.value.status == 410
    with pytest.raises(FetchError) as refused:
        _allowed()("http://169.254.169.254/latest")
    assert refused.value.status is None


def test_loopback_is_refused_without_connecting_unless_allow_listed(server: _Server) -> None:
    before = len(server.hits)
    with pytest.raises(FetchError, match="only https"):
        GuardedFetcher()(_base(server) + "/doc.json")
    port = server.server_address[1]
    with pytest.raises(FetchError, match="loopback"):
        GuardedFetcher()(f"https://127.0.0.1:{port}/doc.json")
    assert len(server.hits) == before


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://10.1.2.3/x", "private"),
        ("https://192.168.0.1/x", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::1]/x", "loopback"),
        ("https://[::ffff:127.0.0.1]/x", "127.0.0.1"),
        ("https://[::ffff:10.0.0.1]/x", "10.0.0.1"),
        ("https://[fe80::1]/x", "link-local"),
        ("https://[fc00::1]/x", "private"),
        ("https://0.0.0.0/x", "unspecified"),
        ("https://224.0.0.1/x", "multicast"),
        ("https://240.0.0.1/x", "reserved"),
        ("https://100.64.0.1/x", "not a public address"),
        ("https://[64:ff9b::a00:1]/x", "10.0.0.1"),
        ("https://[2002:7f00:1::]/x", "127.0.0.1"),
    ],
)
def test_forbidden_addresses_are_refused(url: str, label: str) -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise AssertionError("an IP literal needs no DNS")

    with pytest.raises(FetchError, match="forbidden address") as info:
        GuardedFetcher(resolve=no_dns, timeout_s=0.5)(url)
    assert label in info.value.reason


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    answers = {"intranet.example": ["93.184.215.14", "10.0.0.7"]}
    fetcher = GuardedFetcher(resolve=lambda host, port: answers[host], timeout_s=0.5)
    with pytest.raises(FetchError, match=r"intranet\.example resolves to a forbidden address"):
        fetcher("https://intranet.example/did.json")


def test_the_connection_goes_to_the_vetted_address_with_the_name_in_host(server: _Server) -> None:
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)  # a rebinding resolver would answer differently the second time
        return ["127.0.0.1"] if len(calls) == 1 else ["10.0.0.1"]

    port = server.server_address[1]
    fetcher = GuardedFetcher(allow_hosts=["pinned.test"], resolve=resolve, timeout_s=3.0)
    assert fetcher(f"http://pinned.test:{port}/doc.json") == DOC
    assert calls == ["pinned.test"]
    assert server.hits[-1] == ("/doc.json", f"pinned.test:{port}")


def test_scheme_and_credentials_are_checked() -> None:
    fetcher = GuardedFetcher()
    for url, reason in [
        ("ftp://example.org/x", "ftp scheme"),
        ("file:///etc/passwd", "file scheme"),
        ("https://user:pw@example.org/x", "user names"),
        ("https:///x", "no host"),
        ("http://example.org/x", "only https"),
    ]:
        with pytest.raises(FetchError, match=reason):
            fetcher(url)


def test_redirects_are_followed_up_to_the_limit(server: _Server) -> None:
    base = _base(server)
    assert _allowed()(base + "/redirect/2") == DOC
    with pytest.raises(FetchError, match="more than 3 redirects"):
        _allowed()(base + "/redirect/3")
    with pytest.raises(FetchError, match="more than 0 redirects"):
        _allowed(max_redirects=0)(base + "/redirect/0")


def test_each_redirect_hop_is_vetted_again(server: _Server) -> None:
    with pytest.raises(FetchError, match=r"169\.254\.169\.254") as info:
        _allowed()(_base(server) + "/to-metadata")
    assert info.value.url == "http://169.254.169.254/latest"


def test_size_limit_by_header_and_while_streaming(server: _Server) -> None:
    with pytest.raises(FetchError, match="the limit is 1000"):
        _allowed(max_bytes=1000)(_base(server) + "/big")
    with pytest.raises(FetchError, match="exceeds the limit of 10000 bytes"):
        _allowed(max_bytes=10_000)(_base(server) + "/chunked-big")
    assert len(_allowed()(_base(server) + "/chunked-big")) == 64 * 4096


def test_html_is_not_a_json_document(server: _Server) -> None:
    with pytest.raises(FetchError, match="unexpected content type 'text/html'"):
        _allowed()(_base(server) + "/page")


def test_timeout_against_a_silent_server() -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the TCP handshake, never answers
    try:
        port = listener.getsockname()[1]
        fetcher = GuardedFetcher(allow_hosts=["127.0.0.1"], timeout_s=0.3)
        with pytest.raises(FetchError, match="timed out"):
            fetcher(f"http://127.0.0.1:{port}/x")
    finally:
        listener.close()


def test_connection_refused_is_a_fetch_error() -> None:
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(FetchError, match="connection failed"):
        _allowed()(f"http://127.0.0.1:{port}/x")


def test_public_addresses_pass_the_address_check() -> None:
    assert refusal(ipaddress.ip_address("93.184.215.14")) is None
    assert refusal(ipaddress.ip_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c")) is None


def test_settings_configure_the_fetcher(server: _Server) -> None:
    settings = Settings(fetch_allow_hosts=("127.0.0.1",), fetch_max_bytes=100)
    fetcher = fetcher_from_settings(settings)
    assert fetcher(_base(server) + "/doc.json") == DOC
    with pytest.raises(FetchError, match="limit"):
        fetcher(_base(server) + "/big")
