"""Hostile files presented for verification (brief: "Verification never crashes on a hostile
document"): decompression bombs and chunk floods in PNG, XXE / entity expansion in SVG, deeply
nested and oversized JSON, malformed and bomb-carrying PDFs. Each one, through the one entry
point the verify page, the wallet import and the API share (:func:`verify_presented`), gets a
clear :class:`MicrocredError` or a failing report - never another exception - within a time and
memory bound; the verify page answers 422 with a message, never 500."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable

import pytest
from api_support import build_env
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject, StreamObject
from security_support import browser
from web_support import WebEnv

from microcred.core.formats.baking import PNG_SIGNATURE, bake_png
from microcred.core.verify.presentation import PresentationReport
from microcred.core.verify.report import VerificationReport
from microcred.errors import MicrocredError
from microcred.service.presented import verify_presented

SECONDS = 3.0
MEGABYTES = 96


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


IHDR = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
IDAT = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
IEND = chunk(b"IEND", b"")


def png(*chunks: bytes) -> bytes:
    return PNG_SIGNATURE + IHDR + b"".join(chunks) + IDAT + IEND


def itxt(keyword: str, text: bytes, *, compressed: bool) -> bytes:
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return chunk(b"iTXt", keyword.encode() + b"\x00" + flag + b"\x00\x00" + text)


BOMB = zlib.compress(b"{" + b" " * (64 * 1024 * 1024) + b"}", 9)  # 64 MB in ~64 KB


def pdf_with_attachment(name: str, data: bytes) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_bomb() -> bytes:
    """A 200 KB PDF whose attached credential (a FlateDecode stream) inflates to 200 MB."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("credential.json", b"X")
    bomb = zlib.compress(b'{"a":"' + b" " * (200 * 1024 * 1024) + b'"}', 9)
    [stream] = [
        o
        for o in writer._objects
        if isinstance(o, StreamObject) and o.get("/Type") == "/EmbeddedFile"
    ]
    stream._data = bomb
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Length")] = NumberObject(len(bomb))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HOSTILE: dict[str, Callable[[], bytes]] = {
    "PNG iTXt zlib bomb": lambda: png(itxt("openbadgecredential", BOMB, compressed=True)),
    "PNG OB 2.0 iTXt zlib bomb": lambda: png(itxt("openbadges", BOMB, compressed=True)),
    "PNG zTXt bomb": lambda: png(chunk(b"zTXt", b"openbadges\x00\x00" + BOMB)),
    "PNG huge iTXt": lambda: png(
        itxt("openbadgecredential", b'{"a":"' + b"x" * (3 * 1024 * 1024) + b'"}', compressed=False)
    ),
    "PNG chunk flood": lambda: png(chunk(b"teXt", b"") * 300_000),
    "PNG bad CRC": lambda: png(
        chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00{}")[:-1] + b"\x00"
    ),
    "PNG truncated chunk": lambda: PNG_SIGNATURE + IHDR + struct.pack(">I", 0x7FFFFFF0) + b"iTXt",
    "PNG non-UTF-8 text": lambda: png(itxt("openbadgecredential", b"\xff\xfe", compressed=False)),
    "SVG XXE file": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><credential xmlns="https://purl.imsglobal.org/'
        b'ob/v3p0">&x;</credential></svg>'
    ),
    "SVG XXE URL": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "http://169.254.169.254/">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ),
    "SVG external DTD": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://127.0.0.1/evil.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    ),
    "SVG billion laughs": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "ha">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
        )
        + b']><svg xmlns="http://www.w3.org/2000/svg"><text>&j;</text></svg>'
    ),
    "SVG quadratic blowup": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "' + b"x" * 50_000 + b'">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>' + b"&a;" * 50_000 + b"</text></svg>"
    ),
    "SVG not XML": lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><unclosed></svg>',
    "JSON nested arrays": lambda: b"[" * 200_000 + b"]" * 200_000,
    "JSON nested objects": lambda: b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "JSON nested credential": lambda: (
        b'{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],'
        b'"credentialSubject":' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}"
    ),
    "JSON 100,000-digit number": lambda: b'{"a":' + b"9" * 100_000 + b"}",
    "JSON infinite float": lambda: b'{"a":1e999999,"b":NaN}',
    "JSON lone surrogate": lambda: b'{"a":"\\ud800"}',
    "JSON not UTF-8": lambda: b'{"a":"\xff"}',
    "JSON huge string": lambda: b'{"a":"' + b"x" * (12 * 1024 * 1024) + b'"}',
    "JSON array of a million": lambda: b"[" + b"0," * 1_000_000 + b"0]",
    "JWT giant header": lambda: b"eyJ" + b"A" * (3 * 1024 * 1024) + b".e30.c2ln",
    "JWT garbage": lambda: b"eyJhbGciOiJub25lIn0.eyJ2YyI6e319.",
    "PDF garbage": lambda: b"%PDF-1.7\n" + b"\x00garbage" * 1000,
    "PDF nested arrays": lambda: (
        b"%PDF-1.7\n1 0 obj\n" + b"[" * 100_000 + b"]" * 100_000 + b"\nendobj\ntrailer\n"
        b"<< /Root 1 0 R >>\n%%EOF"
    ),
    "PDF attachment not UTF-8": lambda: pdf_with_attachment("credential.json", b"\xff\xfe\x00"),
    "PDF attachment huge": lambda: pdf_with_attachment(
        "credential.json", b'{"a":"' + b"x" * (4 * 1024 * 1024) + b'"}'
    ),
    "empty": lambda: b"",
    "binary noise": lambda: bytes(range(256)) * 100,
}


@pytest.fixture(scope="module")
def verifier() -> object:
    return build_env().services.verifier()


def _refused_cleanly(data: bytes, verifier: object) -> str:
    """What happened: 'refused: <message>' or 'failed report'; anything else fails the test."""
    try:
        _, report = verify_presented(data, verifier=verifier, fetcher=None)  # type: ignore[arg-type]
    except MicrocredError as exc:
        assert str(exc).strip(), "an error without a message"
        return f"refused: {exc}"
    assert isinstance(report, VerificationReport | PresentationReport)
    assert not report.verified, "a hostile document verified"
    return "failed report"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_in_bounded_time_and_memory(name: str, verifier: object) -> None:
    data = HOSTILE[name]()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = _refused_cleanly(data, verifier)
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert outcome
    assert elapsed < SECONDS * 4, f"{name}: {elapsed:.1f} s (with tracemalloc)"
    assert peak < MEGABYTES * 1024 * 1024 + 2 * len(data), f"{name}: {peak / 1e6:.0f} MB"


def test_a_pdf_decompression_bomb_is_refused_quickly_in_little_memory(verifier: object) -> None:
    """extract_credential reads a presented PDF with pypdf limits of its own (a context
    variable, not a process-wide setting): a stream stops inflating at MAX_PDF_STREAM_BYTES
    (4 MB), not at pypdf's 75 MB."""
    data = pdf_bomb()
    assert len(data) < 300_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = _refused_cleanly(data, verifier)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        elapsed = time.perf_counter() - started
        tracemalloc.stop()
    assert outcome.startswith("refused:") and "PDF" in outcome and "inflates beyond" in outcome
    assert peak < 30 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    assert elapsed < SECONDS


def test_the_pdf_limits_hold_only_while_a_pdf_is_read() -> None:
    import pypdf

    from microcred.core.formats.pdf_certificate import extract_credential

    before = pypdf.get_configuration()
    with pytest.raises(MicrocredError, match="inflates beyond"):
        extract_credential(pdf_bomb())
    assert pypdf.get_configuration() == before
    assert before.zlib_maximum_output_length == 75_000_000


def test_a_pdf_with_a_double_flate_bomb_is_refused() -> None:
    """Two FlateDecode layers: the outer one is small, the inner one is the bomb."""
    from microcred.core.formats.pdf_certificate import extract_credential

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("credential.json", b"X")
    inner = zlib.compress(b" " * (300 * 1024 * 1024), 9)
    outer = zlib.compress(inner, 9)
    [stream] = [
        o
        for o in writer._objects
        if isinstance(o, StreamObject) and o.get("/Type") == "/EmbeddedFile"
    ]
    stream._data = outer
    stream[NameObject("/Filter")] = ArrayObject([NameObject("/FlateDecode")] * 2)
    stream[NameObject("/Length")] = NumberObject(len(outer))
    out = io.BytesIO()
    writer.write(out)
    tracemalloc.start()
    try:
        with pytest.raises(MicrocredError, match="inflates beyond"):
            extract_credential(out.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_the_xxe_file_is_never_read(verifier: object) -> None:
    outcome = _refused_cleanly(HOSTILE["SVG XXE file"](), verifier)
    assert "root:" not in outcome


def test_a_baked_png_still_reads_after_the_chunk_cap() -> None:
    from microcred.core.formats.baking import unbake_png

    text = '{"a": 1}'
    baked = bake_png(png(chunk(b"teXt", b"") * 5_000), text)
    assert unbake_png(baked).text == text


@pytest.mark.parametrize(
    "name", ["PNG iTXt zlib bomb", "SVG billion laughs", "JSON nested arrays", "PDF garbage"]
)
def test_the_verify_page_answers_422_with_a_message(web: WebEnv, name: str) -> None:
    client = browser(web)
    answer = client.post("/verify", files={"file": ("x.bin", HOSTILE[name](), "image/png")})
    assert answer.status_code == 422, answer.text[:300]
    assert "<html" in answer.text.lower()
