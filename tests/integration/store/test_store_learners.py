"""Learners, sessions, sign-in links and failures, claims, the mail outbox and holdings on
SQLite and PostgreSQL: the account use cases over the real store, round trips, the unique
constraints (learner e-mail, one claim per award, one holding per award and learner) and the
outbox's claim with a lease."""

from __future__ import annotations

import functools
import os
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from store_builders import NOW, committed_org_version_key, new_award, new_id

from microcred.service import accounts, users
from microcred.service.errors import Unauthenticated
from microcred.service.learner_records import (
    ClaimRecord,
    HoldingRecord,
    LearnerRecord,
    MailRecord,
)
from microcred.service.records import Principal
from microcred.store.unit_of_work import SqlUnitOfWork

PASSWORD = "a long enough passphrase"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_learner_accounts_and_sessions_over_the_real_store(engine: Engine) -> None:
    clock = Clock()
    ports = {"uow": functools.partial(SqlUnitOfWork, engine), "clock": clock, "rng": os.urandom}
    email = f"lea.{new_id()[:8]}@example.fr"
    account = accounts.register_learner(
        email=email.upper(), name="Léa", password=PASSWORD, language="fr", **ports
    )
    token, signed_in = accounts.sign_in(kind="learner", email=email, password=PASSWORD, **ports)
    assert signed_in == account and account.language == "fr"
    found = accounts.account_for_session(uow=ports["uow"], clock=clock, token=token)
    assert found == account
    clock.now += timedelta(days=10)
    assert accounts.account_for_session(uow=ports["uow"], clock=clock, token=token) == account
    clock.now += timedelta(days=10)  # slid at day 10: still alive at day 20
    assert accounts.account_for_session(uow=ports["uow"], clock=clock, token=token) == account
    accounts.sign_out(uow=ports["uow"], clock=clock, token=token)
    assert accounts.account_for_session(uow=ports["uow"], clock=clock, token=token) is None
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(Unauthenticated):
            accounts.sign_in(kind="learner", email=email, password="wrong password", **ports)
    with pytest.raises(Unauthenticated, match="too many"):
        accounts.sign_in(kind="learner", email=email, password=PASSWORD, **ports)
    with pytest.raises(Exception, match="already has an account"):
        accounts.register_learner(email=email, name="Other", password=None, **ports)
    with SqlUnitOfWork(engine) as uow, pytest.raises(IntegrityError):
        uow.learners.add(LearnerRecord(id=new_id(), email=email, name="Dup", created_at=NOW))


def test_staff_passwords_and_links_over_the_real_store(engine: Engine) -> None:
    clock = Clock()
    ports = {"uow": functools.partial(SqlUnitOfWork, engine), "clock": clock, "rng": os.urandom}
    organisation, _, _ = committed_org_version_key(engine)
    owner = Principal(organisation_id=organisation.id, role="owner", actor="test")
    person = users.add_user(owner, email="staff@example.fr", name="Zoë", role="issuer", **ports)
    accounts.set_staff_password(principal=owner, user_id=person.id, password=PASSWORD, **ports)
    with SqlUnitOfWork(engine) as uow:
        stored = uow.users.password_hash(person.id)
        assert stored is not None and stored.startswith("$argon2id$")
        assert [u.id for u in uow.users.with_email("staff@example.fr")][-1] == person.id
    _, account = accounts.sign_in(
        kind="staff",
        email="staff@example.fr",
        password=PASSWORD,
        organisation_slug=organisation.slug,
        **ports,
    )
    assert account.principal() == Principal(organisation.id, "issuer", f"user:{person.id}")


def test_claims_mails_and_holdings_round_trip(engine: Engine) -> None:
    organisation, version, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        [ref] = uow.status_lists.reserve(
            organisation.id, "revocation", 1, rng=os.urandom, key_id=key
        )
    award = new_award(version, ref)
    learner = LearnerRecord(
        id=new_id(), email=f"{new_id()}@example.ie", name="A", created_at=NOW, did="did:key:z6"
    )
    claim = ClaimRecord(
        id=new_id(),
        token_hash=new_id().replace("-", "") * 2,
        award_id=award.id,
        organisation_id=organisation.id,
        email=learner.email,
        language="fr",
        created_at=NOW,
        expires_at=NOW + timedelta(days=90),
    )
    holding = HoldingRecord(
        id=new_id(),
        learner_id=learner.id,
        credential=award.credential,
        kind="ob3",
        source=f"award:{award.id}",
        added_at=NOW,
        title="Zoë ✓",
        issuer_name="Uni",
        issued_on=NOW,
        titles={"fr": "Zoë ✓", "en": "Zoe"},
        award_id=award.id,
        holder_did=learner.did,
        verified=True,
        status="valid",
        checked_at=NOW,
        report={"verified": True, "checks": []},
    )
    with SqlUnitOfWork(engine) as uow:
        uow.awards.add_many([award])
        uow.learners.add(learner)
        uow.claims.add_many([claim])
        uow.holdings.add(holding)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.claims.by_token_hash(claim.token_hash) == claim
        assert uow.claims.for_award(award.id) == claim
        assert uow.claims.awards_with_claims([award.id, "no-such-award"]) == {award.id}
        assert uow.awards.get_many(["no-such-award", award.id]) == [uow.awards.get(award.id)]
        assert uow.claims.mark_used(claim.id, learner_id=learner.id, at=NOW) is True
        assert uow.claims.mark_used(claim.id, learner_id=learner.id, at=NOW) is False
        assert uow.holdings.get(holding.id) == holding
        assert uow.holdings.list_for(learner.id) == [holding]
        assert uow.holdings.for_award(learner.id, award.id) == holding
        checked = replace(holding, status="revoked", verified=False, report={"verified": False})
        uow.holdings.update_check(checked)
        assert uow.holdings.get(holding.id) == checked
        uow.commit()
    with SqlUnitOfWork(engine) as uow, pytest.raises(IntegrityError):
        uow.claims.add_many([replace(claim, id=new_id(), token_hash="f" * 64)])
    with SqlUnitOfWork(engine) as uow, pytest.raises(IntegrityError):
        uow.holdings.add(replace(holding, id=new_id()))
    with SqlUnitOfWork(engine) as uow:
        uow.holdings.delete(holding.id)
        uow.commit()
        assert uow.holdings.list_for(learner.id) == []


def test_the_mail_outbox_claims_due_mails_with_a_lease(engine: Engine) -> None:
    mails = [
        MailRecord(
            id=new_id(),
            to=f"{n}@example.ie",
            subject="Sujet é",
            text="texte",
            html="<p>html</p>" if n else None,
            created_at=NOW,
            next_attempt_at=NOW + timedelta(seconds=n),
        )
        for n in range(3)
    ]
    with SqlUnitOfWork(engine) as uow:
        uow.mail_outbox.add_many(mails)
        uow.commit()
    lease = NOW + timedelta(minutes=5)
    with SqlUnitOfWork(engine) as uow:
        claimed = uow.mail_outbox.claim_due(
            now=NOW + timedelta(seconds=1), lease_until=lease, limit=10
        )
        uow.commit()
    ours = [m for m in claimed if m.id in {x.id for x in mails}]
    assert [m.id for m in ours] == [mails[0].id, mails[1].id]
    assert all(m.next_attempt_at == lease for m in ours)
    with SqlUnitOfWork(engine) as uow:
        again = uow.mail_outbox.claim_due(
            now=NOW + timedelta(seconds=1), lease_until=lease, limit=10
        )
        assert mails[0].id not in {m.id for m in again}  # leased
        sent = replace(ours[0], status="sent", attempts=1, sent_at=NOW, next_attempt_at=None)
        uow.mail_outbox.update(sent)
        uow.commit()
        assert uow.mail_outbox.get(mails[0].id) == sent
        assert uow.mail_outbox.get(mails[2].id) == mails[2]


def test_the_mail_outbox_clears_bodies_and_deletes_old_mails(engine: Engine) -> None:
    old, recent = (
        MailRecord(
            id=new_id(),
            to="old@example.ie",
            subject="Sign in",
            text="https://example.ie/account/link/SECRET",
            html="<a href='https://example.ie/account/link/SECRET'>x</a>",
            created_at=created,
            next_attempt_at=created,
        )
        for created in (NOW - timedelta(days=400), NOW)
    )
    with SqlUnitOfWork(engine) as uow:
        uow.mail_outbox.add_many([old, recent])
        uow.commit()
    cleared = replace(recent, status="sent", text="", html=None, attempts=1, sent_at=NOW)
    with SqlUnitOfWork(engine) as uow:
        uow.mail_outbox.update(cleared)
        assert uow.mail_outbox.delete_older_than(NOW - timedelta(days=399)) >= 1
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.mail_outbox.get(old.id) is None
        assert uow.mail_outbox.get(recent.id) == cleared
