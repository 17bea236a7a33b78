"""``microcred verify``: exit 0 verified, 1 not verified, 2 unusable input; ``--json`` reports,
``--jsonl`` batches, offline status lists (Bitstring Status List 1.0) and did:web documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import PEER, compact, microcred, read_json

STATUS_LIST = f"https://status.example/lists/1={PEER / 'statuslist-1.json'}"
DID_WEB_DOC = PEER / "did-web-issuer.example.json"


@pytest.mark.parametrize(
    ("file", "options", "code", "says"),
    [
        ("ob3-signed.json", [], 0, "VERIFIED: Roundtrip"),
        ("ob3-tampered.json", [], 1, "NOT VERIFIED"),
        ("ob3-signed-status7.json", ["--document", STATUS_LIST], 1, "REVOKED"),
        ("ob3-signed-status8.json", ["--document", STATUS_LIST], 0, "not revoked"),
        ("ob3-signed-status8.json", [], 1, "could not be retrieved"),  # fails closed
        ("ob3-signed-didweb.json", ["--did-doc", DID_WEB_DOC], 0, "did:web:issuer.example"),
        ("ob3-signed-didweb.json", [], 1, "NOT VERIFIED"),  # never fetched from the web
        ("ob3.vc-jwt", [], 0, "the JWT signature is intact"),
        ("ob3-tampered.vc-jwt", [], 1, "NOT VERIFIED"),
        ("ob3-signed.json", ["--now", "2023-12-31T23:59:59Z"], 1, "not yet valid"),
        ("ob3-signed.json", ["--now", "2024-01-01T00:00:00Z"], 0, "VERIFIED"),
    ],
)
def test_verdicts_and_exit_codes(file: str, options: list[str], code: int, says: str) -> None:
    run = microcred("verify", PEER / file, *options)
    assert (run.code, run.stderr) == (code, "")
    assert says in run.stdout
    assert run.stdout.startswith("VERIFIED" if code == 0 else "NOT VERIFIED")


@pytest.mark.parametrize(
    ("file", "verified"), [("ob3-signed.json", True), ("ob3-tampered.json", False)]
)
def test_json_report(file: str, verified: bool) -> None:
    run = microcred("verify", PEER / file, "--json")
    assert run.code == (0 if verified else 1)
    report = run.json()
    assert report["verified"] is verified
    assert report["checks"]
    for check in report["checks"]:
        assert {"check", "outcome", "reason"} <= set(check)
        assert check["outcome"] in {"passed", "failed", "skipped"}
        assert isinstance(check["reason"], str) and check["reason"]
    proof = next(c for c in report["checks"] if c["check"] == "proof")
    assert proof["outcome"] == ("passed" if verified else "failed")


def test_standard_input_takes_a_jwt() -> None:
    run = microcred("verify", "-", stdin=(PEER / "ob3.vc-jwt").read_bytes())
    assert run.code == 0, run.stdout + run.stderr


def test_jsonl_gives_one_verdict_per_line_in_order_and_never_aborts(tmp_path: Path) -> None:
    lines = [
        compact(read_json(PEER / "ob3-signed.json")),
        "this line is not a credential",
        compact(read_json(PEER / "ob3-tampered.json")),
        (PEER / "ob3.vc-jwt").read_text(encoding="utf-8").strip(),
        "[1, 2, 3]",
        '{"no": "credential"}',
        compact(read_json(PEER / "ob3-signed-status7.json")),
        compact(read_json(PEER / "ob3-signed-status8.json")),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = microcred("verify", "--jsonl", batch, "--document", STATUS_LIST)
    assert run.code == 1
    assert run.stderr == ""
    verdicts = run.jsonl()
    assert all(isinstance(v, dict) and isinstance(v["verified"], bool) for v in verdicts)
    assert [v["verified"] for v in verdicts] == [
        True,
        False,
        False,
        True,
        False,
        False,
        False,
        True,
    ]


def test_jsonl_exits_0_only_when_every_line_verifies() -> None:
    good = [compact(read_json(PEER / "ob3-signed.json")), (PEER / "ob3.vc-jwt").read_text().strip()]
    run = microcred("verify", "--jsonl", "-", stdin="\n".join(good) + "\n")
    assert run.code == 0, run.stdout
    assert [v["verified"] for v in run.jsonl()] == [True, True]
