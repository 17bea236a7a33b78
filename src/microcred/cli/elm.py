"""``microcred export``: one of our credentials as Open Badges 3.0 or Europass (ELM v3) on stdout.

``CREDENTIAL`` is a credential file (``-`` for stdin) or, with ``--database``, the id of a
credential (or award) stored on this server. ``--format elm`` exports a Europass
``EuropeanDigitalCredential`` (core/formats/elm.py); ``--seal FILE`` seals it with JAdES using a
PKCS#12 (``--seal-password`` or ``MICROCRED_SEAL_PASSWORD``) or PEM seal file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from microcred.bootstrap import build
from microcred.cli.inputs import dump_json, naming, read_bytes
from microcred.cli.server import DatabaseOption, settings_with
from microcred.core.formats.elm import elm_from_ob3
from microcred.core.proofs.jades import organization_identifier, seal
from microcred.core.verify.parse import parse_json_document
from microcred.errors import InvalidInputError
from microcred.service.errors import NotFound
from microcred.service.seals import read_seal_file


class ExportFormat(StrEnum):
    """What ``microcred export`` writes."""

    ELM = "elm"
    OB3 = "ob3"


def _credential_text(credential: str, database: str | None) -> str:
    if database is None:
        data = read_bytes(credential, what="credential")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError(f"credential {credential}: not UTF-8 JSON") from None
    container = build(settings_with(database=database))
    with container.uow() as tx:
        award = tx.awards.by_credential_id(credential) or tx.awards.get(credential)
    if award is None:
        raise NotFound(f"no credential or award {credential!r} in the database")
    return award.credential


def export_command(
    credential: Annotated[
        str, typer.Argument(help="credential file ('-' for stdin), or an id with --database")
    ],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="elm (Europass) or ob3")
    ] = ExportFormat.ELM,
    seal_file: Annotated[
        str | None, typer.Option("--seal", help="seal the ELM export: PKCS#12 or PEM seal file")
    ] = None,
    seal_password: Annotated[
        str | None,
        typer.Option(
            "--seal-password",
            envvar="MICROCRED_SEAL_PASSWORD",
            help="password of the seal file (or MICROCRED_SEAL_PASSWORD)",
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Write the credential in the chosen format to stdout (ELM: sealed with --seal)."""
    text = _credential_text(credential, database)
    with naming(f"credential {credential}"):
        document = parse_json_document(text)
    if format is ExportFormat.OB3:
        if seal_file:
            raise InvalidInputError("--seal applies to --format elm only")
        typer.echo(text)
        return
    key = None
    if seal_file:
        with naming(f"seal {seal_file}"):
            key = read_seal_file(read_bytes(seal_file, what="seal"), seal_password)
    legal_identifier = organization_identifier(key.certificate) if key else None
    with naming(f"credential {credential}"):
        exported = elm_from_ob3(document, legal_identifier=legal_identifier)
    if key is None:
        typer.echo(dump_json(exported))
        return
    now = datetime.now(UTC)
    if problem := key.validity_problem(now):
        raise InvalidInputError(f"seal {seal_file}: {problem}")
    payload = dump_json(exported, compact=True).encode("utf-8")
    typer.echo(json.dumps(seal(payload, key, signing_time=now), indent=2))
