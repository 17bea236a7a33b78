"""The webhook sender: one POST per delivery attempt, through the SSRF guard of
:mod:`microcred.net.guard` (the ``WebhookSender`` and ``UrlRefusal`` ports of
``microcred.service.ports``).

Every attempt vets the URL again (https only unless the host is allow-listed; no private,
loopback or link-local address unless allow-listed) and connects to the vetted address; a time
limit covers the whole request; redirects are not followed (a 3xx is the answer, a failure);
the answer's body is not read.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Mapping

import httpx

from microcred.config import Settings
from microcred.errors import MICROCRED, MicrocredError
from microcred.net.guard import (
    Resolve,
    UnsafeUrl,
    UrlGuard,
    pinned_client,
    pinned_request,
    system_resolve,
)


class WebhookSendError(MicrocredError):
    """A webhook POST was refused by the guard or got no answer."""

    problem_type = MICROCRED + "WEBHOOK_SEND_ERROR"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot deliver to {url}: {reason}")


class HttpWebhookSender:
    """``(url, body, headers) -> HTTP status`` over httpx; raises :class:`WebhookSendError`.

    ``allow_hosts`` may be reached over ``http`` and on private addresses (tests, intranets);
    ``resolve`` and ``verify`` are injectable for tests.
    """

    def __init__(
        self,
        *,
        allow_hosts: Iterable[str] = (),
        timeout_s: float = 10.0,
        resolve: Resolve = system_resolve,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self._guard = UrlGuard(allow_hosts=allow_hosts, resolve=resolve)
        self._timeout_s = timeout_s
        self._client = pinned_client(timeout_s=timeout_s, verify=verify)

    def refusal(self, url: str) -> str | None:
        """Why the guard refuses ``url`` (checked at registration), or None; never connects."""
        return self._guard.refusal(url)

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            target = self._guard.vet(url)
        except UnsafeUrl as exc:
            raise WebhookSendError(url, exc.reason) from None
        request = pinned_request(
            self._client, "POST", target, headers=headers, timeout_s=self._timeout_s, content=body
        )
        try:
            response = self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise WebhookSendError(url, f"timed out after {self._timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise WebhookSendError(url, f"connection failed ({type(exc).__name__})") from None
        response.close()  # the body is not read
        return response.status_code

    def close(self) -> None:
        """Release the HTTP client."""
        self._client.close()


def webhook_sender_from_settings(settings: Settings) -> HttpWebhookSender:
    """The sender an installation configures: the outbound fetcher's allow-list and time limit
    (``MICROCRED_FETCH_ALLOW_HOSTS``, ``MICROCRED_FETCH_TIMEOUT_S``)."""
    return HttpWebhookSender(
        allow_hosts=settings.fetch_allow_hosts, timeout_s=settings.fetch_timeout_s
    )
