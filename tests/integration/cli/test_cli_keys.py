"""``microcred keys generate``: Multikey Ed25519 keys (CID 1.0 §2.2.2) and their did:key."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from cli_harness import W3C_KEY, error_line, microcred, read_json


def _assert_key(key: dict[str, Any]) -> None:
    assert set(key) == {"did", "publicKeyMultibase", "secretKeyMultibase"}
    assert key["did"] == "did:key:" + key["publicKeyMultibase"]
    assert key["publicKeyMultibase"].startswith("z6Mk")  # base58btc, Ed25519 public (0xed01)
    assert key["secretKeyMultibase"].startswith("z3u2")  # base58btc, Ed25519 secret (0x8026)


def test_generate_prints_a_new_key_each_time() -> None:
    first, second = microcred("keys", "generate"), microcred("keys", "generate")
    assert first.code == second.code == 0
    _assert_key(first.json())
    _assert_key(second.json())
    assert first.json()["secretKeyMultibase"] != second.json()["secretKeyMultibase"]


def test_generate_out_writes_a_0600_file_and_prints_no_secret(tmp_path: Path) -> None:
    out = tmp_path / "key.json"
    run = microcred("keys", "generate", "--out", out)
    assert run.code == 0, run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    key = read_json(out)
    _assert_key(key)
    assert key["secretKeyMultibase"] not in run.stdout + run.stderr
    shown = microcred("keys", "show", out)  # the file reads back as the same key pair
    assert shown.json() == {"did": key["did"], "publicKeyMultibase": key["publicKeyMultibase"]}


def test_generate_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "key.json"
    out.write_text("precious\n", encoding="utf-8")
    line = error_line(microcred("keys", "generate", "--out", out))
    assert "already exists" in line and "--force" in line
    assert out.read_text(encoding="utf-8") == "precious\n"


def test_generate_force_overwrites_and_tightens_the_mode(tmp_path: Path) -> None:
    out = tmp_path / "key.json"
    out.write_text("{}", encoding="utf-8")
    out.chmod(0o644)
    run = microcred("keys", "generate", "--out", out, "--force")
    assert run.code == 0, run.stderr
    _assert_key(read_json(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_force_replaces_a_symlink_instead_of_writing_through_it(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched\n", encoding="utf-8")
    link = tmp_path / "key.json"
    link.symlink_to(target)
    error_line(microcred("keys", "generate", "--out", link))
    assert microcred("keys", "generate", "--out", link, "--force").code == 0
    assert target.read_text(encoding="utf-8") == "untouched\n"
    assert not link.is_symlink()
    _assert_key(read_json(link))


def test_w3c_vector_key_file_with_private_key_multibase_is_accepted() -> None:
    run = microcred("keys", "show", W3C_KEY)
    assert run.code == 0, run.stderr
    public = json.loads(W3C_KEY.read_text(encoding="utf-8"))["publicKeyMultibase"]
    assert run.json() == {"did": "did:key:" + public, "publicKeyMultibase": public}
