"""bench/js/bench.mjs runs on the harness install and reports what it measured (not timed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from interop.peer import JsPeer

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "tests" / "vectors" / "js-peer-issued"


def test_bench_script_signs_and_verifies(js_peer: JsPeer) -> None:
    proc = subprocess.run(
        [
            js_peer.node,
            str(ROOT / "bench" / "js" / "bench.mjs"),
            "--peer-dir",
            str(js_peer.home),
            "--key",
            str(JS / "issuer-key.json"),
            "--n",
            "3",
            str(JS / "ob3-unsigned.json"),
            str(JS / "ob3-unsigned-status8.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["n"], report["credentials"], report["verified"]) == (3, 2, 3)
    assert report["sign_per_s"] > 0
    assert report["verify_per_s"] > 0
