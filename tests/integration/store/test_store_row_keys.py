"""Which row keys were issued before (the idempotency check of every issued chunk): right for
hundreds of keys at once, and on PostgreSQL answered through the (organisation, row key) index
even when the table's statistics are stale (the plain IN list made it scan the whole
organisation: a bulk job slowed down quadratically)."""

from __future__ import annotations

import random

from sqlalchemy import Engine, text
from store_builders import committed_org_version_key, new_award

from microcred.store.repositories.awards import _EXISTING_ROW_KEYS
from microcred.store.unit_of_work import SqlUnitOfWork


def test_existing_row_keys_for_many_keys(engine: Engine) -> None:
    org, version, key = committed_org_version_key(engine)
    other, other_version, other_key = committed_org_version_key(engine)
    issued = [f"entry:row-{n}" for n in range(600)]
    with SqlUnitOfWork(engine) as uow:
        positions = uow.status_lists.reserve(
            org.id, "revocation", 600, rng=random.Random(1).randbytes, key_id=key
        )
        uow.awards.add_many(
            [new_award(version, p, None, row_key=k) for p, k in zip(positions, issued, strict=True)]
        )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        asked = [*issued, *(f"entry:new-{n}" for n in range(100)), issued[0]]
        assert uow.awards.existing_row_keys(org.id, asked) == set(issued)
        assert uow.awards.existing_row_keys(other.id, asked) == set()
        assert uow.awards.existing_row_keys(org.id, []) == set()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            plan = "\n".join(
                connection.execute(
                    text("EXPLAIN " + _EXISTING_ROW_KEYS.text),
                    {"organisation_id": org.id, "keys": asked},
                ).scalars()
            )
        assert "uq_awards_organisation_id_row_key" in plan, plan
        assert other_version and other_key
