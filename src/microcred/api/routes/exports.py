"""Public exports of an award (issue 4, "Export"), as visible as ``GET /credentials/{id}``:

- ``GET /credentials/{id}/certificate.pdf?lang=fr``: the PDF certificate (A4, every Annex I
  element, a QR code to ``{base_url}/verify?credential=...``, the signed credential attached);
  without ``lang`` the language comes from ``Accept-Language`` (EN/FR/DE);
- ``GET /credentials/{id}/bundle.json``: the offline verification bundle (credential, DID
  documents, status lists with their fetch time, contexts);
- ``GET /credentials/{id}/badge.png`` and ``badge.svg``: the badge with the credential baked in
  (OB 3.0 §5.3).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, Response

from microcred.api.dependencies import Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.core.i18n import negotiate, parse_accept_language
from microcred.service import exports
from microcred.service.awards import public_credential
from microcred.service.urls import site_url

router = APIRouter(tags=["Public"])
_Route = TypeVar("_Route", bound=Callable[..., Any])
_SVG_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


def attachment_response(data: bytes, media_type: str, filename: str, **headers: str) -> Response:
    """A download: ``data`` as the attachment ``filename``, never cached."""
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            **headers,
        },
    )


def _download_route(
    path: str, media_type: str, *, summary: str, description: str
) -> Callable[[_Route], _Route]:
    """``GET path`` documented as a download of ``media_type`` (or a 404 problem)."""
    return router.get(
        path,
        summary=summary,
        response_class=Response,
        responses={
            200: {"content": {media_type: {}}, "description": description},
            404: PROBLEM_RESPONSES[404],
        },
    )


@_download_route(
    "/credentials/{award_id}/certificate.pdf",
    "application/pdf",
    summary="The PDF certificate of a credential",
    description="A4 certificate with QR code; credential attached.",
)
def get_certificate(
    award_id: str,
    request: Request,
    container: Services,
    lang: Annotated[str | None, Query(max_length=35, description="en, fr or de")] = None,
) -> Response:
    """The certificate in ``lang`` (else the browser's language), its QR code linking to this
    server's verification page for the credential."""
    text = public_credential(award_id, uow=container.uow)
    language = negotiate([lang, *parse_accept_language(request.headers.get("accept-language"))])
    public_url = f"{site_url(container.base_url)}/credentials/{award_id}"
    verify_url = exports.verify_url_for(container.base_url, public_url)
    # labels in an interface language; content in ``lang`` itself when the credential has it
    pdf = exports.pdf_for(text, lang=lang or language, verify_url=verify_url)
    return attachment_response(pdf, "application/pdf", f"certificate-{award_id}-{language}.pdf")


@_download_route(
    "/credentials/{award_id}/bundle.json",
    "application/json",
    summary="The offline verification bundle of a credential",
    description="MicrocredVerificationBundle, version 1.",
)
def get_bundle(award_id: str, container: Services) -> Response:
    """The credential with its issuer's DID document, status lists (with the time they were
    read) and JSON-LD contexts, to verify with no network later."""
    text = public_credential(award_id, uow=container.uow)
    bundle = exports.bundle_for(text, verifier=container.verifier(), clock=container.clock)
    data = json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8")
    return attachment_response(data, "application/json", f"credential-{award_id}-bundle.json")


@_download_route(
    "/credentials/{award_id}/badge.png",
    "image/png",
    summary="The baked PNG badge of a credential",
    description="The badge image with the credential baked in.",
)
def get_badge_png(award_id: str, container: Services) -> Response:
    """OB 3.0 §5.3.1: the credential in an ``iTXt`` chunk ``openbadgecredential``."""
    text = public_credential(award_id, uow=container.uow)
    return attachment_response(exports.baked_png_for(text), "image/png", f"badge-{award_id}.png")


@_download_route(
    "/credentials/{award_id}/badge.svg",
    "image/svg+xml",
    summary="The baked SVG badge of a credential",
    description="The badge image with the credential baked in.",
)
def get_badge_svg(award_id: str, container: Services) -> Response:
    """OB 3.0 §5.3.2: the credential in an ``openbadges:credential`` element."""
    text = public_credential(award_id, uow=container.uow)
    svg = exports.baked_svg_for(text)
    return attachment_response(svg, "image/svg+xml", f"badge-{award_id}.svg", **_SVG_HEADERS)
