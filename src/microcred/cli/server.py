"""``microcred serve``, ``db upgrade``, ``worker``: running an issuer service.

``serve`` on a fresh machine creates the SQLite database under ``var/``, a master key, and (unless
``--no-seed``) a demo issuer with the example catalogue, then serves the HTTP API and the public
pages. Options override the ``MICROCRED_*`` settings.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Annotated, Any, cast

import typer

from microcred.bootstrap import Container, build, build_app
from microcred.config import Settings
from microcred.service import accounts, catalogue, organisations, registry, users
from microcred.service.api_keys import authenticate
from microcred.service.records import Principal
from microcred.service.signing_keys import load_issuer_identity
from microcred.service.trust_ports import TrustUnitOfWorkFactory

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DEMO_KEY_FILE = "demo-owner-api-key.txt"
DEMO_STAFF_FILE = "demo-staff-login.txt"
DEMO_STAFF_EMAIL = "owner@demo.microcred.example"

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", help="database URL (default: MICROCRED_DATABASE_URL or SQLite)"),
]
db_app = typer.Typer(help="Database administration.", no_args_is_help=True)


def settings_with(*, database: str | None = None, **overrides: Any) -> Settings:
    """The settings from the environment, with command-line options on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    if database is not None:
        given["database_url"] = database
    return Settings(**given)


def operator(container: Container, organisation: str) -> Principal:
    """The local operator acting as owner of ``organisation`` (slug or id): whoever runs the CLI
    on the server already holds the database and the master key."""
    with container.uow() as tx:
        found = tx.organisations.by_slug(organisation) or tx.organisations.get(organisation)
    if found is None:
        raise typer.BadParameter(f"no organisation {organisation!r}", param_hint="--org")
    return Principal(organisation_id=found.id, role="owner", actor="cli:operator")


def seed_demo(container: Container) -> str | None:
    """On an empty database: a demo issuer and the example catalogue, published.

    Returns the demo owner's API key (also written to ``<data_dir>/demo-owner-api-key.txt``,
    mode 0600), or None when the database already had organisations.
    """
    with container.uow() as tx:
        if tx.organisations.list():
            return None
    _, key = organisations.create_organisation(
        name="Demo University",
        country="IE",
        url="https://demo.microcred.example",
        slug="demo-university",
        **container.ports,
    )
    owner = authenticate(key, uow=container.uow)
    for example in sorted(EXAMPLES.glob("*.yaml")):
        _, version = catalogue.create_entry(
            owner, description=example.read_text(encoding="utf-8"), **container.ports_writes
        )
        catalogue.publish_version(owner, version.id, **container.ports_writes)
    _write_private(container.settings.data_dir / DEMO_KEY_FILE, key + "\n")
    seed_demo_staff(container, owner)
    seed_demo_registry(container, owner)
    return key


DEMO_ACCREDITING_BODY = "Demo Accreditation Agency (fictitious, for the demo only)"


def seed_demo_registry(container: Container, owner: Principal) -> str:
    """The demo issuer in the trust registry (institutional quality assurance by a fictitious
    accrediting body, marked as demo), so verification reports show "trusted provider" out of
    the box (docs/trust-registry.md). Returns the DID registered."""
    with container.uow() as tx:
        identity = load_issuer_identity(
            tx, owner.organisation_id, cipher=container.cipher, base_url=container.base_url
        )
    registry.add_entry(
        None,
        {
            "did": identity.did,
            "legal_name": identity.organisation.legal_name + " (demo)",
            "country": "IE",
            "qa_type": "institutional-qa",
            "accrediting_body": DEMO_ACCREDITING_BODY,
            "valid_from": "2020-01-01",
        },
        admins=(),
        uow=cast(TrustUnitOfWorkFactory, container.uow),
        clock=container.ports_writes["clock"],
        rng=container.ports_writes["rng"],
    )
    return identity.did


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def seed_demo_staff(container: Container, owner: Principal) -> tuple[str, str]:
    """The demo issuer's owner as a person who signs in: (e-mail, random password), written to
    ``<data_dir>/demo-staff-login.txt`` (mode 0600)."""
    email, password = DEMO_STAFF_EMAIL, secrets.token_urlsafe(12)
    person = users.add_user(
        owner, email=email, name="Demo Owner", role="owner", **container.ports_writes
    )
    accounts.set_staff_password(
        principal=owner, user_id=person.id, password=password, **container.ports_writes
    )
    _write_private(container.settings.data_dir / DEMO_STAFF_FILE, f"{email} / {password}\n")
    return email, password


def serve_command(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
    database: DatabaseOption = None,
    base_url: Annotated[
        str | None, typer.Option(help="public https URL: organisations become did:web issuers")
    ] = None,
    seed: Annotated[bool, typer.Option(help="create the demo issuer on an empty database")] = True,
) -> None:
    """Run the issuer service: HTTP API, VC API, public catalogue, status lists, DID documents."""
    import logging

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    settings = settings_with(database=database, host=host, port=port, base_url=base_url)
    container = build(settings)
    key = seed_demo(container) if seed and settings.seed_demo else None
    where = f"http://{settings.host}:{settings.port}"
    typer.echo(f"microcred on {where}  (API docs: {where}/docs, catalogue: {where}/catalogue)")
    typer.echo(f"database: {container.database_url}")
    if key:
        typer.echo(
            f"demo issuer created; its owner API key (also in {settings.data_dir / DEMO_KEY_FILE}):"
        )
        typer.echo(f"  {key}")
        login = (settings.data_dir / DEMO_STAFF_FILE).read_text(encoding="utf-8").strip()
        typer.echo(f"staff sign-in: {login}  (also in {settings.data_dir / DEMO_STAFF_FILE})")
    uvicorn.run(build_app(container), host=settings.host, port=settings.port, log_level="info")


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Create or upgrade the database schema (Alembic migrations, and the job queue's tables)."""
    settings = settings_with(database=database)
    container = build(settings, migrate=True)
    typer.echo(f"database {container.database_url} is up to date", err=True)


def worker_command(
    database: DatabaseOption = None,
    concurrency: Annotated[int, typer.Option(help="jobs run at once")] = 1,
) -> None:
    """Run a worker on the PostgreSQL job queue: bulk issuance chunks and webhook deliveries
    (start as many as you like, on one or many machines)."""
    from microcred.jobs.pg_queue import ProcrastinateQueue

    container = build(settings_with(database=database), migrate=False)
    if not isinstance(container.queue, ProcrastinateQueue):
        raise typer.BadParameter(
            "workers need PostgreSQL; on SQLite the server runs bulk jobs itself",
            param_hint="--database",
        )
    container.webhook_runner.start()  # deliveries are claimed, so several workers are safe
    try:
        container.queue.run_worker(concurrency=concurrency)
    finally:
        container.webhook_runner.stop()


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
