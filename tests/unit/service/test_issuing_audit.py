"""The audit of issued awards: one event per single award, one event per batch naming every
award (service/issuing.py ``record_issued``); the stored text of a batch is the text
``add_proof`` + ``credential_text`` give (the proof created alone, nothing copied)."""

from __future__ import annotations

import json

import pytest
from service_support import LEARNER, Env

from microcred.core.jsonld.loader import default_loader
from microcred.core.proofs.data_integrity import add_proof
from microcred.service import audit, issuing
from microcred.service.issuing import AWARDS_ISSUED, IssueRequest
from microcred.service.signing_keys import load_issuer_identity

ROWS = [
    IssueRequest({"name": f"Learner {n}", "email": f"l{n}@example.org"}, row_key=f"r{n}")
    for n in range(3)
]


def test_a_batch_is_audited_once_naming_every_award() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    result = issuing.issue_batch(
        owner, version_id=version.id, rows=[*ROWS, IssueRequest(LEARNER)], **env.issues
    )
    (event,) = [
        e for e in audit.list_audit(owner, uow=env.uow, limit=200) if e.action == AWARDS_ISSUED
    ]
    assert event.actor == owner.actor
    assert event.subject == result.issued[0].id
    assert event.details["count"] == 4
    assert event.details["version_id"] == version.id
    assert event.details["awards"] == [
        {"id": a.id, "credential_id": a.credential_id, "row_key": f"r{n}"}
        for n, a in enumerate(result.issued[:3])
    ] + [{"id": result.issued[3].id, "credential_id": result.issued[3].credential_id}]
    assert not [
        e
        for e in audit.list_audit(owner, uow=env.uow, limit=200)
        if "issued" in e.action and e.action != AWARDS_ISSUED
    ]


def test_a_single_award_keeps_its_own_audit_event() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    award = env.issue(owner, version, learner=LEARNER, row_key="one")
    events = [e for e in audit.list_audit(owner, uow=env.uow, limit=200) if "issued" in e.action]
    assert [(e.action, e.subject) for e in events] == [("award.issued", award.id)]
    assert events[0].details["credential_id"] == award.credential_id
    assert events[0].details["row_key"] == "one"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"])
def test_a_batch_stores_exactly_what_add_proof_signs(suite: str) -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    result = issuing.issue_batch(owner, version_id=version.id, rows=ROWS, suite=suite, **env.issues)
    with env.uow() as tx:
        identity = load_issuer_identity(
            tx, owner.organisation_id, cipher=env.cipher, base_url=env.base_url
        )
    for award in result.issued:
        assert env.verify(award).verified
        if suite == "vc-jwt":
            assert award.credential.count(".") == 2
            continue
        stored = json.loads(award.credential)
        unsigned = {k: v for k, v in stored.items() if k != "proof"}
        (proof,) = stored["proof"]
        again = add_proof(
            unsigned,
            signer=identity.signer,
            cryptosuite=suite,
            created=proof["created"],
            loader=default_loader(),
        )
        assert again == stored  # Ed25519 is deterministic: the same proof value
        assert award.credential == json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
