"""``microcred bake`` / ``unbake``, and ``microcred verify`` on baked images and OB 2.0 badges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_harness import PEER, VECTORS, error_line, microcred

PNG = VECTORS / "baking" / "badge.png"
SVG = VECTORS / "baking" / "badge.svg"
OB2 = VECTORS / "ob2"
OB2_DOCS = [
    "--document",
    f"https://issuer.example/assertions/1={OB2 / 'assertion.json'}",
    "--document",
    f"https://issuer.example/badges/1={OB2 / 'badgeclass.json'}",
    "--document",
    f"https://issuer.example/issuer={OB2 / 'issuer.json'}",
]


@pytest.mark.parametrize("image", [PNG, SVG], ids=["png", "svg"])
@pytest.mark.parametrize("credential", ["ob3-signed.json", "ob3.vc-jwt"])
def test_bake_then_unbake_then_verify(tmp_path: Path, image: Path, credential: str) -> None:
    out = tmp_path / f"baked{image.suffix}"
    run = microcred("bake", PEER / credential, "--image", image, "--out", out)
    assert run.code == 0, run.stderr
    assert f"into {out}" in run.stdout
    unbaked = microcred("unbake", out)
    assert unbaked.code == 0, unbaked.stderr
    assert unbaked.stdout == (PEER / credential).read_text(encoding="utf-8").strip() + "\n"
    verified = microcred("verify", out)
    assert (verified.code, verified.stderr) == (0, "")
    assert verified.stdout.startswith("VERIFIED")
    assert f"read from: baked {image.suffix[1:].upper()}" in verified.stdout


def test_unbake_writes_the_exact_text_to_a_file(tmp_path: Path) -> None:
    baked, text = tmp_path / "b.png", tmp_path / "credential.json"
    assert microcred("bake", PEER / "ob3-signed.json", "--image", PNG, "--out", baked).code == 0
    assert microcred("unbake", baked, "--out", text).code == 0
    expected = (PEER / "ob3-signed.json").read_text(encoding="utf-8").strip()
    assert text.read_text(encoding="utf-8") == expected


def test_a_tampered_baked_credential_is_not_verified(tmp_path: Path) -> None:
    out = tmp_path / "tampered.svg"
    assert microcred("bake", PEER / "ob3-tampered.json", "--image", SVG, "--out", out).code == 0
    run = microcred("verify", out, "--json")
    assert run.code == 1
    report = run.json()
    assert (report["verified"], report["presented"]) == (False, "baked SVG")


def test_verify_reads_1edtech_baked_images() -> None:
    run = microcred("verify", VECTORS / "ob3-fixtures" / "simple-json.png", "--json")
    assert run.json()["presented"] == "baked PNG"
    assert run.code in (0, 1)  # its verdict is the pipeline's; that it was read is the point


def test_ob2_offline_skips_the_hosted_checks() -> None:
    run = microcred("verify", OB2 / "baked.png")
    assert run.code == 1, run.stderr
    assert run.stdout.startswith("NOT VERIFIED")
    assert "– hosted verification" in run.stdout


def test_ob2_with_local_documents_and_the_recipient_verifies() -> None:
    run = microcred(
        "verify", OB2 / "baked.png", *OB2_DOCS, "--recipient", "learner@example.org", "--json"
    )
    assert run.code == 0, run.stdout + run.stderr
    report = run.json()
    assert report["credential"]["issuer_name"] == "Peer Test Academy"
    assert report["credential"]["achievement_name"] == "OB2 Peer Badge"
    wrong = microcred("verify", OB2 / "assertion.json", *OB2_DOCS, "--recipient", "x@example.org")
    assert wrong.code == 1
    assert "was not awarded to x@example.org" in wrong.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["unbake", PNG], "a PNG without an embedded credential"),
        (["unbake", SVG], "an SVG image without an embedded credential"),
        (["verify", PNG], "a PNG without an embedded credential"),
        (["bake", OB2 / "assertion.json", "--image", PNG, "--out", "-"], "cannot be baked"),
        (["bake", PEER / "ob3.vc-jwt", "--image", PEER / "ob3.vc-jwt", "--out", "-"], "neither"),
        (["bake", PEER / "missing.json", "--image", PNG, "--out", "-"], "no such file"),
    ],
)
def test_unusable_input_is_one_line_exit_2(args: list[str | Path], says: str) -> None:
    assert says in error_line(microcred(*args))


def test_truncated_png_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(PNG.read_bytes()[:50])
    line = error_line(microcred("verify", broken))
    assert "broken.png" in line and "truncated" in line


def test_baked_png_keeps_the_image_readable(tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "b.png"
    assert microcred("bake", PEER / "ob3-signed.json", "--image", PNG, "--out", out).code == 0
    with Image.open(out) as image:
        assert json.loads(image.text["openbadgecredential"])["id"]
