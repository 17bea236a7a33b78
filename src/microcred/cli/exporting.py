"""``microcred pdf`` and ``microcred bundle``: exports of a signed credential (issue 4).

``pdf`` writes the A4 certificate (every Annex I element, a QR code to the verification page,
the signed credential attached); ``bundle`` writes the offline verification bundle, fetching the
issuer's DID document and the status lists through the guarded fetcher (local copies given with
``--did-doc`` / ``--document`` are used first). Exit codes: 0 written, 2 unusable input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from microcred.cli.inputs import (
    dump_json,
    naming,
    parse_documents,
    read_bytes,
    read_controller_documents,
)
from microcred.config import Settings
from microcred.core.did.key import DidKeyMethod
from microcred.core.did.resolver import Resolver
from microcred.core.did.web import DidWebMethod
from microcred.core.formats.pdf_certificate import credential_document
from microcred.core.jsonld.loader import default_loader
from microcred.core.verify.pipeline import Verifier
from microcred.errors import InvalidInputError, MicrocredError
from microcred.net.fetcher import fetcher_from_settings
from microcred.service import exports
from microcred.service.ports import Fetcher
from microcred.service.urls import site_url

CredentialArgument = Annotated[
    str, typer.Argument(help="the signed credential (JSON or VC-JWT file), or - for stdin")
]
OutOption = Annotated[Path, typer.Option("--out", help="the file to write")]


def _credential_text(source: str) -> str:
    data = read_bytes(source, what="credential")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(f"credential {source}: not UTF-8 text") from None
    with naming(f"credential {source}"):
        credential_document(text)  # refuse what is not a credential before writing anything
    return text


def _utc_now() -> datetime:
    return datetime.now(UTC)


def default_verify_url(base_url: str, document: Mapping[str, Any]) -> str:
    """The verification page for the credential's public URL (its ``id`` when http(s)), else
    the verification page itself."""
    credential_id = document.get("id")
    if isinstance(credential_id, str) and credential_id.startswith(("https://", "http://")):
        return exports.verify_url_for(base_url, credential_id)
    return f"{site_url(base_url)}/verify"


def pdf_command(
    credential: CredentialArgument,
    out: OutOption,
    lang: Annotated[str, typer.Option(help="language of the labels: en, fr or de")] = "en",
    verify_url: Annotated[
        str | None,
        typer.Option(help="where the QR code points (default: the server's verification page)"),
    ] = None,
) -> None:
    """Write the PDF certificate of a signed credential."""
    text = _credential_text(credential)
    url = verify_url or default_verify_url(Settings().service_base_url(), credential_document(text))
    out.write_bytes(exports.pdf_for(text, lang=lang, verify_url=url))
    typer.echo(f"wrote {out}")


def bundle_verifier(fetcher: Fetcher, *, did_docs: list[str], documents: list[str]) -> Verifier:
    """Local copies first, then the guarded fetcher (did:web documents, status lists)."""
    local = parse_documents(documents)
    controllers = read_controller_documents(did_docs)

    def status_lists(url: str) -> Mapping[str, Any] | None:
        if isinstance(local.get(url), dict):
            found: dict[str, Any] = local[url]
            return found
        try:
            fetched = json.loads(fetcher(url))
        except (MicrocredError, ValueError, UnicodeDecodeError):
            return None
        return fetched if isinstance(fetched, dict) else None

    return Verifier(
        loader=default_loader().with_documents(
            {url: doc for url, doc in local.items() if url not in controllers}
        ),
        resolver=Resolver((DidKeyMethod(), DidWebMethod(fetcher)), controllers, fetcher=fetcher),
        status_lists=status_lists,
    )


def bundle_command(
    credential: CredentialArgument,
    out: OutOption,
    did_doc: Annotated[
        list[str] | None, typer.Option("--did-doc", help="a local DID or controller document")
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", help="URL=FILE: a local copy of a context or status list"),
    ] = None,
) -> None:
    """Write the offline verification bundle of a signed credential."""
    text = _credential_text(credential)
    verifier = bundle_verifier(
        fetcher_from_settings(Settings()), did_docs=did_doc or [], documents=document or []
    )
    bundle = exports.bundle_for(text, verifier=verifier, clock=_utc_now)
    out.write_text(dump_json(bundle) + "\n", encoding="utf-8")
    typer.echo(f"wrote {out}")
