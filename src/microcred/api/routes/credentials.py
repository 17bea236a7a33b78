"""Public: a credential by id (content negotiation) and the signed status lists.

``GET /credentials/{id}`` serves the exact stored text for JSON clients (``application/json``,
``application/vc+ld+json``, ``application/vc``) or a VC-JWT as ``application/vc+jwt``, and a
minimal HTML page for browsers. ``GET /status/{list_id}`` serves the signed
``BitstringStatusListCredential`` (BSL 1.0 §2.2) with a short ``max-age`` and an ``ETag``
(a hash of the signed text, which changes with every list version).
"""

from __future__ import annotations

import hashlib
import html
import json

from fastapi import APIRouter, Request, Response

from microcred.api.dependencies import Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.service.awards import public_credential
from microcred.service.status_lists import status_list_credential

router = APIRouter(tags=["Public"])
_JSON_TYPES = (
    "application/vc+ld+json",
    "application/vc",
    "application/ld+json",
    "application/json",
)
STATUS_MAX_AGE = 60


def _etag(text: str) -> str:
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def _wants_html(accept: str) -> bool:
    """True when the client prefers HTML (a browser) over JSON (quality values ignored)."""
    types = [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
    for media in types:
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in _JSON_TYPES or media.endswith("+json") or media == "application/vc+jwt":
            return False
    return False


def _json_type(accept: str) -> str:
    lowered = accept.lower()
    return next((t for t in _JSON_TYPES if t in lowered), "application/json")


def _page(text: str) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        document = {}
    name = "Credential"
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
        name = str(subject["achievement"].get("name") or name)
    issuer = document.get("issuer") if isinstance(document, dict) else None
    issuer_name = issuer.get("name") if isinstance(issuer, dict) else issuer
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(name)}</title></head><body>"
        f"<h1>{html.escape(name)}</h1>"
        f"<p>Issued by {html.escape(str(issuer_name or 'unknown'))}</p>"
        f"<pre>{html.escape(text)}</pre></body></html>"
    )


@router.get(
    "/credentials/{award_id}",
    summary="A credential by id",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/json": {},
                "application/vc+ld+json": {},
                "application/vc+jwt": {},
                "text/html": {},
            },
            "description": "The credential exactly as signed, or an HTML page for browsers.",
        },
        404: PROBLEM_RESPONSES[404],
    },
)
def get_credential(award_id: str, request: Request, container: Services) -> Response:
    """The signed credential exactly as issued (never re-serialised)."""
    text = public_credential(award_id, uow=container.uow)
    accept = request.headers.get("accept", "")
    headers = {"Vary": "Accept", "ETag": _etag(text)}
    if _wants_html(accept):
        return Response(_page(text), media_type="text/html; charset=utf-8", headers=headers)
    if not text.lstrip().startswith("{"):
        return Response(text, media_type="application/vc+jwt", headers=headers)
    return Response(text, media_type=_json_type(accept), headers=headers)


@router.get(
    "/status/{list_id}",
    summary="A signed Bitstring Status List credential",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}, 404: PROBLEM_RESPONSES[404]},
)
def get_status_list(list_id: str, request: Request, container: Services) -> Response:
    """Re-signed when a bit changed; cache it for at most a minute."""
    text = status_list_credential(
        list_id,
        uow=container.uow,
        cipher=container.cipher,
        clock=container.clock,
        base_url=container.base_url,
    )
    etag = _etag(text)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={STATUS_MAX_AGE}"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(text, media_type="application/json", headers=headers)
