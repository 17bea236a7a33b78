"""``microcred demo``: the product in one minute, with nothing to set up.

Creates an issuer key, issues the bundled English example micro-credential to a sample learner,
verifies it, shows that a one-character change is caught, and leaves the files for a look.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from microcred.cli.inputs import dump_json
from microcred.cli.verifying import render
from microcred.core.issuing import issue_award, issuer_profile_for
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.keypair import Ed25519KeyPair
from microcred.core.model import Award, load_description, load_learner
from microcred.core.verify.pipeline import Verifier
from microcred.errors import InvalidInputError

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def demo_command(
    out: Annotated[Path, typer.Option(help="folder for the demo's files")] = Path("var/demo"),
    example: Annotated[str, typer.Option(help="example in examples/")] = (
        "data-protection-by-design.yaml"
    ),
) -> None:
    """Issue a sample EU micro-credential and verify it, offline."""
    spec_path, learner_path = EXAMPLES / example, EXAMPLES / "learner.json"
    if not spec_path.is_file():
        raise InvalidInputError(f"{spec_path}: the demo needs the examples/ folder of a checkout")
    out.mkdir(parents=True, exist_ok=True)
    key = Ed25519KeyPair.generate()
    micro_credential = load_description(spec_path.read_text(encoding="utf-8"))
    learner = load_learner(json.loads(learner_path.read_text(encoding="utf-8")))
    now = datetime.now(UTC).replace(microsecond=0)
    credential = issue_award(
        Award(learner=learner, micro_credential=micro_credential, issued=now),
        issuer=issuer_profile_for(micro_credential, issuer_id=key.did),
        signer=key.signer(),
        suite="eddsa-rdfc-2022",
        created=now.isoformat().replace("+00:00", "Z"),
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        salt=secrets.token_hex(16),
        loader=default_loader(),
    )
    assert isinstance(credential, dict)
    (out / "issuer-key.public.json").write_text(dump_json(key.to_json()) + "\n", encoding="utf-8")
    (out / "credential.json").write_text(dump_json(credential) + "\n", encoding="utf-8")
    typer.echo(f"Issuer (demo key, not saved): {key.did}")
    typer.echo(
        f"Issued {micro_credential.title.best()} to {learner.name}: {out / 'credential.json'}"
    )
    typer.echo("")
    report = Verifier().verify(credential)
    typer.echo(render(report))
    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["achievement"]["name"] += "!"
    (out / "credential-tampered.json").write_text(dump_json(tampered) + "\n", encoding="utf-8")
    verdict = Verifier().verify(tampered)
    typer.echo("")
    typer.echo(
        "A copy with one character added to the title: "
        + ("VERIFIED (unexpected!)" if verdict.verified else "NOT VERIFIED, as it should be")
    )
    typer.echo("")
    typer.echo(f"Try: .venv/bin/microcred verify {out / 'credential.json'} --json")
    if not report.verified or verdict.verified:
        raise typer.Exit(1)
