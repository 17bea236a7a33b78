"""``microcred registry import FILE``: fill the platform's trust registry from JSON or CSV.

The file is a JSON array of providers (or ``{"providers": [...]}``, or a signed
``TrustedProviderList``), or CSV with a header naming the fields ``did, legal_name, country,
qa_type, accrediting_body, valid_from[, valid_until]``. All rows or none are imported; every
bad row is reported with its number. Whoever runs this holds the database: the local operator.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from microcred.bootstrap import build
from microcred.cli.inputs import read_bytes
from microcred.cli.server import DatabaseOption, settings_with
from microcred.core.trust.registry import TrustRegistry, parse_registry
from microcred.service import registry
from microcred.service.trust_ports import TrustUnitOfWorkFactory
from microcred.store import SqlUnitOfWork

registry_app = typer.Typer(help="The trust registry of accredited providers.", no_args_is_help=True)


def load_registry_file(path: str) -> TrustRegistry:
    """A registry from a local JSON, CSV or signed-list file (for offline verification).

    A signed list's own proof is not checked here: verify it with ``microcred verify``."""
    return TrustRegistry(tuple(parse_registry(read_bytes(path, what="registry"), name=path)))


@registry_app.command("import")
def registry_import(
    file: Annotated[Path, typer.Argument(help="JSON or CSV file of accredited providers")],
    database: DatabaseOption = None,
) -> None:
    """Import accredited providers into the database's trust registry (as the operator)."""
    container = build(settings_with(database=database))
    uow: TrustUnitOfWorkFactory = partial(SqlUnitOfWork, container.engine)
    added, skipped = registry.import_entries(
        None,
        read_bytes(str(file), what="registry"),
        name=file.name,
        admins=(),
        uow=uow,
        clock=container.ports["clock"],
        rng=os.urandom,
    )
    typer.echo(f"imported {len(added)} providers ({skipped} already in the registry)")
