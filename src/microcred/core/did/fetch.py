"""Reading a controller document through an injected fetcher (W3C CID 1.0 §3.3 step 3).

The fetcher is a port (``url -> bytes``): the network adapter applies its allow-list and limits,
the CLI reads local files. Here only the URL is checked (HTTPS, a domain name, no credentials)
and the answer must be one JSON object of bounded size.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from microcred.errors import MicrocredError, ResolutionError

Fetcher = Callable[[str], bytes]
MAX_DOCUMENT_BYTES = 256 * 1024
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def check_domain_name(host: str, *, where: str) -> None:
    """Refuse empty hosts, IP literals and malformed domain names (``where`` names the input)."""
    if not host:
        raise ResolutionError(f"{where} has no domain name")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise ResolutionError(f"{where}: IP addresses are not allowed, use a domain name")
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise ResolutionError(f"{where}: {host!r} is not a valid domain name")


def check_https_url(url: str) -> None:
    """Refuse anything but ``https://<domain name>[:port]/...`` without credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ResolutionError(f"{url!r} is not a valid URL: {exc}") from exc
    if parts.scheme != "https":
        raise ResolutionError(f"only https URLs are fetched, not {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ResolutionError(f"{url!r}: URLs with credentials are not fetched")
    if port == 0:
        raise ResolutionError(f"{url!r}: port 0 is not valid")
    check_domain_name(parts.hostname or "", where=url)


def fetch_json_document(
    fetcher: Fetcher, url: str, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> dict[str, Any]:
    """Fetch ``url`` and parse one JSON object; every failure is a :class:`ResolutionError`."""
    check_https_url(url)
    try:
        data = fetcher(url)
    except MicrocredError:
        raise
    except Exception as exc:  # an injected port: any failure of it means "not resolved"
        raise ResolutionError(f"could not fetch {url}: {exc}") from exc
    if not isinstance(data, (bytes, bytearray)):
        raise ResolutionError(f"the fetcher returned {type(data).__name__} for {url}, not bytes")
    if len(data) > max_bytes:
        raise ResolutionError(f"the document at {url} is larger than {max_bytes} bytes")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResolutionError(f"the document at {url} is not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ResolutionError(f"the document at {url} is not a JSON object")
    return doc
