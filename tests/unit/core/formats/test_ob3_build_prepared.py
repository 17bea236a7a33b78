"""A prepared credential template (:func:`prepare_credential`) builds exactly what
:func:`build_credential` builds: the same bytes (key order included) and the same problems.

``tests/vectors/ob3-build-prepared/outputs.json`` holds the output of ``build_credential`` for
every case below as it was BEFORE the template existed (one compact JSON text per case, or the
problem list); regenerate it only on purpose (``python -m`` this file with ``--write``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUED, ISSUER, example_award

from microcred.core.formats.ob3 import build_credential, prepare_credential
from microcred.core.model import Award, Evidence, IssuerProfile, LanguageMap, Learner
from microcred.errors import InvalidInputError, SpecValidationError

OUTPUTS = Path(__file__).resolve().parents[3] / "vectors" / "ob3-build-prepared" / "outputs.json"
STATUS = {
    "id": "https://credentials.example.eu/status/3#1207",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "1207",
    "statusListCredential": "https://credentials.example.eu/status/3",
}
LEARNERS = (
    Learner(given_name="Ana", family_name="Silva", email="Ana.Silva@Example.PT"),
    Learner(name="Jan Novák", did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    Learner(institutional_id="2024-00017", url="https://people.example.org/17"),
    Learner(name="Ég Þú", email="eg@example.is", institutional_id="IS-9"),
)
OTHER_ISSUER = IssuerProfile(
    id="https://univ.example.fi",
    name="Example University",
    country_code="FI",
    email="registry@univ.example.fi",
    region="Uusimaa",
    image="https://univ.example.fi/logo.png",
    description=LanguageMap({"fi": "Esimerkki", "en": "An example"}),
)

Case = tuple[str, Award, dict[str, Any]]


def _cases() -> Iterator[Case]:
    """Many rows of each example micro-credential, varied in every per-row input."""
    for pair in EXAMPLE_PAIRS:
        base = example_award(*pair)
        mc = base.micro_credential
        variants = {
            "as is": mc,
            "no description": replace(mc, description=None, criteria=None, grading_scheme=None),
            "validity": replace(mc, validity="P1Y6M", image="https://example.org/badge.png"),
        }
        for mc_name, variant in variants.items():
            for n in range(24):
                learner = LEARNERS[n % len(LEARNERS)]
                award = replace(
                    base,
                    micro_credential=variant,
                    learner=learner,
                    grade=(None, "Pass", "1,7")[n % 3],
                    evidence=(Evidence(id=f"https://example.org/work/{n}", narrative="Essay"),)
                    if n % 4 == 1
                    else (),
                    valid_until=ISSUED + timedelta(days=400 + n) if n % 5 == 2 else None,
                    awarded=ISSUED - timedelta(days=n) if n % 7 == 3 else None,
                    issued=ISSUED + timedelta(seconds=n),
                )
                options: dict[str, Any] = {
                    "issuer": OTHER_ISSUER if n % 6 == 5 else ISSUER,
                    "credential_id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
                    "salt": None if n % 8 == 2 else f"salt{n}",
                    "status": STATUS if n % 2 else None,
                    "achievement_id": None if n % 3 == 1 else "https://cat.example.eu/a/1",
                    "credential_schema": n % 9 != 4,
                }
                yield f"{pair[0]} / {mc_name} / {n}", award, options
        bad_mc = replace(mc, issuer_countries=("XX",), tags=(" ",))
        bad_issuer = replace(ISSUER, id="not an iri", country_code="ZZ")
        yield (
            f"{pair[0]} / problems everywhere",
            replace(base, micro_credential=bad_mc, learner=Learner(email="nope"), grade=" "),
            {
                "issuer": bad_issuer,
                "credential_id": "nope",
                "achievement_id": "nope",
                "salt": "",
                "status": {"type": 1},
            },
        )
        yield (
            f"{pair[0]} / bad row only",
            replace(base, learner=Learner(name="No Identifier"), issued=datetime(2025, 1, 1)),
            {"issuer": ISSUER, "credential_id": CREDENTIAL_ID, "status": {"id": 3}},
        )
        yield (
            f"{pair[0]} / bad template only",
            replace(base, micro_credential=bad_mc),
            {"issuer": bad_issuer, "credential_id": CREDENTIAL_ID, "achievement_id": "x"},
        )


def _outcome(build: Any) -> dict[str, Any]:
    try:
        document = build()
    except SpecValidationError as exc:
        return {"problems": exc.problems}
    return {"text": json.dumps(document, ensure_ascii=False, separators=(",", ":"))}


def _via_build_credential(award: Award, options: dict[str, Any]) -> dict[str, Any]:
    return _outcome(lambda: build_credential(award, **options))


def _via_template(award: Award, options: dict[str, Any]) -> dict[str, Any]:
    keys = ("issuer", "achievement_id", "credential_schema")
    shared = {k: options[k] for k in keys if k in options}
    template = prepare_credential(award.micro_credential, **shared)
    per_row = {k: options[k] for k in ("credential_id", "salt", "status") if k in options}
    return _outcome(lambda: template.build(award, **per_row))


def _expected() -> dict[str, dict[str, Any]]:
    outputs: dict[str, dict[str, Any]] = json.loads(OUTPUTS.read_text(encoding="utf-8"))
    return outputs


def test_the_vectors_cover_every_case() -> None:
    names = [name for name, _, _ in _cases()]
    assert len(names) == len(set(names)) == len(_expected()) > 140
    assert sum("problems" in v for v in _expected().values()) == 6


@pytest.mark.parametrize("via", [_via_build_credential, _via_template])
def test_output_is_identical_to_the_recorded_build_credential_output(via: Any) -> None:
    expected = _expected()
    for name, award, options in _cases():
        assert via(award, options) == expected[name], name


def test_one_template_builds_many_rows_identically() -> None:
    """The bulk path: one template for the batch, one build per row, shared parts reused."""
    award = example_award(*EXAMPLE_PAIRS[0])
    template = prepare_credential(
        award.micro_credential, issuer=ISSUER, achievement_id="https://cat.example.eu/a/1"
    )
    expected = _expected()
    for name, row, options in _cases():
        if row.micro_credential is not award.micro_credential or options["issuer"] != ISSUER:
            continue
        if options.get("achievement_id") != "https://cat.example.eu/a/1":
            continue
        if not options.get("credential_schema", True):
            continue
        per_row = {k: options[k] for k in ("credential_id", "salt", "status")}
        assert _outcome(lambda r=row, o=per_row: template.build(r, **o)) == expected[name], name


def test_a_template_refuses_an_award_of_another_micro_credential() -> None:
    first, second = (example_award(*pair) for pair in EXAMPLE_PAIRS)
    template = prepare_credential(first.micro_credential, issuer=ISSUER)
    with pytest.raises(InvalidInputError, match="another micro-credential"):
        template.build(second, credential_id=CREDENTIAL_ID, salt="s")


def test_built_credentials_of_one_template_do_not_share_mutable_state_with_build_credential() -> (
    None
):
    award = example_award(*EXAMPLE_PAIRS[0])
    one = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s")
    one["credentialSubject"]["achievement"]["name"] = "changed"
    one["issuer"]["name"] = "changed"
    two = build_credential(award, issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s")
    assert two["credentialSubject"]["achievement"]["name"] != "changed"
    assert two["issuer"]["name"] != "changed"


def _write() -> None:
    outputs = {name: _via_build_credential(award, options) for name, award, options in _cases()}
    OUTPUTS.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(outputs, ensure_ascii=False, indent=1)
    OUTPUTS.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    _write()
