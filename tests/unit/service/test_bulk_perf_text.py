"""The bulk issuance fast paths keep behaviour identical: the stored text of a batch-issued
credential is exactly ``json.dumps`` of the signed credential, with the shared achievement
encoded once per batch (``credential_text`` with a template, ``CredentialTemplate.to_json``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from service_support import DESCRIPTION, Env

from microcred.core.did.key import did_key_from_public_key
from microcred.core.formats.ob3 import prepare_credential
from microcred.core.jsonld.loader import default_loader
from microcred.core.keys.ed25519 import public_key_from_seed
from microcred.core.keys.multikey import encode_public_key
from microcred.core.keys.signer import Ed25519Signer
from microcred.core.model import Award, IssuerProfile, Learner, load_description
from microcred.core.securing import SUITES, secure_credential
from microcred.service.issuing import IssueRequest, credential_text, issue_batch, with_status
from microcred.service.records import StatusRef

SEED = bytes(range(32))
DID = did_key_from_public_key(encode_public_key(public_key_from_seed(SEED)))
SIGNER = Ed25519Signer(SEED, verification_method=f"{DID}#{DID.removeprefix('did:key:')}")
ISSUED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _compact(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("suite", SUITES)
def test_credential_text_with_the_template_is_the_plain_text(suite: str) -> None:
    mc = load_description(DESCRIPTION)
    issuer = IssuerProfile(id=DID, name="Ollscoil na Gaillimhe — Galway", country_code="IE")
    template = prepare_credential(mc, issuer=issuer, achievement_id="https://x.example/a/1")
    for n in range(6):
        award = Award(
            learner=Learner(name=f"Seán Ó {n}", email=f"s{n}@example.ie"),
            micro_credential=mc,
            issued=ISSUED,
            grade=str(n) if n % 2 else None,
        )
        built = template.build(award, credential_id=f"urn:uuid:{n:08d}-0000-4000-8000-0", salt="s")
        suspension = StatusRef("l2", n) if n % 3 == 0 else None
        unsigned = with_status(built, None, StatusRef("l1", n), suspension)
        secured = secure_credential(
            unsigned, signer=SIGNER, suite=suite, created="2026-03-01T09:30:00Z",
            loader=default_loader(),
        )  # fmt: skip
        plain = credential_text(secured)
        assert credential_text(secured, unsigned=unsigned, template=template) == plain
        if isinstance(secured, dict):
            assert plain == _compact(secured)
            assert template.to_json(unsigned) == _compact(unsigned)


def test_to_json_falls_back_when_the_achievement_is_not_the_templates() -> None:
    mc = load_description(DESCRIPTION)
    issuer = IssuerProfile(id=DID, name="Galway", country_code="IE")
    template = prepare_credential(mc, issuer=issuer)
    award = Award(learner=Learner(did=DID), micro_credential=mc, issued=ISSUED)
    built = template.build(award, credential_id="urn:uuid:1")
    copied = json.loads(_compact(built))  # equal, not the same object
    copied["credentialSubject"]["achievement"]["name"] = "\x00"
    assert template.to_json(copied) == _compact(copied)
    built["evidence"] = [{"type": ["Evidence"], "narrative": "\x00"}]  # the placeholder itself
    assert template.to_json(built) == _compact(built)


def test_a_batch_stores_compact_json_that_verifies() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    rows = [
        IssueRequest(
            {"given_name": "Learner", "family_name": f"Nº {n}", "email": f"l{n}@example.org"},
            grade=f"{n % 5 + 1}" if n % 4 else None,
            evidence=({"id": f"https://example.org/w/{n}", "narrative": "Projet"},)
            if n % 3 == 0
            else (),
            valid_until=env.clock() + timedelta(days=365) if n % 5 == 0 else None,
            suspendable=n % 2 == 0,
            row_key=f"r{n}",
        )
        for n in range(30)
    ]
    result = issue_batch(owner, version_id=version.id, rows=rows, **env.issues)
    assert len(result.issued) == 30
    texts = {award.credential for award in result.issued}
    assert len(texts) == 30
    for award in result.issued:
        assert award.credential == _compact(json.loads(award.credential))
    for award in result.issued[:4]:
        assert env.verify(award).verified
