"""``microcred stack evaluate RULES --wallet DIR``, ``microcred registry import FILE`` and
``microcred verify --registry FILE``: offline pathway evaluation with an explanation, and
registry membership in verification reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_harness import EXAMPLES, error_line, microcred

ACHIEVEMENT = "urn:microcred:achievement:"
RULES = f"""
name: Security and privacy
rules:
  all_of:
    - achievement: {ACHIEVEMENT}data-protection-by-design
    - any_of:
        - achievement: {ACHIEVEMENT}fondamentaux-cybersecurite
        - achievement: urn:example:other
    - min_ects: 9
"""


@pytest.fixture(scope="module")
def wallet(tmp_path_factory: pytest.TempPathFactory, issuer_key_file: Path) -> Path:
    folder = tmp_path_factory.mktemp("wallet")
    for name, spec, learner in (
        ("a.json", "data-protection-by-design.yaml", "learner.json"),
        ("b.json", "fondamentaux-cybersecurite.yaml", "learner-fr.json"),
    ):
        run = microcred(
            "issue", EXAMPLES / spec, "--learner", EXAMPLES / learner, "--key", issuer_key_file
        )
        assert run.code == 0, run.stderr
        (folder / name).write_text(run.stdout, encoding="utf-8")
    return folder


def rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_stack_evaluate_explains_what_is_missing(wallet: Path, tmp_path: Path) -> None:
    run = microcred("stack", "evaluate", rules_file(tmp_path, RULES), "--wallet", wallet)
    assert run.code == 1, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "NOT MET (96% done)"
    assert "    ✘ at least 9 ECTS: 8 ECTS" in lines
    assert "      missing: 1 more ECTS" in lines
    met = microcred(
        "stack",
        "evaluate",
        rules_file(tmp_path, RULES.replace("min_ects: 9", "min_ects: 8")),
        "--wallet",
        wallet,
        "--json",
    )
    assert met.code == 0, met.stderr
    result: Any = met.json()
    assert result["met"] is True and len(result["used"]) == 2
    assert {e["ects"] for e in result["evidence"]} == {"5", "3"}


def test_stack_evaluate_ignores_a_tampered_credential(wallet: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tampered"
    shutil.copytree(wallet, folder)
    doc = json.loads((folder / "a.json").read_text(encoding="utf-8"))
    doc["credentialSubject"]["achievement"]["name"] = "Forged"
    (folder / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    run = microcred("stack", "evaluate", rules_file(tmp_path, RULES), "--wallet", folder, "--json")
    assert run.code == 1
    assert run.json()["ignored"] == [doc["id"]]


def test_stack_evaluate_bad_rules_exit_2_naming_the_path(wallet: Path, tmp_path: Path) -> None:
    bad = rules_file(tmp_path, "rules: {all_of: [{min_ects: -2}]}")
    line = error_line(microcred("stack", "evaluate", bad, "--wallet", wallet))
    assert line == "microcred: error: rules.all_of[0].min_ects: must be a positive number"


def test_verify_reports_registry_membership(
    wallet: Path, tmp_path: Path, issuer_key: dict[str, Any]
) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "did,legal_name,country,qa_type,accrediting_body,valid_from\n"
        f"{issuer_key['did']},Example University,IE,programme-qa,QQI,2020-01-01\n",
        encoding="utf-8",
    )
    run = microcred("verify", wallet / "a.json", "--registry", registry)
    assert run.code == 0, run.stdout + run.stderr
    assert (
        f"✔ trusted provider (informative): trusted provider: {issuer_key['did']} is accredited "
        "(Program Quality Assurance by QQI)"
    ) in run.stdout
    other = tmp_path / "other.json"
    other.write_text(
        json.dumps([{"did": "did:web:elsewhere.example", "legal_name": "Elsewhere",
                     "country": "FR", "qa_type": "institutional-qa",
                     "accrediting_body": "Hcéres", "valid_from": "2020-01-01"}]),
        encoding="utf-8",
    )  # fmt: skip
    outside = microcred("verify", wallet / "a.json", "--registry", other)
    assert outside.code == 0  # verifies cryptographically
    assert "✘ trusted provider (informative): not from a trusted provider" in outside.stdout


def test_registry_import_into_the_database(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'db' / 'microcred.db'}"
    assert microcred("db", "upgrade", "--database", database).code == 0
    source = tmp_path / "registry.json"
    rows = [
        {
            "did": "did:web:uni.example",
            "legal_name": "Example University",
            "country": "IE",
            "qa_type": "institutional-qa",
            "accrediting_body": "QQI",
            "valid_from": "2020-01-01",
        }
    ]
    source.write_text(json.dumps(rows), encoding="utf-8")
    first = microcred("registry", "import", source, "--database", database)
    assert first.code == 0, first.stderr
    assert first.stdout.strip() == "imported 1 providers (0 already in the registry)"
    again = microcred("registry", "import", source, "--database", database)
    assert again.stdout.strip() == "imported 0 providers (1 already in the registry)"
    source.write_text(json.dumps([{**rows[0], "country": "Ireland"}]), encoding="utf-8")
    line = error_line(microcred("registry", "import", source, "--database", database))
    assert "row 1: country: 'Ireland' is not an ISO 3166-1 alpha-2 code" in line
