"""Share links and holder keys on SQLite and PostgreSQL: the use cases of
:mod:`microcred.service.sharing`, :mod:`microcred.service.holder_keys` and
:mod:`microcred.service.presentations` over the real store."""

from __future__ import annotations

import functools
import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from store_builders import NOW, new_id

from fakes import FakeCipher, FixedClock
from microcred.core.verify.pipeline import Verifier
from microcred.service.accounts import Account
from microcred.service.errors import NotFound
from microcred.service.holder_keys import holder_did
from microcred.service.learner_records import HoldingRecord, LearnerRecord
from microcred.service.presentations import check_presentation, present
from microcred.service.sharing import (
    NoLongerShared,
    create_share_link,
    list_share_links,
    open_share_link,
    revoke_share_link,
)
from microcred.service.sharing_records import HolderKeyRecord
from microcred.store.unit_of_work import SqlUnitOfWork

PEER = Path(__file__).parents[2] / "vectors" / "js-peer-issued"


def learner_with_holding(engine: Engine) -> tuple[Account, str]:
    learner_id, holding_id = new_id(), new_id()
    with SqlUnitOfWork(engine) as tx:
        tx.learners.add(
            LearnerRecord(
                id=learner_id, email=f"{learner_id}@example.org", name="Zoë", created_at=NOW
            )
        )
        tx.holdings.add(
            HoldingRecord(
                id=holding_id,
                learner_id=learner_id,
                credential=(PEER / "ob3-signed.json").read_text(encoding="utf-8"),
                kind="ob3",
                source="import:ob3-signed.json",
                added_at=NOW,
                title="Data Literacy",
                issuer_name="Example University",
            )
        )
        tx.commit()
    account = Account(
        kind="learner", id=learner_id, email="z@example.org", name="Zoë", language=None
    )
    return account, holding_id


def test_share_links_round_trip_count_views_and_revoke(engine: Engine) -> None:
    uow = functools.partial(SqlUnitOfWork, engine)
    clock, rng = FixedClock(NOW), random.Random(5).randbytes
    anna, holding = learner_with_holding(engine)
    ben, _ = learner_with_holding(engine)
    link = create_share_link(
        anna,
        holding,
        visibility="public",
        expires_at=NOW + timedelta(days=3),
        label="CV",
        uow=uow,
        clock=clock,
        rng=rng,
    )
    for _ in range(3):
        opened = open_share_link(link.token, uow=uow, clock=clock)
    assert (opened.link.views, opened.holding.title) == (3, "Data Literacy")
    (stored,) = list_share_links(anna, uow=uow)
    assert (stored.views, stored.last_viewed_at, stored.expires_at) == (
        3,
        NOW,
        NOW + timedelta(days=3),
    )
    assert (stored.token, stored.label, stored.visibility) == (link.token, "CV", "public")
    with pytest.raises(NotFound):
        revoke_share_link(ben, link.id, uow=uow, clock=clock)
    revoke_share_link(anna, link.id, uow=uow, clock=clock)
    with pytest.raises(NoLongerShared):
        open_share_link(link.token, uow=uow, clock=clock)
    later = FixedClock(NOW + timedelta(days=4))
    unlisted = create_share_link(anna, holding, uow=uow, clock=clock, rng=rng)
    assert open_share_link(unlisted.token, uow=uow, clock=later, count_view=False).link.views == 0
    expiring = create_share_link(
        anna, holding, expires_at=NOW + timedelta(days=3), uow=uow, clock=clock, rng=rng
    )
    with pytest.raises(NoLongerShared, match="expired"):
        open_share_link(expiring.token, uow=uow, clock=later)


def test_a_removed_holding_takes_its_links_with_it(engine: Engine) -> None:
    uow = functools.partial(SqlUnitOfWork, engine)
    clock, rng = FixedClock(NOW), random.Random(6).randbytes
    anna, holding = learner_with_holding(engine)
    link = create_share_link(anna, holding, uow=uow, clock=clock, rng=rng)
    with uow() as tx:
        tx.holdings.delete(holding)
        tx.commit()
    with pytest.raises(NotFound):
        open_share_link(link.token, uow=uow, clock=clock)
    assert list_share_links(anna, uow=uow) == []


def test_one_holder_key_per_learner_and_a_verifiable_presentation(engine: Engine) -> None:
    uow = functools.partial(SqlUnitOfWork, engine)
    clock, rng, cipher = FixedClock(NOW), random.Random(7).randbytes, FakeCipher()
    anna, holding = learner_with_holding(engine)
    did = holder_did(anna.id, uow=uow, cipher=cipher, clock=clock, rng=rng)
    assert holder_did(anna.id, uow=uow, cipher=cipher, clock=clock, rng=rng) == did
    with SqlUnitOfWork(engine) as tx, pytest.raises(IntegrityError):
        tx.holder_keys.add(
            HolderKeyRecord(
                id=new_id(),
                learner_id=anna.id,
                public_key_multibase="z6Mk",
                encrypted_secret=b"x",
                created_at=NOW,
            )
        )
    vp = present(
        anna,
        [holding],
        challenge="abc123",
        domain="jobs.example",
        uow=uow,
        cipher=cipher,
        clock=clock,
        rng=rng,
    )
    report = check_presentation(
        vp, verifier=Verifier(clock=lambda: NOW), challenge="abc123", domain="jobs.example"
    )
    assert report.verified and report.holder == did, report.to_dict()
