"""Baked badges: a credential carried inside its PNG or SVG image.

Open Badges 3.0 §5.3 (Baking): PNG ``iTXt`` chunk with keyword ``openbadgecredential``, no
compression, empty language tag and translated keyword, text = the credential JSON (embedded
proof) or its compact JWS; SVG ``<openbadges:credential>`` (``xmlns:openbadges=
"https://purl.imsglobal.org/ob/v3p0"``) as the first child of ``<svg>``, the JSON in a CDATA
body or the JWS in a ``verify`` attribute. Only one credential per image: baking replaces one
already there and leaves every other byte of the image as it was.

Unbaking also reads Open Badges 2.0 bakes (OB 2.0 Baking Specification): PNG ``iTXt`` (or the
1.0 ``tEXt``) keyword ``openbadges``; SVG ``<openbadges:assertion verify="...">`` in the
``http://openbadges.org`` namespace. Hostile images are refused cheaply: size caps, every chunk
length and CRC checked, SVG parsed with defusedxml (no entities, no external references).
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from microcred.core.verify.parse import MAX_DOCUMENT_BYTES, parse_credential_input
from microcred.errors import DocumentParseError, InvalidInputError

MAX_IMAGE_BYTES = 16 * 1024 * 1024
"""The largest image read or baked."""
MAX_TEXT_BYTES = MAX_DOCUMENT_BYTES
"""The largest embedded text read (also the cap on decompressing a legacy compressed chunk)."""
MAX_PNG_CHUNKS = 10_000
"""The most chunks a PNG may have: encoders write image data in chunks of 8 KiB or more and
libpng keeps at most 1,000 ancillary ones; a file of a million empty chunks would cost seconds
of CPU and hundreds of megabytes to walk."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_PNG_KEYWORD = "openbadgecredential"
OB2_PNG_KEYWORD = "openbadges"
OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"

Container = Literal["PNG", "SVG"]
Convention = Literal["OB 3.0", "OB 2.0"]


@dataclass(frozen=True)
class Baked:
    """The text found in an image: a credential JSON, a compact JWS, or a hosted badge URL."""

    text: str
    container: Container
    convention: Convention
    """Which baking convention carried it (an OB 2.0 chunk may still hold an OB 3.0 JWT)."""

    @property
    def source(self) -> str:
        """How a person would name where it came from, e.g. ``"baked PNG"``."""
        legacy = " (Open Badges 2.0 baking)" if self.convention == "OB 2.0" else ""
        return f"baked {self.container}{legacy}"


# --- sniffing ----------------------------------------------------------------------------------


def is_png(data: bytes) -> bool:
    """True if ``data`` starts with the PNG signature."""
    return data.startswith(PNG_SIGNATURE)


_SVG_START = re.compile(rb"<svg[\s>/]|<[A-Za-z_][\w.-]*:svg[\s>/]")


def is_svg(data: bytes) -> bool:
    """True if ``data`` looks like an SVG document (XML whose first element is ``svg``)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    return bool(_SVG_START.search(head))


def unbake(data: bytes) -> Baked:
    """The credential baked into a PNG or SVG image (OB 3.0 first, then OB 2.0)."""
    if is_png(data):
        return unbake_png(data)
    if is_svg(data):
        return unbake_svg(data)
    raise InvalidInputError("not a PNG or SVG image")


def bake(image: bytes, credential: str) -> bytes:
    """``image`` (PNG or SVG) with ``credential`` (JSON text or compact JWS) baked in."""
    if is_png(image):
        return bake_png(image, credential)
    if is_svg(image):
        return bake_svg(image, credential)
    raise InvalidInputError("the image is neither a PNG nor an SVG")


def _check_credential_text(credential: str) -> str:
    """The exact credential text to bake: a JSON object or a compact JWS, as given."""
    if len(credential.encode("utf-8")) > MAX_TEXT_BYTES:
        raise InvalidInputError(f"the credential is larger than {MAX_TEXT_BYTES:,} bytes")
    try:
        parse_credential_input(credential)
    except DocumentParseError as exc:
        raise InvalidInputError(f"cannot bake it: {exc}") from None
    return credential.strip()


def _check_size(data: bytes, what: str) -> None:
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInputError(
            f"the {what} is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,} bytes"
        )


# --- PNG ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    data: bytes
    start: int
    end: int
    """Byte offsets of the whole chunk (length, type, data, CRC) in the file."""


def _chunks(png: bytes) -> list[_Chunk]:
    """Every chunk of a PNG, each length and CRC checked; IHDR first, IEND last."""
    _check_size(png, "PNG image")
    if not is_png(png):
        raise InvalidInputError("not a PNG image (the PNG signature is missing)")
    chunks: list[_Chunk] = []
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 8 > len(png):
            raise InvalidInputError(f"the PNG image is truncated (no chunk header at {offset})")
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        if not kind.isalpha() or not kind.isascii():
            raise InvalidInputError(f"the PNG image is corrupt (bad chunk type at byte {offset})")
        end = offset + 12 + length
        if length > 0x7FFFFFFF or end > len(png):
            name = kind.decode("ascii")
            raise InvalidInputError(f"the PNG image is truncated (chunk {name} at byte {offset})")
        body = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            name = kind.decode("ascii")
            raise InvalidInputError(f"the PNG image is corrupt (CRC mismatch in chunk {name})")
        chunks.append(_Chunk(kind, body, offset, end))
        if len(chunks) > MAX_PNG_CHUNKS:
            raise InvalidInputError(f"the PNG image has more than {MAX_PNG_CHUNKS:,} chunks")
        offset = end
        if kind == b"IEND":
            break
    if chunks[0].type != b"IHDR":
        raise InvalidInputError("the PNG image is corrupt (it does not start with IHDR)")
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _itxt_keyword(body: bytes) -> str:
    return body.split(b"\x00", 1)[0].decode("latin-1")


def _itxt_text(body: bytes) -> str:
    """The text of an ``iTXt`` chunk (PNG 1.2 §11.3.4.5), decompressed with a cap if needed."""
    keyword, sep, rest = body.partition(b"\x00")
    if not sep or len(rest) < 2:
        raise InvalidInputError(f"the PNG iTXt chunk {keyword!r} is malformed")
    flag, method, rest = rest[0], rest[1], rest[2:]
    parts = rest.split(b"\x00", 2)
    if len(parts) != 3:
        raise InvalidInputError(f"the PNG iTXt chunk {keyword.decode('latin-1')} is malformed")
    raw = parts[2]
    if flag:
        if method != 0:
            raise InvalidInputError("the PNG iTXt chunk uses an unknown compression method")
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(raw, MAX_TEXT_BYTES + 1)
        except zlib.error:
            raise InvalidInputError("the PNG iTXt chunk's compressed text is corrupt") from None
        if len(raw) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
            raise InvalidInputError(f"the embedded text is larger than {MAX_TEXT_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the PNG iTXt chunk's text is not UTF-8") from None


def unbake_png(png: bytes) -> Baked:
    """The credential in the first ``openbadgecredential`` iTXt chunk, else an OB 2.0 one."""
    legacy: str | None = None
    for chunk in _chunks(png):
        if chunk.type == b"iTXt":
            keyword = _itxt_keyword(chunk.data)
            if keyword == OB3_PNG_KEYWORD:
                return Baked(_itxt_text(chunk.data), "PNG", "OB 3.0")
            if keyword == OB2_PNG_KEYWORD and legacy is None:
                legacy = _itxt_text(chunk.data)
        elif chunk.type == b"tEXt" and legacy is None:
            name, _, text = chunk.data.partition(b"\x00")
            if name == OB2_PNG_KEYWORD.encode():
                legacy = text.decode("latin-1")
    if legacy is not None:
        return Baked(legacy, "PNG", "OB 2.0")
    raise InvalidInputError("this file is a PNG without an embedded credential")


def bake_png(png: bytes, credential: str) -> bytes:
    """``png`` with one ``openbadgecredential`` iTXt chunk holding ``credential``.

    An existing one is replaced in place; otherwise the chunk goes right after IHDR. Every
    other byte of the image is kept.
    """
    text = _check_credential_text(credential)
    body = OB3_PNG_KEYWORD.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")
    new = _chunk(b"iTXt", body)
    chunks = _chunks(png)
    baked = [c for c in chunks if c.type == b"iTXt" and _itxt_keyword(c.data) == OB3_PNG_KEYWORD]
    at = baked[0].start if baked else chunks[0].end
    out = bytearray(png[:at])
    out += new
    cursor = at
    for chunk in baked:  # drop every old credential chunk, keep the bytes between them
        out += png[cursor : chunk.start]
        cursor = chunk.end
    out += png[max(cursor, at) :]
    return bytes(out)


# --- SVG ---------------------------------------------------------------------------------------


def _parse_svg(svg: bytes) -> Element:
    _check_size(svg, "SVG image")
    try:
        root: Element = fromstring(
            svg, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise InvalidInputError(f"the SVG image is refused: {type(exc).__name__}") from None
    except ParseError as exc:
        raise InvalidInputError(f"the SVG image is not well-formed XML ({exc})") from None
    if root.tag not in (f"{{{SVG_NAMESPACE}}}svg", "svg"):
        raise InvalidInputError(f"not an SVG image (the root element is {root.tag})")
    return root


def _find(root: Element, namespace: str, name: str) -> Element | None:
    return next(root.iter(f"{{{namespace}}}{name}"), None)


def unbake_svg(svg: bytes) -> Baked:
    """The credential in ``<openbadges:credential>``, else an OB 2.0 ``<openbadges:assertion>``."""
    root = _parse_svg(svg)
    element = _find(root, OB3_SVG_NAMESPACE, "credential")
    if element is not None:
        text = element.get("verify") or "".join(element.itertext())
        return Baked(_non_empty(text), "SVG", "OB 3.0")
    element = _find(root, OB2_SVG_NAMESPACE, "assertion")
    if element is not None:
        body = "".join(element.itertext()).strip()
        verify = (element.get("verify") or "").strip()
        # the verify attribute is a JWS or the hosted URL; a JSON body is the hosted assertion
        text = verify if _COMPACT_JWS.match(verify) or not body.startswith("{") else body
        text = text or body
        return Baked(_non_empty(text), "SVG", "OB 2.0")
    raise InvalidInputError("this file is an SVG image without an embedded credential")


def _non_empty(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInputError("the SVG image's badge element is empty")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise InvalidInputError(f"the embedded text is larger than {MAX_TEXT_BYTES:,} bytes")
    return text


_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
_ROOT_START = re.compile(r"<svg(?=[\s/>])")
_QUOTED_OR_END = re.compile(r"\"[^\"]*\"|'[^']*'|/?>")


def _root_tag_span(svg: str) -> tuple[int, int, bool]:
    """Start and end offsets of the ``<svg ...>`` start tag, and whether it is self-closing."""
    for match in _ROOT_START.finditer(svg):
        before = svg[: match.start()]
        if before.count("<!--") != before.count("-->"):
            continue  # inside a comment
        for token in _QUOTED_OR_END.finditer(svg, match.end()):
            if token.group().endswith(">") and not token.group().startswith(("'", '"')):
                return match.start(), token.end(), token.group() == "/>"
        break
    raise InvalidInputError("cannot find the <svg> start tag to bake into")


def bake_svg(svg: bytes, credential: str) -> bytes:
    """``svg`` with ``<openbadges:credential>`` holding ``credential`` as first child of <svg>.

    A JSON credential goes in a CDATA body; a compact JWS in the ``verify`` attribute. An
    existing credential element (with the ``openbadges`` prefix) is replaced.
    """
    text = _check_credential_text(credential)
    root = _parse_svg(svg)
    try:
        source = svg.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the SVG image is not UTF-8 text") from None
    if _find(root, OB3_SVG_NAMESPACE, "credential") is not None:
        source, removed = _OLD_CREDENTIAL.subn("", source)
        if not removed:
            raise InvalidInputError(
                "the SVG image already holds a credential under another prefix; cannot replace it"
            )
    if text.startswith("{"):
        cdata = text.replace("]]>", "]]]]><![CDATA[>")
        element = f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"
    else:
        element = f'<openbadges:credential verify="{text}"></openbadges:credential>'
    start, end, self_closing = _root_tag_span(source)
    tag = source[start:end]
    if 'xmlns:openbadges="' not in tag and "xmlns:openbadges='" not in tag:
        cut = len(tag) - (2 if self_closing else 1)
        tag = f'{tag[:cut].rstrip()} xmlns:openbadges="{OB3_SVG_NAMESPACE}"{tag[cut:]}'
    if self_closing:
        tag = tag[:-2].rstrip() + ">"
        element += "</svg>"
    result = (source[:start] + tag + element + source[end:]).encode("utf-8")
    baked = unbake_svg(result)  # what a reader finds must be exactly what was baked
    if baked.convention != "OB 3.0" or baked.text != text:
        raise InvalidInputError("cannot bake this SVG image (its openbadges prefix is taken)")
    return result


_OLD_CREDENTIAL = re.compile(
    r"<openbadges:credential\b[^>]*?/>\s*|<openbadges:credential\b.*?</openbadges:credential>\s*",
    re.DOTALL,
)
