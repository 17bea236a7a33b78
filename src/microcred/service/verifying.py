"""The service's verifier: the core pipeline (VC-DM 2.0 §7.1, OB 3.0 §9) wired to this server.

Status lists (BSL 1.0 §3.2): this server's own are read from the repository (re-signed if
stale); other issuers' come through the injected, guarded :class:`Fetcher`. A list that cannot be
had or parsed is ``None`` and the core verifier fails closed. DID documents: this server's own
did:web issuers from the repository, other did:web issuers through the fetcher, did:key locally.

Presentations: the core has no presentation verifier yet, so there is no use case for
``POST /presentations/verify`` here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from microcred.core.did.key import DidKeyMethod
from microcred.core.did.resolver import Resolver
from microcred.core.did.web import DidWebMethod
from microcred.core.jsonld.loader import StaticDocumentLoader, default_loader
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import VerificationReport
from microcred.service.ports import Clock, Fetcher, KeyCipher, UnitOfWorkFactory
from microcred.service.registry import trust_lookup
from microcred.service.signing_keys import did_document
from microcred.service.status_lists import status_list_credential
from microcred.service.urls import slug_of_did_web, status_list_id_of


class _OwnFirstDidWeb:
    """did:web: this server's organisations from the repository, others through the fetcher."""

    name = "web"

    def __init__(self, *, uow: UnitOfWorkFactory, fetcher: Fetcher, base_url: str | None) -> None:
        self._uow = uow
        self._base_url = base_url
        self._remote = DidWebMethod(fetcher)

    def resolve(self, did: str) -> dict[str, Any]:
        slug = slug_of_did_web(self._base_url, did)
        if slug is not None:
            return did_document(slug, uow=self._uow, base_url=self._base_url)
        return self._remote.resolve(did)


def _parsed(data: bytes | str) -> Mapping[str, Any] | None:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def verifier(
    *,
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    fetcher: Fetcher,
    base_url: str | None,
    loader: StaticDocumentLoader | None = None,
) -> Verifier:
    """The core :class:`Verifier` wired to this server's repository and the guarded fetcher."""

    def status_lists(url: str) -> Mapping[str, Any] | None:
        own = status_list_id_of(base_url, url)
        try:
            if own is not None:
                return _parsed(
                    status_list_credential(
                        own, uow=uow, cipher=cipher, clock=clock, base_url=base_url, loader=loader
                    )
                )
            return _parsed(fetcher(url))
        except Exception:  # NotFound, a refused fetch...: "not available", so it fails closed
            return None

    resolver = Resolver(
        (DidKeyMethod(), _OwnFirstDidWeb(uow=uow, fetcher=fetcher, base_url=base_url)),
        fetcher=fetcher,
    )
    return Verifier(
        loader=loader or default_loader(),
        resolver=resolver,
        status_lists=status_lists,
        clock=clock,
        trust=trust_lookup(uow),
    )


def verify_credential(
    document: Mapping[str, Any] | str | bytes,
    *,
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    fetcher: Fetcher,
    base_url: str | None,
    loader: StaticDocumentLoader | None = None,
) -> VerificationReport:
    """Public: verify a credential (JSON object, JSON text or compact VC-JWT); never raises on
    a bad credential, the report says what failed (``report.verified``,
    ``report.problem_details()``)."""
    return verifier(
        uow=uow, cipher=cipher, clock=clock, fetcher=fetcher, base_url=base_url, loader=loader
    ).verify(document)
