#!/usr/bin/env python3
"""Bootstrap and run microcred from a fresh clone, with nothing but Python 3.11.

    python3 dev.py run    # install into .venv/ (first time only) and run the issuer service
    python3 dev.py test   # install into .venv/ (first time only) and run every check and test

The project installs itself into ``.venv/`` at the repository root; ``.venv/bin/microcred``
is the command-line tool. The install is redone only when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".microcred-installed"


def _run(*cmd: str | Path) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def ensure_venv() -> None:
    """Create .venv and install the project with its dev extras, if pyproject.toml changed."""
    if sys.version_info < (3, 11):
        sys.exit("microcred needs Python 3.11 or newer")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing microcred and its pinned dependencies into .venv/ ...", flush=True)
    pip = [BIN / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if _run(*pip, "-e", ".[dev]") != 0:
        sys.exit("pip install failed")
    STAMP.write_text(wanted)


def cmd_run(args: list[str]) -> int:
    """The product on its embedded default: SQLite under var/, a demo issuer, the examples."""
    return _run(BIN / "microcred", "serve", *args)


def cmd_test(args: list[str]) -> int:
    """Lint, type-check, check the architecture contracts, then run the whole test suite."""
    checks = [
        (BIN / "ruff", "check", "src", "tests", "bench", "dev.py"),
        (BIN / "ruff", "format", "--check", "src", "tests", "bench", "dev.py"),
        (BIN / "mypy",),
        (BIN / "lint-imports",),
    ]
    for check in checks:
        print(
            "$",
            " ".join(Path(str(c)).name if i == 0 else str(c) for i, c in enumerate(check)),
            flush=True,
        )
        if _run(*check) != 0:
            return 1
    workers = os.environ.get("MICROCRED_TEST_WORKERS", "auto")
    code = _run(BIN / "python", "-m", "pytest", "-n", workers, *args)
    if code == 5:
        print("no test ran: that is a failure", file=sys.stderr)
        return 1
    return code


def main() -> int:
    commands = {"run": cmd_run, "test": cmd_test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    ensure_venv()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
