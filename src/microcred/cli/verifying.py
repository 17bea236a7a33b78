"""``microcred verify``: verify what was presented, offline by default, and explain the result.

Anything :mod:`microcred.core.verify.inputs` reads: a JSON credential, a VC-JWT, a presentation,
a baked PNG/SVG (OB 3.0 §5.3, OB 2.0 baking), an Open Badges 2.0 assertion, and the registered
containers (offline bundle, PDF certificate). Open Badges 2.0 documents come from ``--document``
copies, or with ``--online`` through the guarded fetcher; otherwise those checks are skipped.

Exit codes: 0 verified, 1 not verified, 2 unusable input (unreadable file, bad options).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any

import typer

from microcred.cli.inputs import (
    dump_json,
    naming,
    parse_documents,
    read_bytes,
    read_controller_documents,
)
from microcred.cli.registry import load_registry_file
from microcred.core.did.fetch import Fetcher
from microcred.core.did.resolver import Resolver
from microcred.core.formats.ob2 import documents_fetcher
from microcred.core.jsonld.loader import default_loader
from microcred.core.verify.checks import parse_datetime
from microcred.core.verify.inputs import read_presented
from microcred.core.verify.pipeline import Verifier
from microcred.core.verify.report import CheckResult, Outcome, VerificationReport
from microcred.errors import InvalidInputError
from microcred.service.presented import Report, verify_read

_MARK = {Outcome.PASSED: "✔", Outcome.FAILED: "✘", Outcome.SKIPPED: "–"}


def build_verifier(
    *,
    did_docs: list[str],
    documents: list[str],
    now: str | None,
    check_status: bool = True,
    registry: str | None = None,
) -> Verifier:
    """A Verifier that knows only what was given locally: it never reaches the network
    (``registry``: a trust registry file, JSON/CSV or a signed list, for the informative
    ``trusted provider`` check)."""
    docs = parse_documents(documents)
    controllers = read_controller_documents(did_docs)
    clock_value: datetime | None = None
    if now is not None:
        clock_value = parse_datetime(now)
        if clock_value is None:
            raise InvalidInputError(f"--now {now!r}: expected a date-time with a time zone")
    fixed = clock_value
    verifier = Verifier(
        loader=default_loader().with_documents(docs),
        resolver=Resolver(documents=controllers),
        status_lists=docs.get,
        check_status=check_status,
        trust=load_registry_file(registry).trust_of if registry else None,
    )
    return verifier if fixed is None else replace(verifier, clock=lambda: fixed)


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


def render_any(report: Report) -> str:
    """A credential's report, or a presentation's with one block per credential."""
    if isinstance(report, VerificationReport):
        return render(report)
    head = "VERIFIED" if report.verified else "NOT VERIFIED"
    lines = [f"{head}: presentation" + (f" by {report.holder}" if report.holder else "")]
    for check in report.checks:
        note = "" if check.required else " (informative)"
        lines.append(f"  {_MARK[check.outcome]} {check.name}{note}: {check.reason}")
    for number, credential in enumerate(report.credentials, start=1):
        lines.append(f"credential {number}:")
        lines.extend("  " + line for line in render(credential).splitlines())
    return "\n".join(lines)


def _fetcher(*, online: bool, documents: list[str]) -> Fetcher | None:
    """The guarded fetcher with ``--online``; local ``--document`` copies otherwise (or none)."""
    local = parse_documents(documents)
    if online:
        from microcred.config import Settings
        from microcred.net.fetcher import fetcher_from_settings

        remote = fetcher_from_settings(Settings())
        if not local:
            return remote

        def fetch(url: str) -> bytes:
            return documents_fetcher(local)(url) if url in local else remote(url)

        return fetch
    return documents_fetcher(local) if local else None


def verify_command(
    source: Annotated[
        str,
        typer.Argument(
            help="credential, presentation, baked PNG/SVG, OB 2.0 assertion, bundle or PDF "
            "(FILE, or - for stdin)"
        ),
    ] = "-",
    json_output: Annotated[
        bool, typer.Option("--json", help="print the full report as JSON")
    ] = False,
    did_doc: Annotated[
        list[str] | None, typer.Option("--did-doc", help="a DID or controller document (FILE)")
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option(
            "--document",
            help="URL=FILE: a local copy of a context, status list or OB 2.0 document",
        ),
    ] = None,
    now: Annotated[str | None, typer.Option(help="verify as of this date-time (ISO 8601)")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="one credential per line")] = False,
    online: Annotated[
        bool,
        typer.Option(
            "--online", help="fetch Open Badges 2.0 documents through the guarded HTTP client"
        ),
    ] = False,
    recipient: Annotated[
        str | None,
        typer.Option(help="the recipient's identity (e.g. e-mail) to check an OB 2.0 badge"),
    ] = None,
    registry: Annotated[
        str | None,
        typer.Option(help="a trust registry FILE (JSON/CSV or a signed list): trusted provider?"),
    ] = None,
) -> None:
    """Verify a credential offline: structure, contexts, proofs, issuer key, validity, status."""
    verifier = build_verifier(
        did_docs=did_doc or [], documents=document or [], now=now, registry=registry
    )
    data = read_bytes(source)
    if jsonl:
        all_ok = True
        for number, line in enumerate(data.splitlines(), start=1):
            report = verify_line(verifier, line)
            all_ok &= report.verified
            typer.echo(dump_json(verdict_line(number, report), compact=True))
        raise typer.Exit(0 if all_ok else 1)
    fetcher = _fetcher(online=online, documents=document or [])
    with naming(source):  # unusable input: exit 2
        presented = read_presented(data, filename=None if source == "-" else source)
    result = verify_read(presented, verifier=verifier, fetcher=fetcher, recipient=recipient)
    if json_output:
        typer.echo(dump_json({"presented": presented.source, **result.to_dict()}))
    else:
        plain = presented.source in ("JSON", "text")
        typer.echo(render_any(result) + ("" if plain else f"\n  read from: {presented.source}"))
    raise typer.Exit(0 if result.verified else 1)
