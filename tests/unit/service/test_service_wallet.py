"""The wallet: an import is read, verified and kept with what it shows; a failed one is kept
and marked; garbage and presentations are refused; statuses are refreshed when stale (a
revoked award shows revoked); another learner's holding is NotFound; staff have no wallet."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from service_support import Env

from microcred.errors import InvalidInputError
from microcred.service import accounts, status_lists, wallet
from microcred.service.errors import NotFound, PermissionDenied


def learner(env: Env, email: str = "aoife.murphy@example.ie") -> accounts.Account:
    return accounts.register_learner(
        email=email, name="Aoife", password=None, language="en", **env.writes
    )


def checks(env: Env) -> dict[str, object]:
    env.host_did_documents()
    return {"verifier": env.verifier(), "fetcher": None}


def test_an_imported_credential_is_verified_and_kept_with_its_display_fields() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    account = learner(env)
    holding = wallet.import_credential(
        account=account,
        data=award.credential.encode(),
        filename="mine.json",
        **env.writes,
        **checks(env),
    )
    assert (holding.verified, holding.status, holding.kind) == (True, "valid", "ob3")
    assert holding.source == "import:mine.json" and holding.award_id is None
    assert holding.credential == award.credential
    assert holding.title and holding.issuer_name == "University of Galway"
    assert holding.issued_on is not None and holding.titles
    assert holding.report["verified"] is True
    assert wallet.list_holdings(uow=env.uow, account=account) == [holding]
    got = wallet.get_holding(uow=env.uow, account=account, holding_id=holding.id)
    assert got == holding


def test_a_tampered_credential_is_kept_but_marked_failed() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    document = json.loads(award.credential)
    document["credentialSubject"]["achievement"]["name"] = "Something grander"
    holding = wallet.import_credential(
        account=learner(env), data=json.dumps(document).encode(), **env.writes, **checks(env)
    )
    assert (holding.verified, holding.status) == (False, "invalid")
    assert any(c["outcome"] == "failed" for c in holding.report["checks"])


@pytest.mark.parametrize("data", [b"", b"   ", b"hello there", b'{"not": "a credential"}'])
def test_garbage_is_refused_and_nothing_is_stored(data: bytes) -> None:
    env = Env()
    with pytest.raises(InvalidInputError):
        wallet.import_credential(account=learner(env), data=data, **env.writes, **checks(env))
    assert env.store.tables.holdings == {}


def test_a_revoked_award_shows_revoked_after_a_refresh() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    account = learner(env)
    holding = wallet.import_credential(
        account=account, data=award.credential.encode(), **env.writes, **checks(env)
    )
    status_lists.revoke(owner, award.id, **env.changes_status)
    refreshed = wallet.refresh_status(uow=env.uow, clock=env.clock, account=account, **checks(env))
    assert [h.status for h in refreshed] == ["valid"]  # checked less than 10 minutes ago
    env.clock.advance(minutes=11)
    [after] = wallet.refresh_status(uow=env.uow, clock=env.clock, account=account, **checks(env))
    assert (after.id, after.status, after.verified) == (holding.id, "revoked", False)
    stored = wallet.get_holding(uow=env.uow, account=account, holding_id=holding.id)
    assert stored.status == "revoked" and stored.checked_at == env.clock()


def test_a_claimed_award_shows_its_revocation_and_unsuspension_at_once() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner), suspendable=True)
    account = learner(env)
    imported = wallet.import_credential(
        account=account, data=award.credential.encode(), **env.writes, **checks(env)
    )
    env.store.tables.holdings[imported.id] = replace(imported, award_id=award.id)  # claimed

    def statuses() -> list[tuple[str, bool]]:
        holdings = wallet.refresh_status(
            uow=env.uow, clock=env.clock, account=account, **checks(env)
        )
        return [(h.status, h.verified) for h in holdings]

    status_lists.suspend(owner, award.id, **env.changes_status)
    assert statuses() == [("suspended", False)]  # no 10 minutes' wait for one's own awards
    status_lists.unsuspend(owner, award.id, **env.changes_status)
    assert statuses() == [("valid", True)]
    status_lists.revoke(owner, award.id, **env.changes_status)
    assert statuses() == [("revoked", False)]


def test_another_learners_holding_is_not_found_and_staff_have_no_wallet() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    mine = learner(env)
    holding = wallet.import_credential(
        account=mine, data=award.credential.encode(), **env.writes, **checks(env)
    )
    other = learner(env, "other@example.ie")
    with pytest.raises(NotFound):
        wallet.get_holding(uow=env.uow, account=other, holding_id=holding.id)
    with pytest.raises(NotFound):
        wallet.remove_holding(uow=env.uow, account=other, holding_id=holding.id)
    staff = accounts.Account("staff", "u", "s@example.ie", "S", None, "org", "owner")
    with pytest.raises(PermissionDenied):
        wallet.list_holdings(uow=env.uow, account=staff)
    wallet.remove_holding(uow=env.uow, account=mine, holding_id=holding.id)
    assert wallet.list_holdings(uow=env.uow, account=mine) == []
