"""The public URLs and identifiers the service mints (team design, issue 3).

With a public ``base_url`` (https) every organisation is the did:web issuer
``did:web:<host>[%3A<port>][:<path>]:orgs:<slug>`` whose DID document is served at
``<base_url>/orgs/<slug>/did.json`` (did:web §3.2); credential ids are
``<base_url>/credentials/<award id>``. Without one, credential ids are ``urn:uuid:<award id>``
and the other URLs fall back to the local server, :data:`DEFAULT_SITE`.
"""

from __future__ import annotations

from microcred.core.did.web import did_web_from_url

DEFAULT_SITE = "http://127.0.0.1:8000"


def site_url(base_url: str | None) -> str:
    """The server's public root, without a trailing slash."""
    return (base_url or DEFAULT_SITE).rstrip("/")


def credential_url(base_url: str | None, award_id: str) -> str:
    """The ``id`` of the credential of award ``award_id``."""
    if base_url:
        return f"{site_url(base_url)}/credentials/{award_id}"
    return f"urn:uuid:{award_id}"


def status_list_url(base_url: str | None, list_id: str) -> str:
    """Where the status list credential ``list_id`` is served (its ``id``)."""
    return f"{site_url(base_url)}/status/{list_id}"


def status_list_id_of(base_url: str | None, url: str) -> str | None:
    """The list id when ``url`` is one of this server's status list URLs, else None."""
    prefix = f"{site_url(base_url)}/status/"
    rest = url[len(prefix) :] if url.startswith(prefix) else ""
    return rest if rest and "/" not in rest and "#" not in rest and "?" not in rest else None


def achievement_url(base_url: str | None, version_id: str) -> str:
    """The OB 3.0 ``Achievement`` id of catalogue version ``version_id`` (served as JSON)."""
    return f"{site_url(base_url)}/achievements/{version_id}"


def did_document_url(base_url: str, slug: str) -> str:
    """Where the DID document of organisation ``slug`` is served."""
    return f"{site_url(base_url)}/orgs/{slug}/did.json"


def hosts_did_web(base_url: str | None) -> bool:
    """True when organisations are did:web issuers (an https public base URL is set)."""
    return bool(base_url) and str(base_url).startswith("https://")


def did_web_of(base_url: str, slug: str) -> str:
    """The did:web DID of organisation ``slug`` under ``base_url``."""
    return did_web_from_url(did_document_url(base_url, slug))


def slug_of_did_web(base_url: str | None, did: str) -> str | None:
    """The organisation slug when ``did`` is one of this server's did:web DIDs, else None."""
    if not base_url or not hosts_did_web(base_url) or not did.startswith("did:web:"):
        return None
    marker = did_web_of(base_url, "x")[:-1]
    slug = did[len(marker) :] if did.startswith(marker) else ""
    return slug if slug and ":" not in slug else None
