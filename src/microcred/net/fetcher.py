"""The one outbound HTTP GET of microcred, guarded against server-side request forgery.

Implements the ``Fetcher`` port (``microcred.service.ports``): controller documents (CID 1.0
§3.3), ``did:web`` documents (did:web §3.2) and status list credentials (Bitstring Status List
1.0 §3.2) come through here and nowhere else.

Guards, in order, for every hop:

1. only ``https`` (``http`` for allow-listed hosts only, which exist for tests and intranets);
   no user-info in the URL;
2. the host is resolved once and every address must be public: loopback, private, shared,
   link-local, multicast, reserved, unspecified and documentation ranges are refused for IPv4
   and IPv6, including IPv4 addresses embedded in IPv6 (mapped, NAT64, 6to4, Teredo);
   allow-listed hosts skip this check, not the others;
3. the connection goes to the vetted address itself (the URL carries the IP, ``Host`` and TLS
   SNI carry the name, certificates are checked against the name), so a second DNS answer can
   never redirect it (no DNS-rebinding gap); connections are never reused across requests;
4. redirects are followed by hand, at most ``max_redirects``, each hop vetted again;
5. a time limit for the whole fetch, a byte limit enforced while streaming, and a content type
   that can hold a JSON document or a JWT.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import httpx

from microcred.config import Settings
from microcred.errors import MICROCRED, MicrocredError

Resolve = Callable[[str, int], Sequence[str]]
"""Host name and port -> IP addresses as strings (``getaddrinfo`` in production)."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_ACCEPT = (
    "application/did+ld+json, application/did+json, application/vc+ld+json, "
    "application/ld+json;q=0.9, application/json;q=0.8, application/vc+jwt;q=0.7, */*;q=0.1"
)
JSON_OR_JWT_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/jwt",
        "application/vc",
        "application/vc+jwt",
        "application/vp+jwt",
        "text/plain",
    }
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_USER_AGENT = "microcred (+https://w3id.org/microcred)"


class FetchError(MicrocredError):
    """An outbound fetch was refused or failed; ``url`` and ``reason`` say which and why."""

    problem_type: ClassVar[str] = MICROCRED + "FETCH_ERROR"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot fetch {url}: {reason}")


def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` gives for ``host`` (TCP), in its order, deduplicated."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        if address not in seen:
            seen.append(address)
    return seen


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def refusal(ip: IPAddress) -> str | None:
    """Why a connection to ``ip`` is refused, or None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            why = refusal(inner)
            return f"it embeds the IPv4 address {inner}, and {why}" if why else None
    for test, label in (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
    ):
        if test:
            return f"{ip} is a {label} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


@dataclass(frozen=True)
class _Target:
    """One vetted hop: the URL to request (host replaced by the IP) and its headers."""

    url: str
    host_header: str
    sni: str | None


class GuardedFetcher:
    """``url -> bytes`` with the guards of the module docstring; raises :class:`FetchError`.

    ``allow_hosts`` are exact host names (or IP literals), compared case-insensitively.
    ``resolve`` and ``verify`` are injectable for tests (a stub resolver, a test CA).
    """

    def __init__(
        self,
        *,
        allow_hosts: Iterable[str] = (),
        timeout_s: float = 5.0,
        max_bytes: int = 2 * 1024 * 1024,
        max_redirects: int = 3,
        accept_types: Iterable[str] = JSON_OR_JWT_TYPES,
        resolve: Resolve = system_resolve,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        if timeout_s <= 0 or max_bytes <= 0 or max_redirects < 0:
            raise ValueError("timeout_s and max_bytes must be positive, max_redirects >= 0")
        self._allow = frozenset(h.strip("[]").lower() for h in allow_hosts)
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._accept_types = frozenset(t.lower() for t in accept_types)
        self._resolve = resolve
        self._client = httpx.Client(
            verify=verify,
            trust_env=False,  # a proxy from the environment would defeat address pinning
            follow_redirects=False,
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def __call__(self, url: str) -> bytes:
        deadline = time.monotonic() + self._timeout_s
        current = url
        for _hop in range(self._max_redirects + 1):
            target = self._vet(current)
            location = self._get(current, target, deadline)
            if isinstance(location, bytes):
                return location
            current = urljoin(current, location)
        raise FetchError(url, f"more than {self._max_redirects} redirects")

    def close(self) -> None:
        """Release the HTTP client."""
        self._client.close()

    # --- guards -------------------------------------------------------------------------------

    def _vet(self, url: str) -> _Target:
        """Check the URL and its host's addresses; the target pins the first vetted address."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError(url, f"not a valid URL ({exc})") from None
        if parts.scheme not in ("https", "http"):
            raise FetchError(url, f"the {parts.scheme or 'missing'} scheme is not fetched")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(url, "the URL has no host")
        allowed = host in self._allow
        if parts.scheme == "http" and not allowed:
            raise FetchError(url, "only https URLs are fetched (http only for allow-listed hosts)")
        if parts.username is not None or parts.password is not None:
            raise FetchError(url, "URLs with user names or passwords are not fetched")
        if port == 0:
            raise FetchError(url, "port 0 is not valid")
        port = port or (443 if parts.scheme == "https" else 80)
        addresses = self._addresses(url, host, port)
        if not allowed:
            for ip in addresses:
                why = refusal(ip)
                if why is not None:
                    where = "the address" if _is_ip(host) else f"the host {host} resolves to"
                    raise FetchError(url, f"{where} a forbidden address: {why}")
        ip = addresses[0]
        literal = f"[{ip}]" if ip.version == 6 else str(ip)
        default_port = 443 if parts.scheme == "https" else 80
        netloc = f"{literal}:{port}"
        host_header = parts.hostname or host
        if ":" in host_header:
            host_header = f"[{host_header}]"
        if port != default_port:
            host_header = f"{host_header}:{port}"
        path = parts.path or "/"
        query = f"?{parts.query}" if parts.query else ""
        sni = None if _is_ip(host) else host
        return _Target(f"{parts.scheme}://{netloc}{path}{query}", host_header, sni)

    def _addresses(self, url: str, host: str, port: int) -> list[IPAddress]:
        if _is_ip(host):
            return [ipaddress.ip_address(host)]
        try:
            raw = self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(url, f"the host {host} cannot be resolved ({exc})") from None
        addresses: list[IPAddress] = []
        for item in raw:
            try:
                addresses.append(ipaddress.ip_address(item.split("%", 1)[0]))
            except ValueError:
                raise FetchError(url, f"the resolver gave a malformed address {item!r}") from None
        if not addresses:
            raise FetchError(url, f"the host {host} has no address")
        return addresses

    # --- the request --------------------------------------------------------------------------

    def _get(self, url: str, target: _Target, deadline: float) -> bytes | str:
        """The body of a 200 answer, or the ``Location`` of a redirect."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, f"timed out after {self._timeout_s:g} s")
        extensions: dict[str, object] = {
            "timeout": {
                "connect": remaining,
                "read": remaining,
                "write": remaining,
                "pool": remaining,
            }
        }
        if target.sni is not None:
            extensions["sni_hostname"] = target.sni
        request = self._client.build_request(
            "GET",
            target.url,
            headers={
                "Host": target.host_header,
                "Accept": DEFAULT_ACCEPT,
                "Accept-Encoding": "identity",
                "User-Agent": _USER_AGENT,
            },
            extensions=extensions,
        )
        try:
            response = self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self._timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"connection failed ({type(exc).__name__}: {exc})") from None
        try:
            if response.status_code in _REDIRECTS:
                location: str | None = response.headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {response.status_code} without a Location")
                return location
            if response.status_code != 200:
                raise FetchError(url, f"the server answered HTTP {response.status_code}")
            self._check_type(url, response.headers.get("content-type"))
            return self._read(url, response, deadline)
        finally:
            response.close()

    def _check_type(self, url: str, content_type: str | None) -> None:
        if content_type is None:
            return
        media = content_type.split(";", 1)[0].strip().lower()
        if media in self._accept_types or (
            media.startswith("application/") and media.endswith(("+json", "+jwt"))
        ):
            return
        raise FetchError(url, f"unexpected content type {media!r} (expected JSON or a JWT)")

    def _read(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max_bytes:
            raise FetchError(
                url, f"the response is {declared} bytes; the limit is {self._max_bytes}"
            )
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self._max_bytes:
                    raise FetchError(
                        url, f"the response exceeds the limit of {self._max_bytes} bytes"
                    )
                if time.monotonic() > deadline:
                    raise FetchError(url, f"timed out after {self._timeout_s:g} s")
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self._timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"the response broke off ({type(exc).__name__})") from None
        return bytes(body)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def fetcher_from_settings(settings: Settings) -> GuardedFetcher:
    """The fetcher an installation configures (``MICROCRED_FETCH_*``)."""
    return GuardedFetcher(
        allow_hosts=settings.fetch_allow_hosts,
        timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.fetch_max_bytes,
    )
