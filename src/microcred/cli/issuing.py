"""``microcred issue``: an Open Badges 3.0 micro-credential from a description, signed."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Annotated

import typer

from microcred.cli.inputs import naming, read_bytes, read_json
from microcred.cli.keys import load_key
from microcred.cli.signing import SuiteOption, check_created, emit
from microcred.core.issuing import issue_award, issuer_profile_for
from microcred.core.jsonld.loader import default_loader
from microcred.core.model import Award, load_description, load_learner
from microcred.core.securing import SUITES
from microcred.core.verify.checks import parse_datetime
from microcred.errors import InvalidInputError


def _datetime_option(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise InvalidInputError(f"{name} {value!r}: expected a date-time with a time zone")
    return parsed


def issue_command(
    spec: Annotated[str, typer.Argument(help="micro-credential description (YAML or JSON)")],
    learner: Annotated[str, typer.Option(help="learner (JSON file)")],
    key: Annotated[str, typer.Option(help="issuer key file")],
    suite: SuiteOption = "eddsa-rdfc-2022",
    issuer: Annotated[
        str | None, typer.Option(help="issuer DID or URL (default: the key's did:key)")
    ] = None,
    verification_method: Annotated[
        str | None, typer.Option(help="verification method URL (default: the key's did:key)")
    ] = None,
    credential_id: Annotated[
        str | None, typer.Option(help="credential id (default: urn:uuid)")
    ] = None,
    created: Annotated[str | None, typer.Option(help="date of issuing (ISO 8601)")] = None,
    valid_until: Annotated[str | None, typer.Option(help="expiry (ISO 8601)")] = None,
    grade: Annotated[str | None, typer.Option(help="grade achieved")] = None,
) -> None:
    """Issue a signed micro-credential; a bad description exits 2 naming the element."""
    if suite not in SUITES:
        raise InvalidInputError(f"--suite {suite!r}: choose one of {', '.join(SUITES)}")
    spec_bytes = read_bytes(spec)
    try:
        spec_text = spec_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{spec}: not UTF-8 text") from None
    with naming(spec):  # every problem, each naming its Annex I element
        micro_credential = load_description(spec_text)
    learner_json = read_json(learner, what="learner file")
    with naming(f"learner file {learner}"):
        person = load_learner(learner_json)
    keypair = load_key(key)
    if issuer is not None and verification_method is None:
        raise InvalidInputError("--issuer needs --verification-method (a key of that issuer)")
    when = check_created(created)
    issued = parse_datetime(when)
    if issued is None:  # check_created accepted it, so this cannot happen
        raise InvalidInputError(f"--created {when!r}: expected a date-time with a time zone")
    award = Award(
        learner=person,
        micro_credential=micro_credential,
        issued=issued,
        grade=grade,
        valid_until=_datetime_option("--valid-until", valid_until),
    )
    secured = issue_award(
        award,
        issuer=issuer_profile_for(micro_credential, issuer_id=issuer or keypair.did),
        signer=keypair.signer(verification_method),
        suite=suite,
        created=when,
        credential_id=credential_id or f"urn:uuid:{uuid.uuid4()}",
        salt=secrets.token_hex(16),
        loader=default_loader(),
    )
    emit(secured, compact=False)
