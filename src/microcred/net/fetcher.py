"""The one outbound HTTP GET of microcred, guarded against server-side request forgery.

Implements the ``Fetcher`` port (``microcred.service.ports``): controller documents (CID 1.0
§3.3), ``did:web`` documents (did:web §3.2) and status list credentials (Bitstring Status List
1.0 §3.2) come through here and nowhere else.

Guards, in order, for every hop:

1. the SSRF guard of :mod:`microcred.net.guard`: https only (http for allow-listed hosts),
   public addresses only (unless allow-listed), the connection pinned to the vetted address;
2. redirects are followed by hand, at most ``max_redirects``, each hop vetted again;
3. a time limit for the whole fetch, a byte limit enforced while streaming, and a content type
   that can hold a JSON document or a JWT.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from typing import ClassVar
from urllib.parse import urljoin

import httpx

from microcred.config import Settings
from microcred.errors import MICROCRED, MicrocredError
from microcred.net.guard import (
    Resolve,
    Target,
    UnsafeUrl,
    UrlGuard,
    pinned_client,
    pinned_request,
    refusal,
    system_resolve,
)

__all__ = ["FetchError", "GuardedFetcher", "fetcher_from_settings", "refusal"]

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


class FetchError(MicrocredError):
    """An outbound fetch was refused or failed; ``url`` and ``reason`` say which and why;
    ``status`` is the HTTP status code when the server answered with an error (e.g. 410 Gone,
    which Open Badges 2.0 hosted verification reads as "revoked"), else None."""

    problem_type: ClassVar[str] = MICROCRED + "FETCH_ERROR"

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"cannot fetch {url}: {reason}")


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
        self._guard = UrlGuard(allow_hosts=allow_hosts, resolve=resolve)
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._accept_types = frozenset(t.lower() for t in accept_types)
        self._client = pinned_client(timeout_s=timeout_s, verify=verify)

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

    def _vet(self, url: str) -> Target:
        try:
            return self._guard.vet(url)
        except UnsafeUrl as exc:
            raise FetchError(url, exc.reason) from None

    # --- the request --------------------------------------------------------------------------

    def _get(self, url: str, target: Target, deadline: float) -> bytes | str:
        """The body of a 200 answer, or the ``Location`` of a redirect."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, f"timed out after {self._timeout_s:g} s")
        request = pinned_request(
            self._client,
            "GET",
            target,
            headers={"Accept": DEFAULT_ACCEPT, "Accept-Encoding": "identity"},
            timeout_s=remaining,
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
                raise FetchError(
                    url,
                    f"the server answered HTTP {response.status_code}",
                    status=response.status_code,
                )
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


def fetcher_from_settings(settings: Settings) -> GuardedFetcher:
    """The fetcher an installation configures (``MICROCRED_FETCH_*``)."""
    return GuardedFetcher(
        allow_hosts=settings.fetch_allow_hosts,
        timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.fetch_max_bytes,
    )
