"""A presentation made by microcred for a learner is verified by the JavaScript reference stack
(@digitalbazaar/vc ``verify`` with the verifier's challenge and domain)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fakes import FakeCipher, FakeStore, FixedClock, SeededRandom
from interop.peer import JsPeer
from microcred.service.accounts import Account
from microcred.service.learner_records import HoldingRecord
from microcred.service.presentations import present

PEER_VECTORS = Path(__file__).parents[1] / "vectors" / "js-peer-issued"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
ANNA = Account(kind="learner", id="learner-anna", email="a@example.org", name="Anna", language=None)


def test_a_microcred_presentation_verifies_in_the_js_peer(js_peer: JsPeer, tmp_path: Path) -> None:
    store = FakeStore(clock=FixedClock(NOW))
    with store.uow() as tx:
        tx.holdings.add(
            HoldingRecord(
                id="h1",
                learner_id=ANNA.id,
                credential=(PEER_VECTORS / "ob3-signed.json").read_text(encoding="utf-8"),
                kind="ob3",
                source="import:ob3-signed.json",
                added_at=NOW,
            )
        )
        tx.commit()
    vp = present(
        ANNA,
        ["h1"],
        challenge="c0ae1c8e",
        domain="jobs.example",
        uow=store.uow,
        cipher=FakeCipher(),
        clock=store.clock,
        rng=SeededRandom(),
    )
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(vp), encoding="utf-8")
    ok = js_peer.run("vp.mjs", path, "--challenge", "c0ae1c8e", "--domain", "jobs.example")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["credentials"] == [True]
    replay = js_peer.run("vp.mjs", path, "--challenge", "another", "--domain", "jobs.example")
    assert replay.returncode == 1 and json.loads(replay.stdout)["verified"] is False
