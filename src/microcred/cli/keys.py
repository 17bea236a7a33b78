"""``microcred keys``: Ed25519 signing keys as Multikey (W3C CID 1.0 §2.2.2) and did:key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from microcred.cli.inputs import dump_json, read_json
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.errors import InvalidInputError

keys_app = typer.Typer(help="Generate and inspect signing keys.", no_args_is_help=True)


def load_key(path: str) -> Ed25519KeyPair:
    """A key pair from a key file (``secretKeyMultibase`` or the W3C ``privateKeyMultibase``)."""
    return Ed25519KeyPair.from_json(read_json(path, what="key file"))


@keys_app.command("generate")
def generate(
    out: Annotated[Path | None, typer.Option(help="write the key here (mode 0600)")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Generate an Ed25519 key: {"did", "publicKeyMultibase", "secretKeyMultibase"}."""
    text = dump_json(Ed25519KeyPair.generate().to_json(include_secret=True)) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    if out.exists() and not force:
        raise InvalidInputError(f"{out}: already exists (use --force to overwrite)")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    typer.echo(f"wrote {out}", err=True)


@keys_app.command("show")
def show(key: Annotated[str, typer.Argument(help="key file")]) -> None:
    """Print the public half of a key file: its DID and publicKeyMultibase."""
    typer.echo(dump_json(load_key(key).to_json(include_secret=False)))
