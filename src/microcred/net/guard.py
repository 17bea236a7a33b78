"""The SSRF guard of every outbound request (the fetcher's GETs, webhook POSTs).

1. only ``https`` (``http`` for allow-listed hosts only, which exist for tests and intranets);
   no user-info in the URL;
2. the host is resolved once and every address must be public: loopback, private, shared,
   link-local, multicast, reserved, unspecified and documentation ranges are refused for IPv4
   and IPv6, including IPv4 addresses embedded in IPv6 (mapped, NAT64, 6to4, Teredo);
   allow-listed hosts skip this check, not the others;
3. the connection goes to the vetted address itself (the URL carries the IP, ``Host`` and TLS
   SNI carry the name, certificates are checked against the name), so a second DNS answer can
   never redirect it (no DNS-rebinding gap); connections are never reused across requests, and
   no proxy from the environment is used.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

import httpx

from microcred.errors import MICROCRED, MicrocredError

Resolve = Callable[[str, int], Sequence[str]]
"""Host name and port -> IP addresses as strings (``getaddrinfo`` in production)."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "microcred (+https://w3id.org/microcred)"
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class UnsafeUrl(MicrocredError):  # noqa: N818 -- a refusal, not a failure
    """The guard refuses an outbound URL; ``url`` and ``reason`` say which and why."""

    problem_type: ClassVar[str] = MICROCRED + "UNSAFE_URL"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"refused {url}: {reason}")


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


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Target:
    """One vetted request: the URL to use (host replaced by the IP) and its ``Host`` / SNI."""

    url: str
    host_header: str
    sni: str | None


class UrlGuard:
    """Vets outbound URLs (module docstring, rules 1 and 2) and pins them (rule 3).

    ``allow_hosts`` are exact host names (or IP literals), compared case-insensitively.
    ``resolve`` is injectable for tests (a stub resolver).
    """

    def __init__(self, *, allow_hosts: Iterable[str] = (), resolve: Resolve = system_resolve):
        self._allow = frozenset(h.strip("[]").lower() for h in allow_hosts)
        self._resolve = resolve

    def vet(self, url: str) -> Target:
        """The pinned target of ``url`` (the first vetted address); :class:`UnsafeUrl` when
        the URL or any address of its host is refused."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise UnsafeUrl(url, f"not a valid URL ({exc})") from None
        if parts.scheme not in ("https", "http"):
            raise UnsafeUrl(url, f"the {parts.scheme or 'missing'} scheme is not allowed")
        host = (parts.hostname or "").lower()
        if not host:
            raise UnsafeUrl(url, "the URL has no host")
        allowed = host in self._allow
        if parts.scheme == "http" and not allowed:
            raise UnsafeUrl(url, "only https URLs are allowed (http only for allow-listed hosts)")
        if parts.username is not None or parts.password is not None:
            raise UnsafeUrl(url, "URLs with user names or passwords are not allowed")
        if port == 0:
            raise UnsafeUrl(url, "port 0 is not valid")
        default_port = 443 if parts.scheme == "https" else 80
        port = port or default_port
        addresses = self._addresses(url, host, port)
        if not allowed:
            for ip in addresses:
                why = refusal(ip)
                if why is not None:
                    where = "the address" if is_ip(host) else f"the host {host} resolves to"
                    raise UnsafeUrl(url, f"{where} a forbidden address: {why}")
        ip = addresses[0]
        literal = f"[{ip}]" if ip.version == 6 else str(ip)
        host_header = parts.hostname or host
        if ":" in host_header:
            host_header = f"[{host_header}]"
        if port != default_port:
            host_header = f"{host_header}:{port}"
        path = parts.path or "/"
        query = f"?{parts.query}" if parts.query else ""
        sni = None if is_ip(host) else host
        return Target(f"{parts.scheme}://{literal}:{port}{path}{query}", host_header, sni)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` is refused, or None (the host is resolved, nothing is connected)."""
        try:
            self.vet(url)
        except UnsafeUrl as exc:
            return exc.reason
        return None

    def _addresses(self, url: str, host: str, port: int) -> list[IPAddress]:
        if is_ip(host):
            return [ipaddress.ip_address(host)]
        try:
            raw = self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise UnsafeUrl(url, f"the host {host} cannot be resolved ({exc})") from None
        addresses: list[IPAddress] = []
        for item in raw:
            try:
                addresses.append(ipaddress.ip_address(item.split("%", 1)[0]))
            except ValueError:
                raise UnsafeUrl(url, f"the resolver gave a malformed address {item!r}") from None
        if not addresses:
            raise UnsafeUrl(url, f"the host {host} has no address")
        return addresses


def pinned_client(*, timeout_s: float, verify: ssl.SSLContext | bool = True) -> httpx.Client:
    """An HTTP client for pinned targets: no proxy from the environment (it would defeat the
    pinning), no redirects followed, no connection kept alive."""
    return httpx.Client(
        verify=verify,
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(timeout_s),
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def pinned_request(
    client: httpx.Client,
    method: str,
    target: Target,
    *,
    headers: Mapping[str, str],
    timeout_s: float,
    content: bytes | None = None,
) -> httpx.Request:
    """A request to the vetted address of ``target`` with its name in ``Host`` and TLS SNI."""
    extensions: dict[str, object] = {
        "timeout": {"connect": timeout_s, "read": timeout_s, "write": timeout_s, "pool": timeout_s}
    }
    if target.sni is not None:
        extensions["sni_hostname"] = target.sni
    return client.build_request(
        method,
        target.url,
        headers={"Host": target.host_header, "User-Agent": USER_AGENT, **headers},
        content=content,
        extensions=extensions,
    )
