"""Status lists after a key rotation: each list is bound to the key it was opened with and is
always signed by that key, so credentials issued before a rotation keep verifying and, once
revoked or suspended, verify as revoked or suspended (not as "untrustworthy list"). Matters most
for did:key issuers, whose DID is the did:key of the active key and changes on rotation."""

from __future__ import annotations

import json

import pytest
from service_support import LEARNER, Env, status_of

from microcred.service import issuing, signing_keys, status_lists, supplied
from microcred.service.records import AwardRecord

BASE_URLS = [pytest.param(None, id="did-key"), pytest.param("https://issuer.example", id="did-web")]


def _issuer(award: AwardRecord) -> str:
    return str(json.loads(award.credential)["issuer"]["id"])


def _list_issuer(env: Env, list_id: str) -> str:
    return str(json.loads(status_lists.status_list_credential(list_id, **env.lists))["issuer"])


def _list_method(env: Env, list_id: str) -> str:
    document = json.loads(status_lists.status_list_credential(list_id, **env.lists))
    (proof,) = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    return str(proof["verificationMethod"])


@pytest.mark.parametrize("base_url", BASE_URLS)
def test_old_credentials_keep_verifying_after_a_rotation(base_url: str | None) -> None:
    env = Env(base_url=base_url)
    _, owner = env.organisation()
    version = env.published(owner)
    old = env.issue(owner, version)  # its list is never fetched before the rotation
    signing_keys.rotate_key(owner, **env.keys)
    new = env.issue(owner, version)

    assert new.revocation.list_id != old.revocation.list_id  # a new key opens new lists
    assert env.verify(old).verified, status_of(env.verify(old))
    assert env.verify(new).verified, status_of(env.verify(new))
    assert _list_issuer(env, old.revocation.list_id) == _issuer(old)
    assert _list_issuer(env, new.revocation.list_id) == _issuer(new)
    if base_url is None:
        assert _issuer(old) != _issuer(new)  # did:key: the rotation changed the DID

    status_lists.revoke(owner, new.id, **env.changes_status)
    assert env.verify(old).verified, status_of(env.verify(old))
    status_lists.revoke(owner, old.id, reason="plagiarism", **env.changes_status)
    report = env.verify(old)
    assert not report.verified
    assert status_of(report) == [
        f"revocation status failed: REVOKED (index {old.revocation.index} of "
        f"{json.loads(old.credential)['credentialStatus']['statusListCredential']})"
    ]


def test_a_list_is_signed_by_its_own_key_even_when_retired() -> None:
    env = Env(base_url=None)
    org, owner = env.organisation()
    version = env.published(owner)
    old = env.issue(owner, version)
    first_signed = status_lists.status_list_credential(old.revocation.list_id, **env.lists)
    signing_keys.rotate_key(owner, **env.keys)
    signing_keys.rotate_key(owner, **env.keys)  # two rotations: key 0 is long retired
    status_lists.revoke(owner, old.id, **env.changes_status)  # re-signed after the rotation

    re_signed = status_lists.status_list_credential(old.revocation.list_id, **env.lists)
    assert re_signed != first_signed
    keys = signing_keys.public_keys(org.id, uow=env.uow, base_url=None)
    assert [k.active for k in keys] == [False, False, True]
    assert _list_method(env, old.revocation.list_id) == keys[0].verification_method
    assert (
        _list_issuer(env, old.revocation.list_id)
        == _issuer(old)
        == ("did:key:" + keys[0].public_key_multibase)
    )
    with env.uow() as tx:
        (listed,) = tx.status_lists.lists_for(org.id)
    assert listed.key_id == keys[0].id


def test_suspension_lists_follow_the_key_too() -> None:
    env = Env(base_url=None)
    _, owner = env.organisation()
    version = env.published(owner)
    old = env.issue(owner, version, suspendable=True)
    signing_keys.rotate_key(owner, **env.keys)
    new = env.issue(owner, version, suspendable=True)
    assert old.suspension is not None
    assert new.suspension is not None
    assert new.suspension.list_id != old.suspension.list_id

    status_lists.suspend(owner, new.id, **env.changes_status)
    assert env.verify(old).verified, status_of(env.verify(old))
    status_lists.suspend(owner, old.id, **env.changes_status)
    assert [s.split(" (")[0] for s in status_of(env.verify(old))] == [
        "revocation status passed: not revoked",
        "suspension status failed: SUSPENDED",
    ]
    status_lists.unsuspend(owner, old.id, **env.changes_status)
    assert env.verify(old).verified


def test_batches_and_supplied_credentials_use_the_lists_of_the_active_key() -> None:
    env = Env(base_url=None)
    org, owner = env.organisation()
    version = env.published(owner)
    before = issuing.issue_batch(
        owner,
        version_id=version.id,
        rows=[issuing.IssueRequest(LEARNER, row_key=str(n)) for n in range(3)],
        **env.issues,
    ).issued
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner"},
    }
    supplied_before = supplied.issue_supplied_credential(owner, credential=credential, **env.issues)
    signing_keys.rotate_key(owner, **env.keys)
    after = issuing.issue_batch(
        owner,
        version_id=version.id,
        rows=[issuing.IssueRequest(LEARNER, row_key=str(n)) for n in range(3, 6)],
        **env.issues,
    ).issued
    supplied_after = supplied.issue_supplied_credential(owner, credential=credential, **env.issues)

    old_lists = {a.revocation.list_id for a in [*before, supplied_before]}
    new_lists = {a.revocation.list_id for a in [*after, supplied_after]}
    assert len(old_lists) == len(new_lists) == 1
    assert old_lists.isdisjoint(new_lists)
    with env.uow() as tx:
        keys = {s.id: s.key_id for s in tx.status_lists.lists_for(org.id)}
        active = tx.signing_keys.active_for(org.id)
    assert active is not None
    assert keys[new_lists.pop()] == active.id
    assert keys[old_lists.pop()] != active.id

    status_lists.bulk_revoke(owner, [after[0].id, supplied_after.id], **env.changes_status)
    for award in [*before, supplied_before, *after[1:]]:
        assert env.verify(award).verified, status_of(env.verify(award))
    status_lists.revoke(owner, supplied_before.id, **env.changes_status)
    assert [s.split(":")[0] for s in status_of(env.verify(supplied_before))] == [
        "revocation status failed"
    ]
    assert "REVOKED" in status_of(env.verify(supplied_before))[0]
