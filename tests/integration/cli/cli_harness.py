"""Running the real ``microcred`` executable in a subprocess, and the files its tests read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MICROCRED = Path(sys.executable).parent / "microcred"
ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
VECTORS = ROOT / "tests" / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"  # VC-DI-EdDSA 1.0 test vectors (Appendix B)
PEER = VECTORS / "js-peer-issued"  # issued by the reference JavaScript stack
W3C_KEY = W3C / "keyPair.json"  # {"publicKeyMultibase", "privateKeyMultibase"}
W3C_VM = (
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
)
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt")


@dataclass(frozen=True)
class Run:
    """What one ``microcred`` process did."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def jsonl(self) -> list[Any]:
        return [json.loads(line) for line in self.stdout.splitlines()]


def microcred(*args: str | Path, stdin: str | bytes | None = None, cwd: Path | None = None) -> Run:
    """Run ``microcred ARGS`` to completion, never with the debug switch that shows tracebacks."""
    env = {k: v for k, v in os.environ.items() if k != "MICROCRED_DEBUG"}
    proc = subprocess.run(
        [str(MICROCRED), *map(str, args)],
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def error_line(run: Run) -> str:
    """Assert ``run`` failed as unusable input (exit 2) with one clear line; return that line."""
    assert "Traceback" not in run.stderr + run.stdout
    assert run.code == 2, (run.code, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("microcred: error: "), run.stderr
    return lines[0]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def compact(value: Any) -> str:
    """One JSON Lines line."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
