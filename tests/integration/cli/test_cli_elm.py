"""``microcred export``: an issued credential as Europass (ELM v3) on stdout, sealed with a
PKCS#12 or PEM seal; the sealed export verifies, a modified one does not; ``--database`` exports
a stored award on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_harness import EXAMPLES, error_line, microcred

from elm_support import make_seal, shacl_violations
from microcred.core.verify.elm import verify_elm


def _seal_files(tmp_path: Path) -> tuple[Path, Path, object]:
    now = datetime.now(UTC)
    material = make_seal(not_before=now - timedelta(days=1), not_after=now + timedelta(days=30))
    p12, pem = tmp_path / "seal.p12", tmp_path / "seal.pem"
    p12.write_bytes(material.pkcs12(b"s3cret"))
    pem.write_bytes(material.pem())
    return p12, pem, material


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, issuer_key_file: Path) -> Path:
    """A signed OB 3.0 credential made by ``microcred issue`` from the first example."""
    out = tmp_path_factory.mktemp("issued") / "credential.json"
    run = microcred(
        "issue",
        EXAMPLES / "data-protection-by-design.yaml",
        "--learner",
        EXAMPLES / "learner.json",
        "--key",
        issuer_key_file,
        "--grade",
        "Pass",
    )
    assert run.code == 0, run.stderr
    out.write_text(run.stdout, encoding="utf-8")
    return out


def test_export_elm_unsealed_conforms(issued: Path) -> None:
    run = microcred("export", issued, "--format", "elm")
    assert run.code == 0, run.stderr
    document = run.json()
    assert document["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert document["id"] == json.loads(issued.read_text("utf-8"))["id"]
    count, report = shacl_violations(document)
    assert count == 0, report


def test_export_sealed_with_pkcs12_and_pem_verifies(issued: Path, tmp_path: Path) -> None:
    p12, pem, material = _seal_files(tmp_path)
    run = microcred("export", issued, "--format", "elm", "--seal", p12, "--seal-password", "s3cret")
    assert run.code == 0, run.stderr
    envelope = run.json()
    report = verify_elm(envelope, trust_anchors=[material.ca])  # type: ignore[attr-defined]
    assert report.verified, report.to_dict()
    assert json.loads(envelope["payload"])["issuer"]["eIDASIdentifier"]["notation"] == (
        "VATIE-1234567T"
    )
    envelope["payload"] = envelope["payload"].replace("Aoife", "Eve")
    assert not verify_elm(envelope).verified
    from_pem = microcred("export", issued, "--seal", pem)
    assert from_pem.code == 0, from_pem.stderr
    assert verify_elm(from_pem.json()).verified


def test_export_ob3_prints_the_credential_unchanged(issued: Path) -> None:
    run = microcred("export", issued, "--format", "ob3")
    assert run.code == 0
    assert run.stdout.strip() == issued.read_text("utf-8").strip()


def test_bad_inputs_are_one_line_exit_2(issued: Path, tmp_path: Path) -> None:
    p12, _, _ = _seal_files(tmp_path)
    line = error_line(microcred("export", issued, "--seal", p12, "--seal-password", "nope"))
    assert "seal" in line and "password" in line
    foreign = tmp_path / "foreign.json"
    foreign.write_text(
        json.dumps(
            {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
        ),
        encoding="utf-8",
    )
    assert "not a microcred Open Badges 3.0 credential" in error_line(microcred("export", foreign))
    assert "--format elm only" in error_line(
        microcred("export", issued, "--format", "ob3", "--seal", p12)
    )


def test_export_a_stored_award_by_id(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    from microcred.bootstrap import build
    from microcred.config import Settings
    from microcred.service import api_keys, catalogue, issuing, organisations

    master = base64.b64encode(bytes(range(32))).decode()
    monkeypatch.setenv("MICROCRED_MASTER_KEY", master)
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path))
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, master_key=SecretStr(master), seed_demo=False
    )
    container = build(settings)
    _, key = organisations.create_organisation(name="Uni", country="IE", **container.ports)
    owner = api_keys.authenticate(key, uow=container.uow)
    description = (EXAMPLES / "data-protection-by-design.yaml").read_text("utf-8")
    _, version = catalogue.create_entry(owner, description=description, **container.ports_writes)
    catalogue.publish_version(owner, version.id, **container.ports_writes)
    award = issuing.issue_award(
        owner,
        version_id=version.id,
        learner={"name": "Aoife Murphy", "email": "aoife@example.ie"},
        **container.issuing,
    )
    run = microcred("export", award.credential_id, "--database", database_url)
    assert run.code == 0, run.stderr
    assert run.json()["id"] == award.credential_id
    missing = microcred("export", "no-such-award", "--database", database_url)
    assert missing.code == 2 and "no credential or award" in missing.stderr
