"""``microcred contexts export`` (the bundled JSON-LD contexts, for offline verifiers elsewhere)
and ``microcred demo`` (issue and verify in one go, nothing to set up)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cli_harness import microcred, read_json


def test_contexts_export_writes_every_context_and_a_matching_index(tmp_path: Path) -> None:
    out = tmp_path / "contexts"
    run = microcred("contexts", "export", out)
    assert run.code == 0, run.stderr
    index = read_json(out / "index.json")
    listed = microcred("contexts", "list").stdout.split()
    assert sorted(index) == sorted(listed)  # every bundled context
    for url in (
        "https://w3id.org/microcred/v1",
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ):
        assert url in index
    files = [entry["file"] for entry in index.values()]
    assert len(set(files)) == len(files)  # no two URLs share (overwrite) a file
    assert sorted(p.name for p in out.iterdir()) == sorted([*files, "index.json"])
    for url, entry in index.items():
        data = (out / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url
        assert "@context" in json.loads(data), url
    microcred_context = read_json(out / index["https://w3id.org/microcred/v1"]["file"])
    assert microcred_context["@context"]


def test_demo_issues_and_verifies_offline(tmp_path: Path) -> None:
    run = microcred("demo", "--out", tmp_path / "demo", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert "VERIFIED: Data Protection by Design" in run.stdout
    assert "NOT VERIFIED, as it should be" in run.stdout
    made = {p.name for p in (tmp_path / "demo").iterdir()}
    assert made == {"credential.json", "credential-tampered.json", "issuer-key.public.json"}
    assert "secretKeyMultibase" not in read_json(tmp_path / "demo" / "issuer-key.public.json")
    check = microcred("verify", tmp_path / "demo" / "credential.json")
    assert check.code == 0
    assert microcred("verify", tmp_path / "demo" / "credential-tampered.json").code == 1
