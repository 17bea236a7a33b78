"""``microcred pdf`` and ``microcred bundle``: the files they write hold the exact credential
and ``microcred verify`` accepts both (the bundle offline, its status "as of" its date)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_harness import PEER, error_line, microcred

from microcred.core.formats.pdf_certificate import extract_credential

STATUS_LIST = f"https://status.example/lists/1={PEER / 'statuslist-1.json'}"


def test_pdf_then_verify_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / "certificate.pdf"
    run = microcred(
        "pdf", PEER / "ob3-signed.json", "--out", out, "--lang", "fr",
        "--verify-url", "https://issuer.example/verify",
    )  # fmt: skip
    assert (run.code, run.stderr) == (0, "")
    assert extract_credential(out.read_bytes()) == (PEER / "ob3-signed.json").read_text("utf-8")
    verified = microcred("verify", out)
    assert verified.code == 0, verified.stdout + verified.stderr
    assert "read from: PDF certificate" in verified.stdout


def test_bundle_of_a_did_web_credential_verifies_with_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    run = microcred(
        "bundle", PEER / "ob3-signed-didweb.json", "--out", out,
        "--did-doc", PEER / "did-web-issuer.example.json",
    )  # fmt: skip
    assert (run.code, run.stderr) == (0, "")
    bundle = json.loads(out.read_text("utf-8"))
    assert bundle["type"] == "MicrocredVerificationBundle"
    verified = microcred("verify", out)
    assert verified.code == 0, verified.stdout + verified.stderr
    assert "offline bundle" in verified.stdout


def test_bundle_keeps_the_status_list_and_says_as_of_when(tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    made = microcred(
        "bundle", PEER / "ob3-signed-status7.json", "--out", out, "--document", STATUS_LIST
    )
    assert made.code == 0, made.stderr
    verified = microcred("verify", out)
    assert verified.code == 1
    assert "REVOKED" in verified.stdout
    assert "as of" in verified.stdout


def test_unusable_input_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "nonsense.txt").write_text("hello", encoding="utf-8")
    line = error_line(microcred("pdf", tmp_path / "nonsense.txt", "--out", tmp_path / "x.pdf"))
    assert "nonsense.txt" in line
    assert not (tmp_path / "x.pdf").exists()
    line = error_line(
        microcred("bundle", PEER / "ob3-signed-status8.json", "--out", tmp_path / "b.json")
    )
    assert "status list https://status.example/lists/1 could not be fetched" in line
