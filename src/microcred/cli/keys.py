"""``microcred keys``: Ed25519 signing keys as Multikey (W3C CID 1.0 §2.2.2) and did:key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from microcred.cli.inputs import dump_json, naming, read_json
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.errors import InvalidInputError

keys_app = typer.Typer(help="Generate and inspect signing keys.", no_args_is_help=True)


def load_key(path: str) -> Ed25519KeyPair:
    """A key pair from a key file (``secretKeyMultibase`` or the W3C ``privateKeyMultibase``)."""
    key_json = read_json(path, what="key file")
    with naming(f"key file {path}"):
        return Ed25519KeyPair.from_json(key_json)


def write_secret(path: Path, text: str, *, force: bool) -> None:
    """Create ``path`` with mode 0600 (a replaced file too: it never keeps a looser mode)."""
    if path.is_dir():
        raise InvalidInputError(f"{path}: is a folder")
    if force and (path.exists() or path.is_symlink()):
        path.unlink()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInputError(f"{path}: already exists (use --force to overwrite)") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        handle.write(text)


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
    write_secret(out, text, force=force)
    typer.echo(f"wrote {out}", err=True)


@keys_app.command("show")
def show(key: Annotated[str, typer.Argument(help="key file")]) -> None:
    """Print the public half of a key file: its DID and publicKeyMultibase."""
    typer.echo(dump_json(load_key(key).to_json(include_secret=False)))
