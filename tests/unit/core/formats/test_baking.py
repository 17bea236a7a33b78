"""Baking (OB 3.0 §5.3, OB 2.0 Baking): PNG iTXt chunks, SVG elements, hostile input."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from microcred.core.formats import baking
from microcred.errors import InvalidInputError

VECTORS = Path(__file__).resolve().parents[3] / "vectors"
PNG = (VECTORS / "baking" / "badge.png").read_bytes()
SVG = (VECTORS / "baking" / "badge.svg").read_bytes()
SIGNED = (VECTORS / "js-peer-issued" / "ob3-signed.json").read_text(encoding="utf-8")
JWT = (VECTORS / "js-peer-issued" / "ob3.vc-jwt").read_text(encoding="utf-8").strip()
FIXTURES = VECTORS / "ob3-fixtures"  # 1EdTech's validator fixtures, baked by others


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, read independently of the module under test."""
    found, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, body = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc
        found.append((kind, body))
        offset += 12 + length
    return found


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def insert_after_ihdr(png: bytes, extra: bytes) -> bytes:
    return png[:33] + extra + png[33:]


# --- PNG ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", [SIGNED, JWT], ids=["json", "jwt"])
def test_png_round_trip_keeps_every_other_byte(credential: str) -> None:
    baked = baking.bake_png(PNG, credential)
    found = baking.unbake_png(baked)
    assert (found.text, found.container, found.convention) == (credential.strip(), "PNG", "OB 3.0")
    # the one new chunk sits right after IHDR; removing it gives back the original file
    kinds = [kind for kind, _ in chunks(baked)]
    assert kinds[:2] == [b"IHDR", b"iTXt"]
    (length,) = struct.unpack(">I", baked[33:37])
    assert baked[:33] + baked[33 + 12 + length :] == PNG
    body = chunks(baked)[1][1]
    assert body.startswith(b"openbadgecredential\x00\x00\x00\x00\x00")  # no compression


def test_a_baked_png_is_still_an_image_and_pillow_reads_the_chunk() -> None:
    baked = baking.bake_png(PNG, SIGNED)
    with Image.open(io.BytesIO(baked)) as image:
        image.load()
        assert image.size == (32, 32)
        assert json.loads(image.text["openbadgecredential"]) == json.loads(SIGNED)


def test_rebaking_replaces_the_credential_in_place() -> None:
    once = baking.bake_png(PNG, SIGNED)
    twice = baking.bake_png(once, JWT)
    itxt = [body for kind, body in chunks(twice) if kind == b"iTXt"]
    assert len(itxt) == 1
    assert baking.unbake_png(twice).text == JWT
    assert baking.bake_png(twice, SIGNED) == once


def test_duplicate_credential_chunks_are_all_replaced_and_the_first_is_read() -> None:
    first = chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00" + JWT.encode())
    second = chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00{}")
    doubled = PNG[:-12] + first + second + PNG[-12:]
    assert baking.unbake_png(doubled).text == JWT
    rebaked = baking.bake_png(doubled, SIGNED)
    assert [kind for kind, _ in chunks(rebaked)].count(b"iTXt") == 1


def test_a_compressed_chunk_is_read_within_the_size_cap() -> None:
    body = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(JWT.encode())
    assert baking.unbake_png(insert_after_ihdr(PNG, chunk(b"iTXt", body))).text == JWT
    bomb = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b" " * (3 * 1024 * 1024))
    with pytest.raises(InvalidInputError, match="larger than"):
        baking.unbake_png(insert_after_ihdr(PNG, chunk(b"iTXt", bomb)))


def test_open_badges_2_bakes_are_read() -> None:
    found = baking.unbake_png((VECTORS / "ob2" / "baked.png").read_bytes())
    assert found.convention == "OB 2.0"
    assert json.loads(found.text)["id"] == "https://issuer.example/assertions/1"
    assert found.source == "baked PNG (Open Badges 2.0 baking)"
    legacy = chunk(b"tEXt", b"openbadges\x00https://issuer.example/assertions/1")
    assert baking.unbake_png(insert_after_ihdr(PNG, legacy)).text == (
        "https://issuer.example/assertions/1"
    )


def test_an_ob3_chunk_wins_over_an_ob2_chunk() -> None:
    ob2 = (VECTORS / "ob2" / "baked.png").read_bytes()
    found = baking.unbake_png(baking.bake_png(ob2, JWT))
    assert (found.text, found.convention) == (JWT, "OB 3.0")


@pytest.mark.parametrize("name", ["simple-json.png", "simple-jwt.png", "simple-jwt_v1.png"])
def test_pngs_baked_by_1edtech_are_read(name: str) -> None:
    found = baking.unbake((FIXTURES / name).read_bytes())
    assert found.convention == "OB 3.0"
    if "json" in name:
        assert json.loads(found.text)["type"][-1] == "OpenBadgeCredential"
    else:
        assert found.text.count(".") == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG, "a PNG without an embedded credential"),
        (PNG[:20], "truncated"),
        (PNG[:-6], "truncated"),
        (PNG[:8] + b"\x00\x00\x00\x0d" + b"IH\x00R" + PNG[16:], "bad chunk type"),
        (PNG[:30] + bytes([PNG[30] ^ 0xFF]) + PNG[31:], "CRC mismatch in chunk IHDR"),
        (PNG[:8] + PNG[33:], "does not start with IHDR"),
        (b"\x89PNG\r\n\x1a\n" + b"\xff" * 40, "corrupt \\(bad chunk type at byte 8\\)"),
        (b"GIF89a" + PNG[6:], "the PNG signature is missing"),
    ],
    ids=["plain", "cut-header", "cut-end", "bad-type", "bad-crc", "no-ihdr", "garbage", "gif"],
)
def test_bad_pngs_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        baking.unbake_png(data)


def test_oversized_images_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(baking, "MAX_IMAGE_BYTES", 100)
    with pytest.raises(InvalidInputError, match="the limit is 100 bytes"):
        baking.unbake_png(PNG)
    with pytest.raises(InvalidInputError, match="the limit is 100 bytes"):
        baking.bake_svg(SVG, JWT)


@pytest.mark.parametrize("text", ["", "not a credential", "[1, 2]", "{not json"])
def test_only_a_json_object_or_a_compact_jws_is_baked(text: str) -> None:
    with pytest.raises(InvalidInputError, match="cannot bake it"):
        baking.bake(PNG, text)


def test_bake_refuses_what_is_not_an_image() -> None:
    with pytest.raises(InvalidInputError, match="neither a PNG nor an SVG"):
        baking.bake(b"GIF89a....", JWT)
    with pytest.raises(InvalidInputError, match="not a PNG or SVG image"):
        baking.unbake(b"%PDF-1.7")


# --- SVG ---------------------------------------------------------------------------------------

OB3 = "{https://purl.imsglobal.org/ob/v3p0}credential"


def test_svg_json_goes_in_cdata_as_the_first_child_of_svg() -> None:
    baked = baking.bake_svg(SVG, SIGNED)
    root = ElementTree.fromstring(baked)
    first = root[0]
    assert first.tag == OB3 and first.get("verify") is None
    assert json.loads(first.text or "") == json.loads(SIGNED)
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert b"<![CDATA[" in baked
    assert baking.unbake_svg(baked).text == SIGNED.strip()
    # the rest of the document is untouched
    assert baked.replace(
        baked[baked.index(b"<openbadges:") : baked.index(b"\n  <title>")], b""
    ) == (SVG.replace(b'viewBox="0 0 64 64"', b'viewBox="0 0 64 64" ' + _NS))


_NS = b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'


def test_svg_jwt_goes_in_the_verify_attribute() -> None:
    baked = baking.bake_svg(SVG, JWT)
    element = ElementTree.fromstring(baked)[0]
    assert (element.tag, element.get("verify"), element.text) == (OB3, JWT, None)
    found = baking.unbake_svg(baked)
    assert (found.text, found.container, found.convention) == (JWT, "SVG", "OB 3.0")


def test_a_cdata_terminator_inside_the_json_survives() -> None:
    tricky = json.dumps({**json.loads(SIGNED), "name": "a ]]> b"})
    assert baking.unbake_svg(baking.bake_svg(SVG, tricky)).text == tricky


def test_svg_rebake_replaces_and_keeps_one_element() -> None:
    twice = baking.bake_svg(baking.bake_svg(SVG, SIGNED), JWT)
    root = ElementTree.fromstring(twice)
    assert [e.tag for e in root.iter(OB3)] == [OB3]
    assert twice.count(_NS) == 1
    assert baking.unbake_svg(twice).text == JWT


def test_a_self_closing_svg_and_1edtech_svgs_with_a_doctype_are_baked() -> None:
    empty = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    assert baking.unbake_svg(baking.bake_svg(empty, JWT)).text == JWT
    fixture = (FIXTURES / "simple-json.svg").read_bytes()
    rebaked = baking.bake_svg(fixture, JWT)
    assert rebaked.startswith(fixture[: fixture.index(b"<svg")])  # prolog and DOCTYPE kept
    assert baking.unbake_svg(rebaked).text == JWT


@pytest.mark.parametrize("name", ["simple-json.svg", "simple-jwt.svg", "simple-jwt_v1.svg"])
def test_svgs_baked_by_1edtech_are_read(name: str) -> None:
    found = baking.unbake((FIXTURES / name).read_bytes())
    assert (found.container, found.convention) == ("SVG", "OB 3.0")
    assert found.text.startswith("{") == ("json" in name)


def test_open_badges_2_svgs_are_read() -> None:
    url = "https://issuer.example/assertions/1"
    hosted = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<openbadges:assertion verify="'
        + url.encode()
        + b'"><![CDATA[{"id": "'
        + url.encode()
        + b'"}]]></openbadges:assertion></svg>'
    )
    found = baking.unbake_svg(hosted)
    assert (found.text, found.convention) == (f'{{"id": "{url}"}}', "OB 2.0")
    signed = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<openbadges:assertion verify="' + JWT.encode() + b'"/></svg>'
    )
    assert baking.unbake_svg(signed).text == JWT
    url_only = signed.replace(JWT.encode(), url.encode())
    assert baking.unbake_svg(url_only).text == url


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (SVG, "an SVG image without an embedded credential"),
        (BILLION_LAUGHS, "refused: EntitiesForbidden"),
        (EXTERNAL, "refused: EntitiesForbidden"),
        (SVG[:-10], "not well-formed XML"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>', "root element"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="https://purl.imsglobal.org/ob/v3p0">'
            b"<o:credential>  </o:credential></svg>",
            "element is empty",
        ),
    ],
)
def test_bad_svgs_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        baking.unbake_svg(data)


def test_an_svg_whose_credential_uses_another_prefix_is_not_silently_doubled() -> None:
    other = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="https://purl.imsglobal.org/ob/v3p0">'
        b'<o:credential verify="' + JWT.encode() + b'"/></svg>'
    )
    with pytest.raises(InvalidInputError, match="another prefix"):
        baking.bake_svg(other, SIGNED)


def test_sniffing() -> None:
    assert baking.is_png(PNG) and not baking.is_svg(PNG)
    assert baking.is_svg(SVG) and not baking.is_png(SVG)
    assert baking.is_svg(b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert not baking.is_svg(b'{"svg": "<svg>"}')
