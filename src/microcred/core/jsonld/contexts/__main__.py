"""Regenerate ``manifest.json`` from :data:`SOURCES`: ``python -m microcred.core.jsonld.contexts``.

Each bundled file is hashed (SHA-256 of its exact bytes). A file listed in ``SOURCES`` that is not
present is skipped with a warning, so the command can be re-run when it appears.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from microcred.core.jsonld.contexts import MANIFEST_NAME, SOURCES


def build_manifest(directory: Path) -> dict[str, dict[str, str]]:
    """``{url: {"file": name, "sha256": hex}}`` for every listed file in ``directory``."""
    manifest: dict[str, dict[str, str]] = {}
    for url, name in sorted(SOURCES.items()):
        path = directory / name
        if not path.is_file():
            print(f"warning: {name} (for {url}) is missing; skipped", file=sys.stderr)
            continue
        data = path.read_bytes()
        json.loads(data)  # every bundled context must at least be JSON
        manifest[url] = {"file": name, "sha256": hashlib.sha256(data).hexdigest()}
    return manifest


def main() -> None:
    """Write the manifest next to the context files."""
    directory = Path(__file__).resolve().parent
    manifest = build_manifest(directory)
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (directory / MANIFEST_NAME).write_text(text, encoding="utf-8")
    print(f"wrote {len(manifest)} entries to {directory / MANIFEST_NAME}")


if __name__ == "__main__":
    main()
