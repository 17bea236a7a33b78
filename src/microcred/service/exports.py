"""Exports of a signed credential: PDF certificate, offline bundle, baked PNG and SVG badges.

Issue 4, "Export": the use cases the wallet, the share pages, the public routes and the CLI
call. They never change the credential: each export carries the exact signed text (attached to
the PDF, in the bundle, baked into the image per OB 3.0 §5.3), so every export verifies like
the credential itself.

The bundle's DID documents and status lists come through the same resolver and status-list
source as the verifier's (:func:`microcred.service.verifying.verifier`: this server's own
organisations and lists from the repository, others' through the guarded fetcher).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from importlib.resources import files
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from microcred.core.formats import baking
from microcred.core.formats.pdf_certificate import certificate_pdf, credential_document
from microcred.core.verify.bundle import StatusSnapshot, make_bundle
from microcred.core.verify.checks import as_list
from microcred.core.verify.pipeline import Verifier
from microcred.errors import InvalidInputError
from microcred.service.ports import Clock
from microcred.service.urls import site_url

__all__ = [
    "baked_png_for",
    "baked_svg_for",
    "bundle_for",
    "default_badge",
    "pdf_for",
    "verify_url_for",
]

_BADGES = "microcred.core.formats"


def verify_url_for(base_url: str | None, credential_url: str) -> str:
    """``{base_url}/verify?credential={url-encoded credential URL}``: the public verify page
    opening the credential from its public URL (what the PDF's QR code links to)."""
    return f"{site_url(base_url)}/verify?credential={quote(credential_url, safe='')}"


def pdf_for(credential_text: str, *, lang: str, verify_url: str) -> bytes:
    """The PDF certificate of the signed credential in ``lang`` (EN/FR/DE labels), its QR code
    linking to ``verify_url``."""
    return certificate_pdf(credential_text, verify_url=verify_url, lang=lang)


def bundle_for(credential_text: str, *, verifier: Verifier, clock: Clock) -> dict[str, Any]:
    """The offline verification bundle of the signed credential, made now.

    ``verifier`` supplies the DID resolver and the status-list source (as
    :func:`microcred.service.verifying.verifier` wires them). Raises
    :class:`InvalidInputError` when a status list the credential names cannot be had: a bundle
    without it could never say whether the credential was revoked.
    """
    document = credential_document(credential_text)
    snapshots: dict[str, StatusSnapshot] = {}
    for entry in as_list(document.get("credentialStatus")):
        url = entry.get("statusListCredential") if isinstance(entry, Mapping) else None
        if not isinstance(url, str) or url in snapshots:
            continue
        status_list = verifier.status_lists(url)
        if status_list is None:
            raise InvalidInputError(f"the status list {url} could not be fetched for the bundle")
        snapshots[url] = StatusSnapshot(url, status_list, clock())
    return make_bundle(
        credential_text,
        resolver=verifier.resolver,
        status_lists=snapshots,
        created=clock(),
        loader=verifier.loader,
    )


def default_badge(kind: str) -> bytes:
    """microcred's default badge image, ``"png"`` or ``"svg"``."""
    if kind not in ("png", "svg"):
        raise InvalidInputError(f"badge images are png or svg, not {kind!r}")
    return files(_BADGES).joinpath("badge", f"default.{kind}").read_bytes()


def _data_url_image(url: str) -> tuple[str, bytes] | None:
    """(media type, bytes) of a ``data:`` URL, or None when it is not one we can read."""
    if not url.startswith("data:") or "," not in url:
        return None
    header, _, payload = url[5:].partition(",")
    media_type, *params = header.split(";")
    try:
        data = (
            base64.b64decode(payload, validate=True)
            if "base64" in params
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError):
        return None
    return media_type.strip().lower(), data


def _achievement_image(credential_text: str) -> tuple[str, bytes] | None:
    document = credential_document(credential_text)
    subject = next(iter(as_list(document.get("credentialSubject"))), None)
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    image = achievement.get("image") if isinstance(achievement, Mapping) else None
    url = image.get("id") if isinstance(image, Mapping) else image
    return _data_url_image(url) if isinstance(url, str) else None


def _badge_image(credential_text: str, kind: str) -> bytes:
    """The achievement's own image when it is a ``data:`` URL of this kind, else the default."""
    found = _achievement_image(credential_text)
    check = baking.is_png if kind == "png" else baking.is_svg
    if found is not None and check(found[1]):
        return found[1]
    return default_badge(kind)


def baked_png_for(credential_text: str) -> bytes:
    """A PNG badge with the signed credential baked in (OB 3.0 §5.3.1, iTXt chunk)."""
    return baking.bake(_badge_image(credential_text, "png"), credential_text)


def baked_svg_for(credential_text: str) -> bytes:
    """An SVG badge with the signed credential baked in (OB 3.0 §5.3.2)."""
    return baking.bake(_badge_image(credential_text, "svg"), credential_text)
