"""The whole life of an award through the use cases, checked by the core verifier."""

from __future__ import annotations

import json

import pytest
from service_support import LEARNER, Env, status_of

from microcred.core.verify.report import Outcome
from microcred.service import status_lists, verifying


@pytest.mark.parametrize("base_url", ["https://issuer.example", None])
def test_issue_verify_revoke_verify(base_url: str | None) -> None:
    env = Env(base_url=base_url)
    _, owner = env.organisation()
    version = env.published(owner)
    award = env.issue(owner, version, grade="Pass")

    report = env.verify(award)
    assert report.verified, report.to_dict()
    credential = json.loads(award.credential)
    if base_url:
        assert credential["issuer"]["id"] == "did:web:issuer.example:orgs:university-of-galway"
        assert credential["id"] == f"{base_url}/credentials/{award.id}"
    else:
        assert credential["issuer"]["id"].startswith("did:key:z6Mk")
        assert credential["id"] == f"urn:uuid:{award.id}"

    revoked = status_lists.revoke(owner, award.id, reason="plagiarism", **env.changes_status)
    assert revoked.state == "revoked"
    report = env.verify(award)
    assert not report.verified
    assert any(s.startswith("revocation status failed") for s in status_of(report)), status_of(
        report
    )
    assert env.publisher.names() == ["award.issued", "award.revoked"]


def test_suspend_and_unsuspend_a_suspendable_award() -> None:
    env = Env()
    _, issuer = env.organisation(role="issuer")
    env.organisation("Other University")  # a neighbour that must not get in the way
    version = env.published(issuer)
    award = env.issue(issuer, version, suspendable=True)
    statuses = json.loads(award.credential)["credentialStatus"]
    assert [s["statusPurpose"] for s in statuses] == ["revocation", "suspension"]

    status_lists.suspend(issuer, award.id, reason="under investigation", **env.changes_status)
    report = env.verify(award)
    assert not report.verified
    assert any(s.startswith("suspension status failed") for s in status_of(report))

    back = status_lists.unsuspend(issuer, award.id, **env.changes_status)
    assert back.state == "active"
    assert env.verify(award).verified
    assert env.publisher.names()[-2:] == ["award.suspended", "award.unsuspended"]


def test_a_plain_award_has_one_status_object_and_cannot_be_suspended() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    entry = json.loads(award.credential)["credentialStatus"]
    assert entry == {
        "id": f"https://issuer.example/status/{award.revocation.list_id}#{award.revocation.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(award.revocation.index),
        "statusListCredential": f"https://issuer.example/status/{award.revocation.list_id}",
    }
    assert award.suspension is None
    from microcred.service.errors import Conflict

    with pytest.raises(Conflict, match="suspendable"):
        status_lists.suspend(owner, award.id, **env.changes_status)


def test_the_service_verifier_reads_own_lists_and_did_documents_from_the_repository() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    kw = {**env.lists, "fetcher": env.fetcher}
    assert verifying.verify_credential(award.credential, **kw).verified
    assert env.fetcher.calls == []  # nothing of our own went over the network

    status_lists.revoke(owner, award.id, **env.changes_status)
    report = verifying.verify_credential(json.loads(award.credential), **kw)
    assert not report.verified
    assert any(s.startswith("revocation status failed") for s in status_of(report))


def test_another_issuers_list_comes_through_the_fetcher_and_fails_closed() -> None:
    issuer_env = Env(base_url="https://other.example")
    _, owner = issuer_env.organisation()
    award = issuer_env.issue(owner, issuer_env.published(owner))
    issuer_env.host_did_documents()
    list_url = json.loads(award.credential)["credentialStatus"]["statusListCredential"]

    env = Env()  # our server, which knows nothing of other.example
    kw = {**env.lists, "fetcher": issuer_env.fetcher}
    issuer_env.fetcher.documents[list_url] = status_lists.status_list_credential(
        award.revocation.list_id, **issuer_env.lists
    ).encode()
    assert verifying.verify_credential(award.credential, **kw).verified
    assert list_url in issuer_env.fetcher.calls

    issuer_env.fetcher.documents[list_url] = b"not json"
    report = verifying.verify_credential(award.credential, **kw)
    assert not report.verified
    assert [c for c in report.failures if "status" in c.name]

    del issuer_env.fetcher.documents[list_url]
    assert not verifying.verify_credential(award.credential, **kw).verified


def test_learner_e_mail_is_hashed_and_the_award_keeps_the_learner() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    assert "aoife.murphy@example.ie" not in award.credential
    assert award.learner == LEARNER
    report = env.verify(award)
    assert all(c.outcome is not Outcome.FAILED for c in report.checks)
