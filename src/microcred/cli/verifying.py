"""``microcred verify``: verify credentials offline and explain the result.

Exit codes: 0 verified, 1 not verified, 2 unusable input (unreadable file, bad options).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

import typer

from microcred.cli.inputs import dump_json, naming, parse_documents, read_bytes, read_json
from microcred.core.did.resolver import Resolver
from microcred.core.jsonld.loader import default_loader
from microcred.core.verify.checks import parse_datetime
from microcred.core.verify.parse import parse_credential_input
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import CheckResult, Outcome, VerificationReport
from microcred.errors import InvalidInputError

_MARK = {Outcome.PASSED: "✔", Outcome.FAILED: "✘", Outcome.SKIPPED: "–"}


def build_verifier(
    *, did_docs: list[str], documents: list[str], now: str | None, check_status: bool = True
) -> Verifier:
    """A Verifier that knows only what was given locally: it never reaches the network."""
    docs = parse_documents(documents)
    controllers: dict[str, Mapping[str, Any]] = {}
    for file in did_docs:
        doc = read_json(file, what="DID/controller document")
        if not isinstance(doc.get("id"), str):
            raise InvalidInputError(f"DID/controller document {file}: it has no id")
        controllers[doc["id"]] = doc
    clock_value: datetime | None = None
    if now is not None:
        clock_value = parse_datetime(now)
        if clock_value is None:
            raise InvalidInputError(f"--now {now!r}: expected a date-time with a time zone")
    fixed = clock_value
    return Verifier(
        loader=default_loader().with_documents(docs),
        resolver=Resolver(documents=controllers),
        status_lists=docs.get,
        check_status=check_status,
        **({"clock": lambda: fixed} if fixed is not None else {}),
    )


def render(report: VerificationReport) -> str:
    """The report in plain words, one line per check."""
    s = report.summary
    head = "VERIFIED" if report.verified else "NOT VERIFIED"
    what = s.achievement_name or (s.types[-1] if s.types else "credential")
    lines = [f"{head}: {what}"]
    if s.issuer_id:
        by = f"{s.issuer_name} ({s.issuer_id})" if s.issuer_name else s.issuer_id
        lines.append(f"  issued by {by}" + (f" to {s.subject}" if s.subject else ""))
    for check in report.checks:
        note = "" if check.required else " (informative)"
        lines.append(f"  {_MARK[check.outcome]} {check.name}{note}: {check.reason}")
    return "\n".join(lines)


def verdict_line(line_no: int, report: VerificationReport) -> dict[str, Any]:
    """The compact verdict printed per line with ``--jsonl``."""
    return {
        "line": line_no,
        "verified": report.verified,
        "id": report.summary.id,
        "issuer": report.summary.issuer_id,
        "problems": [{"check": c.name, "reason": c.reason} for c in report.failures],
    }


def verify_line(verifier: Verifier, line: bytes) -> VerificationReport:
    """One line of a batch: always a verdict, so one bad line never stops the others."""
    try:
        return verifier.verify(line)
    except Exception as exc:  # a verifier bug on this line; the batch goes on
        reason = f"internal error ({type(exc).__name__}: {exc})"
        return VerificationReport((CheckResult("verifier", Outcome.FAILED, reason),))


def verify_command(
    source: Annotated[
        str, typer.Argument(help="credential file (JSON or JWT), or - for stdin")
    ] = "-",
    json_output: Annotated[
        bool, typer.Option("--json", help="print the full report as JSON")
    ] = False,
    did_doc: Annotated[
        list[str] | None, typer.Option("--did-doc", help="a DID or controller document (FILE)")
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", help="URL=FILE: a local copy of a context or status list"),
    ] = None,
    now: Annotated[str | None, typer.Option(help="verify as of this date-time (ISO 8601)")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="one credential per line")] = False,
) -> None:
    """Verify a credential offline: structure, contexts, proofs, issuer key, validity, status."""
    verifier = build_verifier(did_docs=did_doc or [], documents=document or [], now=now)
    data = read_bytes(source)
    if jsonl:
        all_ok = True
        for number, line in enumerate(data.splitlines(), start=1):
            report = verify_line(verifier, line)
            all_ok &= report.verified
            typer.echo(dump_json(verdict_line(number, report), compact=True))
        raise typer.Exit(0 if all_ok else 1)
    with naming(source):  # unusable input: exit 2
        credential = parse_credential_input(data)
    report = verifier.verify(credential)
    typer.echo(dump_json(report.to_dict()) if json_output else render(report))
    raise typer.Exit(0 if report.verified else 1)
