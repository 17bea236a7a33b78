"""The wallet refresh runner of the composition root, on SQLite and PostgreSQL: holdings whose
last check is older than ``wallet_refresh_hours`` are verified again in batches without any
page view, so a revocation reaches the learner's wallet by itself."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import update

from microcred.bootstrap import Container, build, utc_now
from microcred.config import Settings
from microcred.service import accounts, catalogue, issuing, organisations, status_lists, wallet
from microcred.service.records import Principal
from microcred.store.tables_learners import holdings

EXAMPLE = Path(__file__).parents[3] / "examples" / "data-protection-by-design.yaml"
MASTER_KEY = SecretStr(base64.b64encode(bytes(range(32))).decode())


@pytest.fixture
def container(database_url: str, tmp_path: Path) -> Iterator[Container]:
    built = build(
        Settings(
            database_url=database_url,
            data_dir=tmp_path,
            base_url="https://issuer.example",
            master_key=MASTER_KEY,
            seed_demo=False,
            wallet_refresh_hours=6,
            wallet_refresh_batch=2,
        )
    )
    yield built
    built.engine.dispose()


def test_the_runner_rechecks_stale_holdings_in_batches(container: Container) -> None:
    organisation, _ = organisations.create_organisation(
        name="Atlantic Technological University", country="IE", **container.ports
    )
    owner = Principal(organisation_id=organisation.id, role="owner", actor="test")
    _, version = catalogue.create_entry(
        owner, description=EXAMPLE.read_text(encoding="utf-8"), **container.ports_writes
    )
    catalogue.publish_version(owner, version.id, **container.ports_writes)
    awards = [
        issuing.issue_award(
            owner,
            version_id=version.id,
            learner={"name": f"L{n}", "email": f"l{n}@x.example"},
            **container.issuing,
        )
        for n in range(3)
    ]
    learner = accounts.register_learner(
        email="runner@learner.example", name="L", password=None, language="en",
        **container.ports_writes,
    )  # fmt: skip
    held = [
        wallet.import_credential(
            account=learner,
            data=award.credential.encode(),
            verifier=container.verifier(),
            fetcher=container.fetcher,
            **container.ports_writes,
        )
        for award in awards
    ]
    assert {h.status for h in held} == {"valid"}
    runner = container.wallet_refresh_runner
    assert runner.run_once() == 0  # every check is recent
    status_lists.revoke(
        owner, awards[0].id, publisher=container.publisher, **container.ports_writes
    )
    long_ago = utc_now() - timedelta(hours=7)
    with container.engine.begin() as connection:
        connection.execute(update(holdings).values(checked_at=long_ago))
    assert runner.run_once() == 2  # a full batch ...
    assert runner.run_once() == 1  # ... and the rest
    assert runner.run_once() == 0
    after = {h.id: h for h in wallet.list_holdings(uow=container.uow, account=learner)}
    assert after[held[0].id].status == "revoked" and not after[held[0].id].verified
    assert {after[h.id].status for h in held[1:]} == {"valid"}
    assert all(h.checked_at is not None and h.checked_at > long_ago for h in after.values())
