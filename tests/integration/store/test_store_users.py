"""The users table on SQLite and PostgreSQL: round trips, per-organisation e-mail uniqueness,
soft removal, and the use cases of :mod:`microcred.service.users` over the real store."""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from store_builders import NOW, new_id, new_org

from microcred.service import users
from microcred.service.errors import Conflict, NotFound
from microcred.service.records import Principal, UserRecord
from microcred.store.unit_of_work import SqlUnitOfWork


def new_user(org_id: str, email: str, **changes: object) -> UserRecord:
    values: dict[str, object] = {
        "id": new_id(),
        "organisation_id": org_id,
        "email": email,
        "name": "Zoë Lefèvre",
        "role": "issuer",
        "created_at": NOW,
    }
    return UserRecord(**(values | changes))  # type: ignore[arg-type]


def test_users_round_trip_by_id_email_and_organisation(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org, other = new_org(uow), new_org(uow)
        later = new_user(org.id, "b@example.fr", created_at=NOW + timedelta(seconds=1))
        first = new_user(org.id, "a@example.fr", role="owner")
        elsewhere = new_user(other.id, "a@example.fr", role="viewer")
        for user in (later, first, elsewhere):
            uow.users.add(user)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.users.get(first.id) == first
        assert uow.users.by_email(org.id, "a@example.fr") == first
        assert uow.users.by_email(other.id, "a@example.fr") == elsewhere
        assert uow.users.by_email(other.id, "b@example.fr") is None
        assert uow.users.get("nope") is None
        assert uow.users.list_for(org.id) == [first, later]
        assert uow.users.list_for(other.id) == [elsewhere]


def test_update_stores_name_role_and_removal_only(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        user = new_user(org.id, "c@example.fr")
        uow.users.add(user)
        uow.commit()
    changed = replace(user, name="Zoé", role="viewer", removed_at=NOW + timedelta(hours=2))
    with SqlUnitOfWork(engine) as uow:
        uow.users.update(replace(changed, email="other@example.fr", created_at=NOW))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.users.get(user.id) == changed
        uow.users.update(replace(changed, removed_at=None))
    with SqlUnitOfWork(engine) as uow:  # not committed: still removed
        assert uow.users.get(user.id) == changed


def test_an_email_is_unique_within_an_organisation_even_when_removed(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        uow.users.add(new_user(org.id, "d@example.fr", removed_at=NOW))
        uow.commit()
    with SqlUnitOfWork(engine) as uow, pytest.raises(IntegrityError):
        uow.users.add(new_user(org.id, "d@example.fr"))
        uow.commit()


def test_the_use_cases_over_the_real_store(engine: Engine) -> None:
    uow = functools.partial(SqlUnitOfWork, engine)
    ticks = itertools.count()
    clock = lambda: NOW + timedelta(seconds=next(ticks))  # noqa: E731 -- every event later
    writes = {"uow": uow, "clock": clock, "rng": random.Random(3).randbytes}
    with SqlUnitOfWork(engine) as tx:
        org, other = new_org(tx), new_org(tx)
        tx.commit()
    owner = Principal(org.id, "owner", "api-key:test")
    intruder = Principal(other.id, "owner", "api-key:intruder")
    boss = users.add_user(owner, email="Boss@Example.FR", name="Boss", role="owner", **writes)
    staff = users.add_user(owner, email="staff@example.fr", name="Staff", role="viewer", **writes)
    assert boss.email == "boss@example.fr"
    with pytest.raises(Conflict):
        users.add_user(owner, email="BOSS@example.fr", name="Again", role="viewer", **writes)
    with pytest.raises(Conflict):
        users.remove_user(owner, boss.id, **writes)
    with pytest.raises(NotFound):
        users.change_role(intruder, staff.id, role="owner", **writes)
    assert users.change_role(owner, staff.id, role="issuer", **writes).role == "issuer"
    users.remove_user(owner, staff.id, **writes)
    assert users.list_users(owner, uow=uow) == [boss]
    assert users.list_users(intruder, uow=uow) == []
    with SqlUnitOfWork(engine) as tx:
        actions = [e.action for e in tx.audit.list_for(org.id, limit=10, offset=0)]
    assert actions == ["user.removed", "user.role_changed", "user.added", "user.added"]
