"""Issuing one award and batches: validation, idempotency, all-or-nothing, the stored text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from service_support import DESCRIPTION, LEARNER, Env

from microcred.core.keys.signer import Ed25519Signer, Signer
from microcred.errors import SpecValidationError
from microcred.service import audit, catalogue, issuing
from microcred.service.errors import Conflict
from microcred.service.issuing import IssueRequest

ROWS = [
    IssueRequest({"name": f"Learner {n}", "email": f"l{n}@example.org"}, row_key=f"r{n}")
    for n in range(4)
]


def test_a_batch_reserves_once_per_purpose_and_stores_in_one_transaction() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    rows = [*ROWS[:3], IssueRequest(LEARNER, row_key="s", suspendable=True)]
    reserves, commits = env.store.reserve_calls, env.store.commits
    result = issuing.issue_batch(owner, version_id=version.id, rows=rows, **env.issues)
    assert [a.row_key for a in result.issued] == ["r0", "r1", "r2", "s"]
    assert result.skipped == []
    assert env.store.reserve_calls - reserves == 2  # one revocation, one suspension
    assert env.store.commits - commits == 1
    assert env.store.add_many_calls == 1
    positions = {(a.revocation.list_id, a.revocation.index) for a in result.issued}
    assert len(positions) == 4
    assert [a.suspension is not None for a in result.issued] == [False, False, False, True]
    assert env.publisher.names() == ["award.issued"] * 4
    for award in result.issued:
        assert env.verify(award).verified


def test_re_sending_a_batch_issues_nothing_twice() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    first = issuing.issue_batch(owner, version_id=version.id, rows=ROWS[:3], **env.issues)
    second = issuing.issue_batch(owner, version_id=version.id, rows=ROWS, **env.issues)
    assert len(first.issued) == 3
    assert [a.row_key for a in second.issued] == ["r3"]
    assert second.skipped == ["r0", "r1", "r2"]
    third = issuing.issue_batch(owner, version_id=version.id, rows=ROWS, **env.issues)
    assert (third.issued, third.skipped) == ([], ["r0", "r1", "r2", "r3"])
    with pytest.raises(Conflict, match="issued before"):
        env.issue(owner, version, row_key="r0")


def test_a_repeated_row_key_within_a_batch_is_issued_once() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    rows = [ROWS[0], ROWS[0]]
    result = issuing.issue_batch(owner, version_id=version.id, rows=rows, **env.issues)
    assert (len(result.issued), result.skipped) == (1, ["r0"])


class _FailsOnThirdSignature:
    def __init__(self, seed: bytes, verification_method: str) -> None:
        self._inner = Ed25519Signer(seed, verification_method=verification_method)
        self.verification_method = verification_method
        self.algorithm = "EdDSA"
        self.calls = 0

    def sign(self, data: bytes) -> bytes:
        self.calls += 1
        if self.calls == 3:
            raise RuntimeError("HSM unavailable")
        return self._inner.sign(data)


def _failing(seed: bytes, verification_method: str) -> Signer:
    return _FailsOnThirdSignature(seed, verification_method)


def test_a_signer_failing_mid_batch_leaves_no_award() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    audit_before = len(audit.list_audit(owner, uow=env.uow, limit=200))
    with pytest.raises(RuntimeError, match="HSM"):
        issuing.issue_batch(
            owner, version_id=version.id, rows=ROWS, signer_factory=_failing, **env.issues
        )
    assert env.store.tables.awards == {}
    assert len(audit.list_audit(owner, uow=env.uow, limit=200)) == audit_before
    assert env.publisher.events == []
    # the batch can simply be sent again
    result = issuing.issue_batch(owner, version_id=version.id, rows=ROWS, **env.issues)
    assert len(result.issued) == 4


def test_every_bad_row_is_reported_before_anything_is_reserved() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    rows = [
        ROWS[0],
        IssueRequest({"name": "No Identifier"}, row_key="bad1"),
        IssueRequest({"email": "x@example.org", "shoe_size": "44"}, evidence=[{"colour": "red"}]),
    ]
    reserves = env.store.reserve_calls
    with pytest.raises(SpecValidationError) as caught:
        issuing.issue_batch(owner, version_id=version.id, rows=rows, **env.issues)
    problems = caught.value.problems
    assert any(p.startswith("row bad1: learner") for p in problems), problems
    assert any(p.startswith("row 3: learner") and "shoe_size" in p for p in problems), problems
    assert any(p.startswith("row 3: evidence 1") for p in problems), problems
    assert env.store.reserve_calls == reserves
    assert not any(p.startswith("row r0") for p in problems)


def test_only_published_versions_issue() -> None:
    env = Env()
    _, owner = env.organisation()
    _, draft = catalogue.create_entry(owner, description=DESCRIPTION, **env.writes)
    with pytest.raises(Conflict, match="not published"):
        env.issue(owner, draft)


def test_the_stored_text_is_the_signed_credential_with_grade_evidence_and_valid_until() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    until = datetime(2027, 1, 31, tzinfo=UTC)
    award = env.issue(
        owner,
        version,
        grade="Pass",
        evidence=[{"id": "https://lms.example/submissions/42", "name": "DPIA"}],
        valid_until=until,
    )
    credential = json.loads(award.credential)
    assert json.dumps(credential, ensure_ascii=False, separators=(",", ":")) == award.credential
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["validUntil"] == "2027-01-31T00:00:00Z"
    assert award.valid_until == until
    assert credential["credentialSubject"]["result"][0]["value"] == "Pass"
    assert credential["evidence"][0]["id"] == "https://lms.example/submissions/42"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == f"https://issuer.example/achievements/{version.id}"
    assert award.version_id == version.id
    assert env.verify(award).verified


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "vc-jwt"])
def test_other_suites(suite: str) -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner), suite=suite)
    assert award.suite == suite
    assert award.credential.startswith("ey" if suite == "vc-jwt" else "{")
    assert env.verify(award).verified, env.verify(award).to_dict()
