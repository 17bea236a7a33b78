"""``verify_presented``: one entry point that reads what was presented and picks the verifier."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from microcred.core.formats.baking import bake_png, bake_svg
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.presentation import PresentationReport
from microcred.core.verify.report import VerificationReport
from microcred.errors import InvalidInputError
from microcred.service.presented import verify_presented

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
PEER = VECTORS / "js-peer-issued"
SIGNED = (PEER / "ob3-signed.json").read_text(encoding="utf-8")
JWT = (PEER / "ob3.vc-jwt").read_text(encoding="utf-8")
PNG = (VECTORS / "baking" / "badge.png").read_bytes()
SVG = (VECTORS / "baking" / "badge.svg").read_bytes()
VERIFIER = Verifier(clock=lambda: datetime(2025, 6, 1, tzinfo=UTC))
OB2 = VECTORS / "ob2"
HOSTED = {
    json.loads(p.read_text())["id"]: p.read_bytes()
    for p in (OB2 / "assertion.json", OB2 / "badgeclass.json", OB2 / "issuer.json")
}


def hosted(url: str) -> bytes:
    return HOSTED[url]


@pytest.mark.parametrize(
    ("data", "kind", "source"),
    [
        (SIGNED.encode(), "credential", "JSON"),
        (bake_png(PNG, SIGNED), "credential", "baked PNG"),
        (bake_svg(SVG, JWT), "jwt", "baked SVG"),
    ],
)
def test_ob3_goes_to_the_verifier(data: bytes, kind: str, source: str) -> None:
    presented, report = verify_presented(data, verifier=VERIFIER, fetcher=None)
    assert (presented.kind, presented.source) == (kind, source)
    assert isinstance(report, VerificationReport) and report.verified, report.to_dict()


def test_a_tampered_baked_credential_is_a_report_not_an_exception() -> None:
    tampered = (PEER / "ob3-tampered.json").read_text(encoding="utf-8")
    _, report = verify_presented(bake_png(PNG, tampered), verifier=VERIFIER, fetcher=None)
    assert not report.verified


def test_ob2_uses_the_fetcher_only_when_given() -> None:
    baked = (OB2 / "baked.png").read_bytes()
    presented, offline = verify_presented(baked, verifier=VERIFIER, fetcher=None)
    assert presented.kind == "ob2" and not offline.verified
    _, online = verify_presented(
        baked, verifier=VERIFIER, fetcher=hosted, recipient="learner@example.org"
    )
    assert online.verified, online.to_dict()


def test_a_presentation_goes_to_the_presentation_verifier() -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [json.loads(SIGNED)],
    }
    presented, report = verify_presented(json.dumps(vp).encode(), verifier=VERIFIER, fetcher=None)
    assert presented.kind == "presentation"
    assert isinstance(report, PresentationReport)
    assert report.credentials[0].verified
    assert not report.verified  # unsigned: a presentation needs the holder's proof


def test_nothing_readable_raises() -> None:
    with pytest.raises(InvalidInputError, match="a PNG without an embedded credential"):
        verify_presented(PNG, verifier=VERIFIER, fetcher=None)
