"""``microcred bake`` / ``microcred unbake``: a credential inside its badge image and back.

OB 3.0 §5.3 (Baking): PNG ``iTXt`` ``openbadgecredential``, SVG ``<openbadges:credential>``.
Unbaking also reads Open Badges 2.0 bakes. Exit code 2 for unusable input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from microcred.cli.inputs import naming, read_bytes
from microcred.core.formats.baking import bake, unbake
from microcred.core.verify.inputs import classify_text
from microcred.errors import InvalidInputError

_WHAT = {"presentation": "a presentation", "ob2": "an Open Badges 2.0 assertion"}


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{what}: not UTF-8 text") from None


def _write(out: str, data: bytes) -> None:
    if out == "-":
        typer.get_binary_stream("stdout").write(data)
        return
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise InvalidInputError(f"--out {out}: cannot write it ({exc.strerror or exc})") from None


def bake_command(
    credential: Annotated[str, typer.Argument(help="signed credential (JSON or VC-JWT) FILE")],
    image: Annotated[str, typer.Option("--image", help="the badge image, PNG or SVG (FILE)")],
    out: Annotated[str, typer.Option("--out", help="where to write the baked image (FILE)")],
) -> None:
    """Bake a signed OB 3.0 credential into a PNG or SVG badge image (OB 3.0 §5.3)."""
    text = _text(read_bytes(credential, what="credential"), f"credential {credential}")
    with naming(f"credential {credential}"):
        presented = classify_text(text, source="credential")
    if presented.kind not in ("credential", "jwt"):
        raise InvalidInputError(
            f"credential {credential}: {_WHAT[presented.kind]} cannot be baked; "
            "only Open Badges 3.0 credentials are (Open Badges 2.0 is read-only)"
        )
    picture = read_bytes(image, what="image")
    with naming(f"image {image}"):
        baked = bake(picture, presented.text)
    _write(out, baked)
    if out != "-":
        typer.echo(f"baked {credential} into {out} ({len(baked):,} bytes)")


def unbake_command(
    file: Annotated[str, typer.Argument(help="a baked PNG or SVG badge image, or - for stdin")],
    out: Annotated[
        str, typer.Option("--out", help="write the credential to FILE (default: stdout)")
    ] = "-",
) -> None:
    """Print the credential baked into a PNG or SVG image, exactly as embedded."""
    data = read_bytes(file, what="image")
    with naming(file):
        found = unbake(data)
    if out == "-":
        typer.echo(found.text)
    else:
        _write(out, found.text.encode("utf-8"))
