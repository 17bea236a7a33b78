"""Status list credentials: signed, cached per list version, re-signed when a bit changes; a
reason stays private; bulk revocation touches each list once."""

from __future__ import annotations

import json

import pytest
from service_support import Env

from microcred.core.status.bitstring import Bitstring
from microcred.service import audit, awards, status_lists
from microcred.service.errors import Conflict, NotFound
from microcred.service.issuing import IssueRequest, issue_batch


def _bits(text: str) -> Bitstring:
    return Bitstring.decode(json.loads(text)["credentialSubject"]["encodedList"])


def test_the_list_is_cached_until_a_bit_changes() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    list_id = award.revocation.list_id
    first = status_lists.status_list_credential(list_id, **env.lists)
    env.clock.advance(minutes=10)
    assert status_lists.status_list_credential(list_id, **env.lists) == first
    document = json.loads(first)
    assert document["id"] == f"https://issuer.example/status/{list_id}"
    assert document["issuer"] == "did:web:issuer.example:orgs:university-of-galway"
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
    assert document["credentialSubject"]["ttl"] == status_lists.DEFAULT_TTL_MS
    assert len(_bits(first)) == 131_072
    assert _bits(first).get(award.revocation.index) == 0

    status_lists.revoke(owner, award.id, reason="fraud: forged transcript", **env.changes_status)
    second = status_lists.status_list_credential(list_id, **env.lists)
    assert second != first
    assert json.loads(second)["validFrom"] == "2026-03-02T09:40:00Z"
    assert _bits(second).get(award.revocation.index) == 1
    assert list(_bits(second).set_indices()) == [award.revocation.index]


def test_the_reason_is_kept_privately() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    reason = "fraud: forged transcript"
    status_lists.revoke(owner, award.id, reason=reason, **env.changes_status)
    assert awards.get_award(owner, award.id, uow=env.uow).state_reason == reason
    revoked = [e for e in audit.list_audit(owner, uow=env.uow) if e.action == "award.revoked"]
    assert revoked[0].details["reason"] == reason
    assert reason not in status_lists.status_list_credential(award.revocation.list_id, **env.lists)
    assert all(reason not in json.dumps(data) for _, _, data in env.publisher.events)


def test_bulk_revoke_changes_each_list_once() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    rows = [IssueRequest({"name": f"L{n}", "email": f"l{n}@example.org"}) for n in range(5)]
    issued = issue_batch(owner, version_id=version.id, rows=rows, **env.issues).issued
    list_id = issued[0].revocation.list_id
    with env.uow() as tx:
        before = tx.status_lists.get(list_id).version  # type: ignore[union-attr]
    done = status_lists.bulk_revoke(
        owner, [a.id for a in issued[:3]], reason="cohort cancelled", **env.changes_status
    )
    assert [a.state for a in done] == ["revoked"] * 3
    with env.uow() as tx:
        assert tx.status_lists.get(list_id).version == before + 1  # type: ignore[union-attr]
    bits = _bits(status_lists.status_list_credential(list_id, **env.lists))
    assert sorted(bits.set_indices()) == sorted(a.revocation.index for a in issued[:3])
    assert [env.verify(a).verified for a in issued] == [False, False, False, True, True]
    again = status_lists.bulk_revoke(owner, [a.id for a in issued[:3]], **env.changes_status)
    assert [a.state_reason for a in again] == ["cohort cancelled"] * 3  # nothing changed


def test_update_status_by_credential_id_as_the_vc_api_does() -> None:
    env = Env()
    _, owner = env.organisation()
    _, other = env.organisation("Other")
    version = env.published(owner)
    award = env.issue(owner, version, suspendable=True)
    kw = {"credential_id": award.credential_id, **env.changes_status}

    assert awards.award_by_credential_id(owner, award.credential_id, uow=env.uow).id == award.id
    with pytest.raises(NotFound):
        status_lists.update_status(other, purpose="revocation", value=True, **kw)
    assert status_lists.update_status(owner, purpose="suspension", value=True, **kw).state == (
        "suspended"
    )
    assert status_lists.update_status(owner, purpose="suspension", value=False, **kw).state == (
        "active"
    )
    assert status_lists.update_status(owner, purpose="revocation", value=False, **kw).state == (
        "active"
    )
    assert status_lists.update_status(owner, purpose="revocation", value=True, **kw).state == (
        "revoked"
    )
    with pytest.raises(Conflict, match="final"):
        status_lists.update_status(owner, purpose="revocation", value=False, **kw)
    with pytest.raises(Conflict, match="revoked"):
        status_lists.update_status(owner, purpose="suspension", value=True, **kw)


def test_a_list_signed_after_the_verifier_read_its_clock_is_already_valid() -> None:
    """The list credential's validFrom is its last change, not the (lazy) signing time."""
    import json as _json

    from service_support import Env

    from microcred.service import status_lists as lists

    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    changed_at = env.clock()
    env.clock.advance(seconds=90)  # signed much later than the change, lazily
    list_url = _json.loads(award.credential)["credentialStatus"]["statusListCredential"]
    text = lists.status_list_credential(list_url.rsplit("/", 1)[-1], **env.lists)
    valid_from = _json.loads(text)["validFrom"]
    assert valid_from <= changed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
