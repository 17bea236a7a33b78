"""``microcred contexts``: the bundled JSON-LD contexts, for offline verifiers elsewhere."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated

import typer

from microcred.cli.inputs import dump_json
from microcred.core.jsonld.loader import bundled_contexts

contexts_app = typer.Typer(help="Bundled JSON-LD contexts.", no_args_is_help=True)


def file_name_for(url: str) -> str:
    """A safe, readable file name for a context URL."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", url.split("://", 1)[-1]).strip("_")
    return stem if stem.endswith((".json", ".jsonld")) else stem + ".jsonld"


@contexts_app.command("export")
def export(directory: Annotated[Path, typer.Argument(help="folder to write into")]) -> None:
    """Write every bundled context and an index.json (URL -> file, with sha256)."""
    directory.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict[str, str]] = {}
    for url, data in sorted(bundled_contexts().items()):
        name = file_name_for(url)
        (directory / name).write_bytes(data)
        index[url] = {"file": name, "sha256": hashlib.sha256(data).hexdigest()}
    (directory / "index.json").write_text(dump_json(index) + "\n", encoding="utf-8")
    typer.echo(f"wrote {len(index)} contexts and index.json to {directory}", err=True)


@contexts_app.command("list")
def list_contexts() -> None:
    """List the URL of every bundled context."""
    for url in sorted(bundled_contexts()):
        typer.echo(url)
