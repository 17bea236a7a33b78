"""The wallet: an import is read, verified and kept with what it shows; a failed one is kept
and marked; garbage and presentations are refused; statuses are refreshed when stale (a
revoked award shows revoked); another learner's holding is NotFound; staff have no wallet."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import timedelta

import pytest
from service_support import Env

from microcred.core.verify.report import CheckResult, Outcome, VerificationReport
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


def test_the_periodic_refresh_rechecks_stale_holdings_of_every_learner_in_batches() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    awards = [env.issue(owner, version) for _ in range(3)]
    people = [learner(env, f"learner{n}@example.ie") for n in range(3)]
    held = [
        wallet.import_credential(
            account=person, data=award.credential.encode(), **env.writes, **checks(env)
        )
        for person, award in zip(people, awards, strict=True)
    ]
    status_lists.revoke(owner, awards[1].id, **env.changes_status)
    hours = timedelta(hours=6)
    refresh = {"uow": env.uow, "clock": env.clock, "max_age": hours, **checks(env)}
    assert wallet.refresh_due(batch=2, **refresh) == []  # all checked just now
    env.clock.advance(hours=7)
    first = wallet.refresh_due(batch=2, **refresh)
    second = wallet.refresh_due(batch=2, **refresh)
    assert len(first) == 2 and len(second) == 1
    assert {h.id for h in first + second} == {h.id for h in held}
    assert wallet.refresh_due(batch=2, **refresh) == []
    stored = env.store.tables.holdings
    assert stored[held[1].id].status == "revoked" and not stored[held[1].id].verified
    assert {stored[h.id].status for h in (held[0], held[2])} == {"valid"}
    assert all(stored[h.id].checked_at == env.clock() for h in held)


def test_a_refresh_that_raises_keeps_the_status_and_moves_on() -> None:
    env = Env()
    _, owner = env.organisation()
    account = learner(env)
    holding = wallet.import_credential(
        account=account,
        data=env.issue(owner, env.published(owner)).credential.encode(),
        **env.writes,
        **checks(env),
    )
    env.clock.advance(hours=7)

    class Broken:
        loader = None

        def verify(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("boom")

    [after] = wallet.refresh_due(
        uow=env.uow,
        clock=env.clock,
        verifier=Broken(),  # type: ignore[arg-type]
        fetcher=None,
        max_age=timedelta(hours=6),
    )
    assert (after.status, after.verified, after.checked_at) == ("valid", True, env.clock())
    assert env.store.tables.holdings[holding.id].report == holding.report


def test_the_whole_wallet_exports_as_a_zip_of_exact_texts() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    account = learner(env)
    credentials = [env.issue(owner, version).credential for _ in range(2)]
    for text in credentials:
        wallet.import_credential(account=account, data=text.encode(), **env.writes, **checks(env))
    learner(env, "someone.else@example.ie")
    data = wallet.export_wallet(uow=env.uow, account=account, now=env.clock())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        listing = json.loads(archive.read("wallet.json"))
        files = [entry["file"] for entry in listing["credentials"]]
        assert len(files) == 2 and all(f.endswith(".json") for f in files)
        assert sorted(archive.read(f).decode() for f in files) == sorted(credentials)  # exact
    assert listing["learner"] == account.email
    assert {e["status"] for e in listing["credentials"]} == {"valid"}


def test_deleting_the_account_removes_everything_of_the_learner_only() -> None:
    env = Env()
    _, owner = env.organisation()
    award = env.issue(owner, env.published(owner))
    account = learner(env)
    other = learner(env, "other@example.ie")
    for person in (account, other):
        wallet.import_credential(
            account=person, data=award.credential.encode(), **env.writes, **checks(env)
        )
    with pytest.raises(InvalidInputError, match="confirm"):
        accounts.delete_learner_account(uow=env.uow, account=account, email="wrong@example.ie")
    accounts.delete_learner_account(uow=env.uow, account=account, email=" Aoife.Murphy@example.ie")
    tables = env.store.tables
    assert account.id not in tables.learners and other.id in tables.learners
    assert [h.learner_id for h in tables.holdings.values()] == [other.id]
    with pytest.raises(NotFound):
        accounts.delete_learner_account(uow=env.uow, account=account, email=account.email)


def test_an_ob2_assertion_gone_or_marked_revoked_shows_revoked() -> None:

    gone = CheckResult(
        "revocation",
        Outcome.FAILED,
        "revoked: the hosted assertion https://issuer.example/a/1 is gone (HTTP 410)",
        "https://w3id.org/microcred/problems#OB2_REVOKED",
    )
    other = CheckResult(
        "hosted verification",
        Outcome.FAILED,
        "cannot fetch",
        "https://w3id.org/microcred/problems#FETCH_ERROR",
    )
    assert wallet.status_of(VerificationReport((gone,))) == "revoked"
    assert wallet.status_of(VerificationReport((other,))) == "invalid"
