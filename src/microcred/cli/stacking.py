"""``microcred stack evaluate RULES --wallet DIR|LEARNER``: how far a learner is on a pathway.

``DIR``: a folder of credential files (``*.json``, ``*.jwt``), each verified offline first
(``--did-doc``, ``--document``, ``--registry`` as for ``microcred verify``). ``LEARNER``: a
learner account (e-mail or id) in the database, whose wallet holdings are verified by the
server's verifier. ``--org`` (with the database) adds what credentials count as for that
provider: its own catalogue slugs and its approved recognitions. Only verified credentials
count. Exit code 0 when the rules are met, 1 when not, 2 for unusable input.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from microcred.bootstrap import build
from microcred.cli.inputs import dump_json, read_bytes
from microcred.cli.server import DatabaseOption, settings_with
from microcred.cli.verifying import build_verifier
from microcred.core.stacking.evaluate import evaluate, render_text
from microcred.core.stacking.evidence import evidence_of
from microcred.core.stacking.rules import parse_rules
from microcred.core.verify.parse import parse_credential_input
from microcred.errors import InvalidInputError
from microcred.service.stacking import credentials_in, holdings_evidence
from microcred.service.trust_ports import TrustUnitOfWork
from microcred.store import SqlUnitOfWork

stack_app = typer.Typer(
    help="Stacked credentials: pathways over micro-credentials.", no_args_is_help=True
)
_SUFFIXES = (".json", ".jsonld", ".jwt", ".txt")


def wallet_files(folder: Path) -> list[Any]:
    """The credentials in ``folder``, by file name; a file that cannot be read is an error."""
    found: list[Any] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES):
        try:
            found.append(parse_credential_input(read_bytes(str(path))))
        except InvalidInputError as exc:
            raise InvalidInputError(f"wallet {path.name}: {exc}") from None
    return found


def _learner_holdings(tx: TrustUnitOfWork, learner: str) -> list[str]:
    holdings_port: Any = getattr(tx, "holdings", None)
    learners: Any = getattr(tx, "learners", None)
    if holdings_port is None or learners is None:
        raise InvalidInputError("this database has no learner wallets")
    account = learners.get(learner) or learners.by_email(learner.lower())
    if account is None:
        raise InvalidInputError(f"--wallet {learner!r}: no such folder or learner account")
    return [h.credential for h in holdings_port.list_for(account.id)]


@stack_app.command("evaluate")
def stack_evaluate(
    rules: Annotated[Path, typer.Argument(help="rules file (YAML or JSON)")],
    wallet: Annotated[str, typer.Option(help="folder of credential files, or a learner account")],
    org: Annotated[
        str | None, typer.Option(help="provider (slug or id) whose slugs and recognitions apply")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    registry: Annotated[
        str | None, typer.Option("--registry", help="trust registry FILE (offline)")
    ] = None,
    did_doc: Annotated[
        list[str] | None, typer.Option("--did-doc", help="a DID or controller document (FILE)")
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", help="URL=FILE: a local copy of a context or status list"),
    ] = None,
    now: Annotated[str | None, typer.Option(help="verify as of this date-time (ISO 8601)")] = None,
    database: DatabaseOption = None,
) -> None:
    """Evaluate a pathway's rules over a learner's verified credentials and explain it."""
    ruleset = parse_rules(read_bytes(str(rules), what="rules file"))
    folder = Path(wallet)
    if folder.is_dir():
        credentials: list[Any] = wallet_files(folder)
        verify = build_verifier(
            did_docs=did_doc or [], documents=document or [], now=now, registry=registry
        ).verify
        container = build(settings_with(database=database)) if org else None
    else:
        container = build(settings_with(database=database))
        verify = container.verifier().verify
        with SqlUnitOfWork(container.engine) as tx:
            credentials = credentials_in(_learner_holdings(tx, wallet))
    organisation_id = ""
    uow = partial(SqlUnitOfWork, container.engine) if container else None
    if org and uow is not None:
        with uow() as tx:
            found = tx.organisations.by_slug(org) or tx.organisations.get(org)
        if found is None:
            raise typer.BadParameter(f"no organisation {org!r}", param_hint="--org")
        organisation_id = found.id
    if uow is not None and organisation_id:
        with uow() as tx:
            evidence = holdings_evidence(
                tx,
                organisation_id,
                credentials,
                verify=verify,
                base_url=container.base_url if container else None,
            )
    else:
        if any(not isinstance(c, dict) for c in credentials):
            raise InvalidInputError("wallet: give JSON credentials, not VC-JWTs")
        evidence = tuple(evidence_of(c, verified=verify(c).verified) for c in credentials)
    result = evaluate(ruleset, evidence)
    typer.echo(
        dump_json({**result.to_dict(), "evidence": [e.to_dict() for e in evidence]})
        if json_output
        else render_text(result)
    )
    raise typer.Exit(0 if result.met else 1)
