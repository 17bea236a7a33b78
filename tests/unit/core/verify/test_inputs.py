"""Reading what is presented: JSON, JWT, presentations, baked images, OB 2.0, plug-in unwrappers."""

from __future__ import annotations

import base64
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from microcred.core.formats import baking
from microcred.core.verify import inputs
from microcred.core.verify.inputs import Presented, read_presented, register_unwrapper
from microcred.errors import InvalidInputError

VECTORS = Path(__file__).resolve().parents[3] / "vectors"
PEER = VECTORS / "js-peer-issued"
SIGNED = (PEER / "ob3-signed.json").read_bytes()
JWT = (PEER / "ob3.vc-jwt").read_bytes()
PNG = (VECTORS / "baking" / "badge.png").read_bytes()
SVG = (VECTORS / "baking" / "badge.svg").read_bytes()


@pytest.mark.parametrize(
    ("data", "kind", "source"),
    [
        (SIGNED, "credential", "JSON"),
        (b"\xef\xbb\xbf  " + SIGNED, "credential", "JSON"),
        (JWT, "jwt", "text"),
        ((PEER / "ob3-enveloped.json").read_bytes(), "credential", "JSON"),
        ((VECTORS / "ob2" / "assertion.json").read_bytes(), "ob2", "JSON"),
        (b"https://issuer.example/assertions/1\n", "ob2", "text"),
        ((VECTORS / "ob2" / "baked.png").read_bytes(), "ob2", "baked PNG (Open Badges 2.0 baking)"),
        (
            (VECTORS / "ob2" / "baked-ob3-jwt.png").read_bytes(),
            "jwt",
            "baked PNG (Open Badges 2.0 baking)",
        ),
        ((VECTORS / "ob3-fixtures" / "simple-json.svg").read_bytes(), "credential", "baked SVG"),
        ((VECTORS / "ob3-fixtures" / "simple-jwt.png").read_bytes(), "jwt", "baked PNG"),
    ],
)
def test_each_input_is_recognised(data: bytes, kind: str, source: str) -> None:
    presented = read_presented(data)
    assert (presented.kind, presented.source) == (kind, source)
    assert presented.text == presented.text.strip()
    if kind in ("credential", "presentation") or presented.text.startswith("{"):
        assert presented.document == json.loads(presented.text)
    else:
        assert presented.document is None


def test_the_exact_signed_text_is_kept_from_a_baked_image() -> None:
    presented = read_presented(baking.bake_png(PNG, SIGNED.decode()))
    assert presented.text == SIGNED.decode().strip()
    assert (presented.kind, presented.source) == ("credential", "baked PNG")
    assert read_presented(baking.bake_svg(SVG, JWT.decode())).text == JWT.decode().strip()


def test_a_presentation_is_recognised() -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [json.loads(SIGNED)],
    }
    presented = read_presented(json.dumps(vp).encode())
    assert presented.kind == "presentation"
    assert presented.document == vp


def test_a_signed_ob2_assertion_jws_is_told_from_a_vc_jwt() -> None:
    payload = inputs.jws_payload(JWT.decode().strip())
    assert payload is not None and not inputs.is_ob2(payload)
    assertion = json.loads((VECTORS / "ob2" / "assertion.json").read_bytes())

    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'RS256'})}.{part(assertion)}.c2ln"
    assert read_presented(token.encode()).kind == "ob2"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (PNG, None, "this file is a PNG without an embedded credential"),
        (SVG, "badge.svg", "this file is an SVG image without an embedded credential"),
        (b"", None, "the input is empty"),
        (b" \n", None, "the input is empty"),
        (b"GIF89a\x01\x00\xff\xfe", None, "neither text \\(JSON, JWT\\) nor a PNG or SVG"),
        (b"\xff\xfe\x00garbage", "badge.png", "this PNG image holds no credential"),
        (b"hello", "badge.png", "named as a PNG image but is not one"),
        (b"hello world", None, "not a JSON credential, a compact JWS"),
        (b"[1]", None, "expected a JSON object"),
    ],
)
def test_nothing_readable_gives_a_clear_error(
    data: bytes, filename: str | None, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_presented(data, filename=filename)


def test_oversized_input_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "MAX_PRESENTED_BYTES", 10)
    with pytest.raises(InvalidInputError, match="the limit is 10 bytes"):
        read_presented(SIGNED)


class Wrapped:
    """A test container: ``WRAP:`` followed by a credential, with a local document."""

    name = "test-wrap"

    def sniff(self, data: bytes) -> bool:
        return data.startswith(b"WRAP:")

    def unwrap(self, data: bytes) -> Presented:
        inner = inputs.classify_text(data[5:].decode(), source="test wrapper")
        return Presented(
            inner.kind,
            inner.document,
            inner.text,
            inner.source,
            {inputs.EXTRA_DOCUMENTS: {"https://example.org/doc": {"a": 1}}},
        )


@pytest.fixture
def wrapper() -> Iterator[Wrapped]:
    unwrapper = Wrapped()
    register_unwrapper(unwrapper)
    yield unwrapper
    inputs.unregister_unwrapper(unwrapper.name)


def test_registered_unwrappers_are_asked_first(wrapper: Wrapped) -> None:
    assert wrapper in inputs.unwrappers()
    presented = read_presented(b"WRAP:" + JWT)
    assert (presented.kind, presented.source) == ("jwt", "test wrapper")
    assert presented.documents == {"https://example.org/doc": {"a": 1}}
    assert read_presented(JWT).documents == {}


@pytest.mark.parametrize(
    ("module", "name"),
    [("microcred.core.verify.bundle", "bundle"), ("microcred.core.formats.pdf_certificate", "pdf")],
)
def test_the_plugin_modules_register_their_unwrappers(module: str, name: str) -> None:
    assert module in inputs.PLUGIN_MODULES
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not part of this tree")
    assert name in {u.name for u in inputs.unwrappers()}
