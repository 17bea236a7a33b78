"""``microcred issue``: an Open Badges 3.0 micro-credential (EU Council Recommendation 2022/C
243/02, Annex I) from a YAML description, signed; a bad description exits 2 naming the element."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cli_harness import EXAMPLES, SUITES, error_line, microcred

SPEC = EXAMPLES / "data-protection-by-design.yaml"
LEARNER = EXAMPLES / "learner.json"


def _payload(token: str) -> Any:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


ROUND_TRIPS = [
    *((SPEC, LEARNER, suite, "Data Protection by Design") for suite in SUITES),
    (
        EXAMPLES / "fondamentaux-cybersecurite.yaml",
        EXAMPLES / "learner-fr.json",
        "eddsa-rdfc-2022",
        "Fondamentaux de la cybersécurité",
    ),
]


@pytest.mark.parametrize("case", ROUND_TRIPS, ids=lambda c: f"{c[0].stem}-{c[2]}")
def test_issue_then_verify_round_trip(
    case: tuple[Path, Path, str, str],
    issuer_key_file: Path,
    issuer_key: dict[str, Any],
    tmp_path: Path,
) -> None:
    spec, learner, suite, title = case
    created = "2025-03-01T09:00:00Z"
    run = microcred(
        "issue", spec, "--learner", learner, "--key", issuer_key_file,
        "--suite", suite, "--created", created,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    if suite == "vc-jwt":
        credential = _payload(run.stdout.strip())
        assert "proof" not in credential
    else:
        credential = run.json()
        assert credential["proof"][0]["cryptosuite"] == suite
        assert credential["proof"][0]["created"] == created
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == issuer_key["did"]
    assert credential["validFrom"] == created
    assert credential["credentialSubject"]["achievement"]["name"] == title

    issued = tmp_path / "credential.out"
    issued.write_text(run.stdout, encoding="utf-8")
    report = microcred("verify", issued, "--json")
    assert report.code == 0, report.stdout
    result = report.json()
    assert result["verified"] is True
    outcomes = {c["check"]: c["outcome"] for c in result["checks"]}
    assert outcomes["proof"] == outcomes["issuer key"] == "passed"
    assert outcomes["EU micro-credential elements"] == "passed"
    early = microcred("verify", issued, "--now", "2025-02-28T09:00:00Z")
    assert early.code == 1
    assert "not yet valid" in early.stdout


def _broken_spec(tmp_path: Path, old: str, new: str) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _issue_error(spec: Path, key: Path) -> str:
    return error_line(microcred("issue", spec, "--learner", LEARNER, "--key", key))


def test_missing_learning_outcomes_is_named(tmp_path: Path, issuer_key_file: Path) -> None:
    text = SPEC.read_text(encoding="utf-8")
    block = text[text.index("learning_outcomes:") : text.index("workload:")]
    spec = _broken_spec(tmp_path, block, "")
    line = _issue_error(spec, issuer_key_file)
    assert "learning outcomes" in line
    assert str(spec) in line


def test_eqf_level_out_of_range_is_named(tmp_path: Path, issuer_key_file: Path) -> None:
    line = _issue_error(_broken_spec(tmp_path, "eqf: 6", "eqf: 9"), issuer_key_file)
    assert "EQF" in line


def test_every_problem_is_reported_at_once(tmp_path: Path, issuer_key_file: Path) -> None:
    spec = _broken_spec(tmp_path, "eqf: 6", "eqf: 9")
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("issuer_country: IE", "issuer_country: XX")
    )
    line = _issue_error(spec, issuer_key_file)
    assert "EQF" in line and "'XX'" in line


def test_yaml_syntax_error_gives_the_line_number(tmp_path: Path, issuer_key_file: Path) -> None:
    spec = _broken_spec(tmp_path, "  hours: 125\n", "  hours: 125: oops\n")
    number = spec.read_text(encoding="utf-8").splitlines().index("  hours: 125: oops") + 1
    line = _issue_error(spec, issuer_key_file)
    assert f"line {number}," in line
    assert str(spec) in line


def test_duplicate_key_in_the_description_is_refused(tmp_path: Path, issuer_key_file: Path) -> None:
    text = SPEC.read_text(encoding="utf-8") + "\ntitle:\n  en: Something Else Entirely\n"
    spec = tmp_path / "duplicate.yaml"
    spec.write_text(text, encoding="utf-8")
    line = _issue_error(spec, issuer_key_file)
    assert "'title' appears twice" in line
