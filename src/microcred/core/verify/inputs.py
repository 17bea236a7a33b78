"""What a person or a system presents for verification, turned into one thing to verify.

The one place that reads presented bytes (plus an optional file name or media type) and says
what they hold: an OB 3.0 / VC 2.0 credential as JSON (VC-DM 2.0 §4.13), a compact JWS
(VC-JOSE-COSE §3.1), a Verifiable Presentation (VC-DM 2.0 §4.13), a credential baked into a PNG
or SVG image (OB 3.0 §5.3, OB 2.0 Baking), or an Open Badges 2.0 assertion (OB 2.0 §Assertion).

Other formats plug in as *unwrappers* (:class:`Unwrapper`: ``name``, ``sniff``, ``unwrap``)
added with :func:`register_unwrapper`. The modules listed in :data:`PLUGIN_MODULES` (the offline
verification bundle, the PDF certificate) are imported on first use so that their
``register_unwrapper(...)`` calls run; registered unwrappers are asked before the built-in
readers. Nothing here verifies anything: it only says what was presented, exactly as given.
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from microcred.core.formats import baking
from microcred.core.verify.checks import as_list
from microcred.core.verify.parse import MAX_DOCUMENT_BYTES, parse_json_document
from microcred.errors import DocumentParseError, InvalidInputError

PresentedKind = Literal["credential", "jwt", "presentation", "ob2"]

MAX_PRESENTED_BYTES = baking.MAX_IMAGE_BYTES
"""The largest input read at all (images and PDFs are bigger than JSON documents)."""

EXTRA_DOCUMENTS = "documents"
"""Key in :attr:`Presented.extra`: ``{URL: JSON object}`` local copies (contexts, status lists,
DID/controller documents keyed by DID, OB 2.0 BadgeClass/Issuer/RevocationList) carried with
the credential, e.g. by an offline verification bundle."""

PLUGIN_MODULES: tuple[str, ...] = (
    "microcred.core.verify.bundle",
    "microcred.core.formats.pdf_certificate",
    "microcred.core.verify.elm",
)
"""Modules that register unwrappers when imported; a module not (yet) present is skipped."""

OB2_CONTEXTS = frozenset(
    {
        "https://w3id.org/openbadges/v2",
        "https://w3id.org/openbadges/v1",
        "https://w3id.org/openbadges",
    }
)
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
_URL = re.compile(r"^https?://[^\s]+$")


@dataclass(frozen=True)
class Presented:
    """One presented thing to verify, as given.

    ``kind``: ``credential`` (JSON, Data Integrity or enveloped), ``jwt`` (compact JWS VC-JWT),
    ``presentation`` (a Verifiable Presentation as JSON) or ``ob2`` (an Open Badges 2.0
    assertion: JSON, a signed JWS, or only its hosted URL). ``document`` is the parsed JSON
    object when there is one (``None`` for a JWS or a URL); ``text`` is the exact text (what
    was signed); ``source`` says where it came from (``"JSON file"``, ``"baked PNG"``...);
    ``extra`` carries unwrapper data (see :data:`EXTRA_DOCUMENTS`).
    """

    kind: PresentedKind
    document: Mapping[str, Any] | None
    text: str
    source: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def documents(self) -> Mapping[str, Any]:
        """Local documents carried with the credential (``extra["documents"]``), else none."""
        docs = self.extra.get(EXTRA_DOCUMENTS)
        return docs if isinstance(docs, Mapping) else {}


@runtime_checkable
class Unwrapper(Protocol):
    """A plug-in reader for a container format (a bundle, a PDF certificate...)."""

    name: str
    """Short registry key, e.g. ``"bundle"``, ``"pdf"``."""

    def sniff(self, data: bytes) -> bool:
        """True if ``data`` is this format (cheap, never raises)."""
        ...

    def unwrap(self, data: bytes) -> Presented:
        """What ``data`` holds; raises :class:`InvalidInputError` naming the problem."""
        ...


@functools.cache
def _registry() -> dict[str, Unwrapper]:
    return {}


@functools.cache
def _load_plugins() -> None:
    """Import :data:`PLUGIN_MODULES` once so their ``register_unwrapper`` calls run."""
    for module in PLUGIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # the plug-in exists but is broken: say so
                raise


def register_unwrapper(unwrapper: Unwrapper) -> None:
    """Add ``unwrapper``, replacing one registered under the same name."""
    _registry()[unwrapper.name] = unwrapper


def unregister_unwrapper(name: str) -> None:
    """Remove the unwrapper called ``name``, if any."""
    _registry().pop(name, None)


def unwrappers() -> tuple[Unwrapper, ...]:
    """The registered unwrappers, in registration order (plug-in modules loaded first)."""
    _load_plugins()
    return tuple(_registry().values())


def read_presented(
    data: bytes, *, filename: str | None = None, media_type: str | None = None
) -> Presented:
    """Say what ``data`` holds; raises :class:`InvalidInputError` naming the problem.

    ``filename`` / ``media_type`` are hints for the error message only: the bytes decide.
    """
    if len(data) > MAX_PRESENTED_BYTES:
        raise InvalidInputError(
            f"the input is {len(data):,} bytes; the limit is {MAX_PRESENTED_BYTES:,} bytes"
        )
    if not data.strip():
        raise DocumentParseError("the input is empty")
    for unwrapper in unwrappers():
        if unwrapper.sniff(data):
            return unwrapper.unwrap(data)
    if baking.is_png(data) or baking.is_svg(data):
        found = baking.unbake(data)
        return classify_text(found.text, source=found.source)
    return _read_text(data, filename=filename, media_type=media_type)


def _read_text(data: bytes, *, filename: str | None, media_type: str | None) -> Presented:
    hint = _kind_hint(filename, media_type)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if hint:
            raise InvalidInputError(f"this {hint} holds no credential microcred can read") from None
        raise DocumentParseError(
            "not a credential: the file is neither text (JSON, JWT) nor a PNG or SVG image"
        ) from None
    if hint in ("PNG image", "SVG image"):
        raise InvalidInputError(f"the file is named as a {hint} but is not one")
    return classify_text(
        text, source="JSON" if text.lstrip("\ufeff \t\r\n").startswith("{") else "text"
    )


def _kind_hint(filename: str | None, media_type: str | None) -> str | None:
    """``"PNG image"``, ``"PDF"``... from a file name or media type, for error messages."""
    name = (filename or "").lower()
    kind = (media_type or "").split(";")[0].strip().lower()
    if name.endswith(".png") or kind == "image/png":
        return "PNG image"
    if name.endswith(".svg") or kind == "image/svg+xml":
        return "SVG image"
    if name.endswith(".pdf") or kind == "application/pdf":
        return "PDF"
    return None


def classify_text(text: str, *, source: str) -> Presented:
    """A presented JSON object, compact JWS or (OB 2.0 hosted) URL, by what it holds."""
    stripped = text.strip().lstrip("\ufeff").strip()
    if not stripped:
        raise DocumentParseError(f"the {source} is empty")
    if stripped.startswith(("{", "[")):  # a JSON array is refused by name
        document = parse_json_document(stripped)
        return Presented(_kind_of_document(document), document, stripped, source)
    if len(stripped) <= MAX_DOCUMENT_BYTES and _COMPACT_JWS.match(stripped):
        payload = jws_payload(stripped)
        kind: PresentedKind = "ob2" if payload is not None and is_ob2(payload) else "jwt"
        return Presented(kind, None, stripped, source)
    if len(stripped) <= 4096 and _URL.match(stripped):
        return Presented("ob2", None, stripped, source)  # an OB 2.0 (or 1.0) hosted assertion
    raise DocumentParseError(
        f"the {source} is not a JSON credential, a compact JWS (VC-JWT) or a badge URL"
    )


def _kind_of_document(document: Mapping[str, Any]) -> PresentedKind:
    types = as_list(document.get("type"))
    if "VerifiablePresentation" in types:
        return "presentation"
    if is_ob2(document):
        return "ob2"
    return "credential"


def is_ob2(document: Mapping[str, Any]) -> bool:
    """True for an Open Badges 2.0 (or 1.x) assertion: its context, or its shape."""
    contexts = as_list(document.get("@context"))
    if any(isinstance(c, str) and c.rstrip("/") in OB2_CONTEXTS for c in contexts):
        return True
    if contexts:
        return False
    return "recipient" in document and "badge" in document


def jws_payload(token: str) -> dict[str, Any] | None:
    """The JSON object payload of a compact JWS, *unverified* (to tell formats apart)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
