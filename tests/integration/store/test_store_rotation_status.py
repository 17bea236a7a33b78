"""A did:key issuer rotates its key on the real store (SQLite and PostgreSQL): credentials issued
before keep verifying through the service verifier, new ones go to new status lists bound to the
new key, and a revoked old credential verifies as revoked, its list signed by the retired key."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from fakes import FakeFetcher, RecordingPublisher
from microcred.service import catalogue, issuing, organisations, signing_keys, status_lists
from microcred.service.api_keys import authenticate
from microcred.service.verifying import verify_credential
from microcred.store.cipher import AesGcmCipher
from microcred.store.unit_of_work import SqlUnitOfWork

DESCRIPTION = Path(__file__).parents[2] / "vectors" / "service" / "data-protection-by-design.yaml"
LEARNER = {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"}


def _clock() -> datetime:
    return datetime.now(UTC)


def test_a_did_key_rotation_keeps_old_credentials_verifying_and_revocable(engine: Engine) -> None:
    uow = partial(SqlUnitOfWork, engine)
    cipher = AesGcmCipher(os.urandom(32))
    writes = {"uow": uow, "clock": _clock, "rng": os.urandom}
    changes = {**writes, "publisher": RecordingPublisher()}
    org, secret = organisations.create_organisation(
        name="Rotation University", country="IE", cipher=cipher, **writes
    )
    owner = authenticate(secret, uow=uow)
    _, version = catalogue.create_entry(
        owner, description=DESCRIPTION.read_text(encoding="utf-8"), **writes
    )
    catalogue.publish_version(owner, version.id, **writes)

    def issue() -> str:
        return issuing.issue_award(
            owner, version_id=version.id, learner=LEARNER, cipher=cipher, base_url=None, **changes
        ).id

    def statuses(award_id: str) -> list[str]:
        with uow() as tx:
            award = tx.awards.get(award_id)
        assert award is not None
        report = verify_credential(
            award.credential,
            uow=uow,
            cipher=cipher,
            clock=_clock,
            fetcher=FakeFetcher(),
            base_url=None,
        )
        checks = [c for c in report.checks if c.name.endswith("status")]
        return [f"{c.name} {c.outcome}: {c.reason.split(' (')[0]}" for c in checks]

    old = issue()
    signing_keys.rotate_key(owner, cipher=cipher, base_url=None, **writes)
    new = issue()
    status_lists.revoke(owner, new, **changes)
    assert statuses(old) == ["revocation status passed: not revoked"]
    assert statuses(new) == ["revocation status failed: REVOKED"]

    status_lists.revoke(owner, old, **changes)
    assert statuses(old) == ["revocation status failed: REVOKED"]
    with uow() as tx:
        list_keys = {x.id: x.key_id for x in tx.status_lists.lists_for(org.id)}
        old_award, new_award = tx.awards.get(old), tx.awards.get(new)
        keys = tx.signing_keys.all_for(org.id)
    assert old_award is not None
    assert new_award is not None
    assert [k.retired_at is None for k in keys] == [False, True]
    assert list_keys == {
        old_award.revocation.list_id: keys[0].id,
        new_award.revocation.list_id: keys[1].id,
    }
