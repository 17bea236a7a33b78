"""The demo seed puts the demo issuer in the trust registry (institutional quality assurance
by a fictitious accrediting body, marked demo), so a demo credential's report says "trusted
provider" out of the box (docs/trust-registry.md)."""

from __future__ import annotations

import base64
from pathlib import Path

from pydantic import SecretStr

from microcred.bootstrap import build
from microcred.cli.server import DEMO_ACCREDITING_BODY, seed_demo
from microcred.config import Settings
from microcred.core.model.vocabularies import QUALITY_ASSURANCE_TYPES
from microcred.service import api_keys, catalogue, issuing, registry


def test_a_demo_credential_comes_from_a_trusted_provider(database_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        base_url="https://demo.example",
        master_key=SecretStr(base64.b64encode(bytes(range(32))).decode()),
    )
    container = build(settings)
    try:
        key = seed_demo(container)
        assert key is not None
        [entry] = registry.list_entries(uow=container.uow)  # type: ignore[arg-type]
        assert entry.provider.accrediting_body == DEMO_ACCREDITING_BODY
        assert "(demo)" in entry.provider.legal_name
        assert QUALITY_ASSURANCE_TYPES.by_iri(entry.provider.qa_type).label == (  # type: ignore[union-attr]
            "Institutional Quality Assurance"
        )
        owner = api_keys.authenticate(key, uow=container.uow)
        entries = catalogue.list_entries(owner, uow=container.uow)
        version = next(
            v
            for e in entries
            for v in catalogue.list_versions(owner, e.id, uow=container.uow)
            if v.version == e.published_version
        )
        award = issuing.issue_award(
            owner,
            version_id=version.id,
            learner={"name": "Demo Learner", "email": "learner@demo.example"},
            **container.issuing,
        )
        report = container.verifier().verify(award.credential)
        trusted = report.check("trusted provider")
        assert report.verified and trusted is not None and trusted.passed, trusted
        assert "Institutional Quality Assurance by Demo Accreditation Agency" in trusted.reason
        assert seed_demo(container) is None  # seeded once
        assert len(registry.list_entries(uow=container.uow)) == 1  # type: ignore[arg-type]
    finally:
        container.engine.dispose()
