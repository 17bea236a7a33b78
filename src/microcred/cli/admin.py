"""``microcred org create``, ``bulk-issue``, ``revoke``: an operator's verbs on the server.

Whoever runs these holds the database and the master key, so they act as the owner of the
organisation they name (``--org``, a slug or an id); every action is in the audit log as
``cli:operator``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from microcred.bootstrap import Container, build
from microcred.cli.inputs import read_bytes
from microcred.cli.server import DatabaseOption, operator, print_json, settings_with
from microcred.service import organisations, status_lists
from microcred.service.bulk import ChunkOutcome, run_bulk_job, start_bulk_job
from microcred.service.errors import NotFound
from microcred.service.records import CatalogueVersion, Principal
from microcred.service.signing_keys import issuer_did

org_app = typer.Typer(help="Organisations (tenants).", no_args_is_help=True)


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Option(help="legal name")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 country code")],
    url: Annotated[str | None, typer.Option(help="web site")] = None,
    slug: Annotated[str | None, typer.Option(help="short name in URLs")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print id, did and api_key")] = False,
    database: DatabaseOption = None,
) -> None:
    """Create an organisation with its first signing key and owner API key (shown once)."""
    container = build(settings_with(database=database))
    org, key = organisations.create_organisation(
        name=name, country=country, url=url, slug=slug, actor="cli:operator", **container.ports
    )
    did = issuer_did(org.id, uow=container.uow, base_url=container.base_url)
    if json_output:
        print_json({"id": org.id, "slug": org.slug, "did": did, "api_key": key})
        return
    typer.echo(f"created {org.legal_name} ({org.slug}), issuing as {did}")
    typer.echo(f"owner API key (shown once): {key}")


def published_version(container: Container, principal: Principal, achievement: str) -> str:
    """The version to issue from: a version id, or an entry id/slug's published version."""
    with container.uow() as tx:
        version: CatalogueVersion | None = tx.catalogue.get_version(achievement)
        if version is None:
            entry = tx.catalogue.get_entry(achievement) or tx.catalogue.entry_by_slug(
                principal.organisation_id, achievement
            )
            if entry is not None and entry.published_version is not None:
                version = tx.catalogue.version_of(entry.id, entry.published_version)
    if version is None or version.organisation_id != principal.organisation_id:
        raise NotFound(f"no published micro-credential {achievement!r} in this organisation")
    return version.id


def bulk_issue_command(
    file: Annotated[Path, typer.Argument(help="CSV (or XLSX) file, one learner per row")],
    org: Annotated[str, typer.Option(help="organisation slug or id")],
    achievement: Annotated[str, typer.Option(help="catalogue entry (slug or id) or version id")],
    database: DatabaseOption = None,
) -> None:
    """Issue one award per valid row; bad rows are reported; re-running issues nothing twice."""
    container = build(settings_with(database=database))
    principal = operator(container, org)
    version_id = published_version(container, principal, achievement)
    job = start_bulk_job(
        principal, version_id, read_bytes(str(file)), file.name, ctx=container.bulk_direct
    )
    for problem in job.report.get("problems", []):
        typer.echo(f"row {problem['row']}, {problem['column']}: {problem['reason']}", err=True)
    valid = job.total - job.report.get("invalid_rows", 0)
    with Progress(
        TextColumn("issuing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as bar:
        task = bar.add_task("issuing", total=valid)

        def advance(outcome: ChunkOutcome) -> None:
            bar.advance(task, outcome.issued + outcome.skipped + len(outcome.problems))

        done = run_bulk_job(job.id, ctx=container.bulk_direct, on_progress=advance)
    typer.echo(
        f"job {done.id}: {done.issued} issued, {done.skipped} already issued before, "
        f"{done.failed} failed, {done.total} rows ({done.state})"
    )
    if done.failed or done.state != "finished":
        raise typer.Exit(1)


def revoke_command(
    credential: Annotated[str, typer.Argument(help="credential id (or award id)")],
    org: Annotated[str, typer.Option(help="organisation slug or id")],
    reason: Annotated[str | None, typer.Option(help="kept privately in the audit log")] = None,
    database: DatabaseOption = None,
) -> None:
    """Revoke an award: its bit is set in the status list, which is re-signed."""
    container = build(settings_with(database=database))
    principal = operator(container, org)
    with container.uow() as tx:
        award = tx.awards.by_credential_id(credential) or tx.awards.get(credential)
    if award is None or award.organisation_id != principal.organisation_id:
        raise NotFound(f"no credential {credential!r} in this organisation")
    done = status_lists.revoke(
        principal,
        award.id,
        reason=reason,
        uow=container.uow,
        clock=container.ports["clock"],
        rng=container.ports["rng"],
        publisher=container.publisher,
    )
    typer.echo(f"revoked {done.credential_id}")
