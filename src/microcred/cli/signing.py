"""``microcred sign``: secure an unsigned credential with Data Integrity or VC-JWT."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from microcred.cli.inputs import dump_json, naming, read_bytes
from microcred.cli.keys import load_key
from microcred.core.jsonld.loader import default_loader
from microcred.core.securing import SUITES, secure_credential
from microcred.core.verify.checks import parse_datetime
from microcred.core.verify.parse import parse_json_document
from microcred.errors import InvalidInputError

SuiteOption = Annotated[str, typer.Option(help=f"securing mechanism: {', '.join(SUITES)}")]


def now_z() -> str:
    """The current UTC time as an XSD dateTimeStamp with second precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_created(created: str | None) -> str:
    """``--created``: a date-time with a time zone, or now."""
    if created is None:
        return now_z()
    if parse_datetime(created) is None:
        raise InvalidInputError(f"--created {created!r}: expected a date-time with a time zone")
    return created


def emit(secured: dict[str, Any] | str, *, compact: bool) -> None:
    """Print a secured credential: JSON, or the compact JWS as is."""
    typer.echo(secured if isinstance(secured, str) else dump_json(secured, compact=compact))


def sign_command(
    source: Annotated[str, typer.Argument(help="unsigned credential (JSON), or - for stdin")],
    key: Annotated[str, typer.Option(help="key file (JSON with secretKeyMultibase)")],
    suite: SuiteOption = "eddsa-rdfc-2022",
    created: Annotated[str | None, typer.Option(help="proof creation time (ISO 8601)")] = None,
    verification_method: Annotated[
        str | None, typer.Option(help="verification method URL (default: the key's did:key)")
    ] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="one credential per line in and out")
    ] = False,
) -> None:
    """Sign an unsigned credential; prints the secured credential."""
    if suite not in SUITES:
        raise InvalidInputError(f"--suite {suite!r}: choose one of {', '.join(SUITES)}")
    signer = load_key(key).signer(verification_method)
    when = check_created(created)
    loader = default_loader()
    data = read_bytes(source)
    lines = data.splitlines() if jsonl else [data]
    secured: list[dict[str, Any] | str] = []
    for number, line in enumerate(lines, start=1):  # all or nothing: no partial output
        with naming(f"{source}: line {number}" if jsonl else source):
            document = parse_json_document(line)
            secured.append(
                secure_credential(document, signer=signer, suite=suite, created=when, loader=loader)
            )
    for each in secured:
        emit(each, compact=jsonl)
