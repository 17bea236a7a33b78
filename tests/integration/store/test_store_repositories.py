"""Every repository method round-trips its records, on SQLite and PostgreSQL; a unit of work
stores everything or nothing; signed credentials come back byte for byte."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from store_builders import (
    DESCRIPTIONS,
    NOW,
    committed_org_version_key,
    new_award,
    new_id,
    new_key,
    new_org,
    new_version,
)

from microcred.service.ports import CatalogueQuery, UnitOfWork
from microcred.service.records import (
    ApiKeyRecord,
    AuditEvent,
    BulkJobRecord,
    CatalogueVersion,
    SigningKeyRecord,
)
from microcred.store.tables import awards, organisations
from microcred.store.unit_of_work import SqlUnitOfWork


def rng(seed: int) -> Callable[[int], bytes]:
    return random.Random(seed).randbytes


def test_sql_unit_of_work_is_a_unit_of_work(engine: Engine) -> None:
    uow: UnitOfWork = SqlUnitOfWork(engine)  # checked by mypy/pyright structurally
    with uow:
        assert uow.organisations.list() is not None


def test_organisations(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        other = new_org(uow, url=None, identifiers={})
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.organisations.get(org.id) == org
        assert uow.organisations.by_slug(org.slug) == org
        assert uow.organisations.get(other.id) == other
        assert uow.organisations.get("nope") is None
        assert uow.organisations.by_slug("nope") is None
        listed = uow.organisations.list()
        assert org in listed
        assert other in listed
        assert [o.slug for o in listed] == sorted(o.slug for o in listed)


def test_api_keys(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        key = ApiKeyRecord(new_id(), org.id, f"p{new_id()[:10]}", "ab" * 32, "issuer", "CI", NOW)
        later = replace(key, id=new_id(), prefix=f"q{new_id()[:10]}", created_at=NOW + timedelta(1))
        uow.api_keys.add(key)
        uow.api_keys.add(later)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.api_keys.by_prefix(key.prefix) == key
        assert uow.api_keys.by_prefix("absent") is None
        assert uow.api_keys.list_for(org.id) == [key, later]
        uow.api_keys.revoke(key.id, at=NOW + timedelta(hours=1))
        uow.api_keys.revoke(key.id, at=NOW + timedelta(hours=2))  # first revocation time stays
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.api_keys.by_prefix(key.prefix) == replace(
            key, revoked_at=NOW + timedelta(hours=1)
        )
        with pytest.raises(IntegrityError):  # prefixes are unique
            uow.api_keys.add(replace(key, id=new_id()))


def test_signing_keys_and_rotation(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        assert uow.signing_keys.active_for(org.id) is None
        first = SigningKeyRecord(new_id(), org.id, "z6Mkfirst", b"v1\x00\xff secret", NOW)
        uow.signing_keys.add(first)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.signing_keys.active_for(org.id) == first
        second = SigningKeyRecord(
            new_id(), org.id, "z6Mksecond", b"v1 other", NOW - timedelta(1), ordinal=1
        )
        uow.signing_keys.add(second)
        uow.signing_keys.retire(first.id, at=NOW + timedelta(1))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.signing_keys.active_for(org.id) == second
        assert uow.signing_keys.all_for(org.id) == [
            replace(first, retired_at=NOW + timedelta(1)),
            second,
        ]
        with pytest.raises(IntegrityError):  # one key per ordinal
            uow.signing_keys.add(replace(second, id=new_id()))


def test_catalogue_entries_and_versions(engine: Engine) -> None:
    description = json.loads((DESCRIPTIONS / "data-protection-by-design.json").read_text())
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        v1 = new_version(uow, org, description, slug="data-protection")
        entry = uow.catalogue.get_entry(v1.entry_id)
        assert entry is not None
        assert uow.catalogue.entry_by_slug(org.id, "data-protection") == entry
        assert uow.catalogue.entries_for(org.id) == [entry]
        v2 = CatalogueVersion(new_id(), entry.id, org.id, 2, description | {"version": "2"}, NOW)
        uow.catalogue.add_version(v2)
        uow.catalogue.update_entry(replace(entry, latest_version=2))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        got = uow.catalogue.get_version(v1.id)
        assert got == v1
        assert got is not None
        assert list(got.description) == list(description)  # key order kept
        assert uow.catalogue.version_of(entry.id, 2) == v2
        assert uow.catalogue.version_of(entry.id, 3) is None
        assert uow.catalogue.get_entry(entry.id) == replace(entry, latest_version=2)
        uow.catalogue.set_published(v2.id, at=NOW)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.catalogue.get_entry(entry.id) == replace(
            entry, latest_version=2, published_version=2
        )
        assert uow.catalogue.get_version(v2.id) == replace(v2, published_at=NOW)
        with pytest.raises(IntegrityError):  # (entry, version) is unique
            uow.catalogue.add_version(replace(v2, id=new_id()))


def test_awards_round_trip_and_keep_the_signed_text(engine: Engine) -> None:
    signed = (
        '{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"Zoë Ó Briain ✓ 😀",'
        '"sep":"\u2028\u2029","escaped":"\\u00e9\\n","big":"' + "x" * 300_000 + '"}\n  '
    )
    org, version, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        revocation = uow.status_lists.reserve(org.id, "revocation", 2, rng=rng(1), key_id=key)
        suspension = uow.status_lists.reserve(org.id, "suspension", 1, rng=rng(2), key_id=key)
        with_suspension = new_award(version, revocation[0], suspension[0], credential=signed)
        plain = new_award(
            version,
            revocation[1],
            learner={"given_name": "Seán", "family_name": "Ó Briain", "did": "did:key:z6Mk"},
            valid_until=None,
            row_key="row-1",
            version_id=None,  # supplied through the W3C VC API
        )
        uow.awards.add_many([with_suspension, plain])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        got = uow.awards.get(with_suspension.id)
        assert got == with_suspension
        assert got is not None
        assert got.credential.encode() == signed.encode()
        assert uow.awards.get(plain.id) == plain
        assert uow.awards.by_credential_id(plain.credential_id) == plain
        assert uow.awards.get("absent") is None
        assert uow.awards.existing_row_keys(org.id, ["row-1", "row-2"]) == {"row-1"}
        assert uow.awards.existing_row_keys(new_id(), ["row-1"]) == set()
        uow.awards.set_state(plain.id, state="revoked", reason="fraud", at=NOW)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.awards.get(plain.id) == replace(plain, state="revoked", state_reason="fraud")


def test_award_listing_and_search(engine: Engine) -> None:
    org, version, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        refs = uow.status_lists.reserve(org.id, "revocation", 3, rng=rng(3), key_id=key)
        people = [
            {"name": "Zoë Dubois", "email": "zoe@example.fr"},
            {"name": "Aoife Murphy", "email": "AOIFE@example.ie"},
            {"name": "Ana 100%_Real", "email": "ana@example.es"},
        ]
        made = [
            new_award(version, ref, learner=person, issued_at=NOW + timedelta(minutes=i))
            for i, (ref, person) in enumerate(zip(refs, people, strict=True))
        ]
        uow.awards.add_many(made)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.awards.list_for(org.id, text=None, limit=10, offset=0) == made
        assert uow.awards.list_for(org.id, text=None, limit=2, offset=1) == made[1:3]
        assert uow.awards.list_for(org.id, text="ZOË", limit=10, offset=0) == [made[0]]
        assert uow.awards.list_for(org.id, text="aoife@", limit=10, offset=0) == [made[1]]
        assert uow.awards.list_for(org.id, text="100%_", limit=10, offset=0) == [made[2]]
        assert uow.awards.list_for(org.id, text="0%", limit=10, offset=0) == [made[2]]
        assert uow.awards.list_for(org.id, text="%", limit=10, offset=0) == [made[2]]
        assert uow.awards.list_for(org.id, text=made[1].credential_id, limit=10, offset=0) == [
            made[1]
        ]
        assert uow.awards.list_for(new_id(), text=None, limit=10, offset=0) == []


def test_rollback_leaves_nothing(engine: Engine) -> None:
    org, version, key = committed_org_version_key(engine)
    new_org_id = ""
    with pytest.raises(RuntimeError, match="boom"), SqlUnitOfWork(engine) as uow:
        (ref,) = uow.status_lists.reserve(org.id, "revocation", 1, rng=rng(4), key_id=key)
        uow.awards.add_many([new_award(version, ref)])
        uow.audit.record(AuditEvent(new_id(), org.id, "test", "award.issued", "x", NOW))
        new_org_id = new_org(uow).id
        raise RuntimeError("boom")
    with SqlUnitOfWork(engine) as uow:
        assert uow.organisations.get(new_org_id) is None
        assert uow.audit.list_for(org.id, limit=10, offset=0) == []
        assert uow.awards.list_for(org.id, text=None, limit=10, offset=0) == []
    with engine.connect() as connection:
        count = select(func.count()).select_from(awards).where(awards.c.organisation_id == org.id)
        assert connection.execute(count).scalar_one() == 0
        count = (
            select(func.count()).select_from(organisations).where(organisations.c.id == new_org_id)
        )
        assert connection.execute(count).scalar_one() == 0


def test_leaving_without_commit_rolls_back(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
    with SqlUnitOfWork(engine) as uow:
        assert uow.organisations.get(org.id) is None


def test_row_keys_and_status_positions_are_unique(engine: Engine) -> None:
    org, version, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        refs = uow.status_lists.reserve(org.id, "revocation", 4, rng=rng(5), key_id=key)
        uow.awards.add_many([new_award(version, refs[0], row_key="r1")])
        uow.awards.add_many([new_award(version, refs[1], row_key=None)])
        uow.awards.add_many([new_award(version, refs[2], row_key=None)])  # NULLs never clash
        uow.commit()
    with SqlUnitOfWork(engine) as uow, pytest.raises(IntegrityError):
        uow.awards.add_many([new_award(version, refs[3], row_key="r1")])
    with SqlUnitOfWork(engine) as uow, pytest.raises(IntegrityError):
        uow.awards.add_many([new_award(version, refs[0])])  # same revocation position
    other, other_version, other_key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine) as uow:
        (ref,) = uow.status_lists.reserve(other.id, "revocation", 1, rng=rng(6), key_id=other_key)
        uow.awards.add_many([new_award(other_version, ref, row_key="r1")])  # other org: fine
        uow.commit()


def test_bulk_jobs(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        version = new_version(uow, org)
        job = BulkJobRecord(new_id(), org.id, version.id, "ab" * 32, 3, NOW)
        newer = replace(job, id=new_id(), created_at=NOW + timedelta(1))
        uow.bulk_jobs.add(job)
        uow.bulk_jobs.add(newer)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.bulk_jobs.get(job.id) == job
        assert uow.bulk_jobs.by_source(org.id, "ab" * 32) == newer
        assert uow.bulk_jobs.by_source(org.id, "cd" * 32) is None
        done = replace(
            job,
            state="finished",
            issued=2,
            failed=1,
            report={"rows": [{"row": 3, "column": "email", "reason": "not an e-mail"}]},
            finished_at=NOW + timedelta(minutes=1),
        )
        uow.bulk_jobs.update(done)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.bulk_jobs.get(job.id) == done
        assert uow.bulk_jobs.list_for(org.id, limit=10, offset=0) == [newer, done]
        assert uow.bulk_jobs.list_for(org.id, limit=10, offset=1) == [done]


def test_audit_log(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        events = [
            AuditEvent(new_id(), org.id, "api-key:abc", "award.issued", f"award:{i}", at, {"n": i})
            for i, at in enumerate([NOW, NOW + timedelta(seconds=1), NOW + timedelta(seconds=2)])
        ]
        for event in events:
            uow.audit.record(event)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.audit.list_for(org.id, limit=10, offset=0) == events[::-1]
        assert uow.audit.list_for(org.id, limit=1, offset=1) == [events[1]]


def test_status_lists_bits_and_signed_cache(engine: Engine) -> None:
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        org = new_org(uow)
        key = new_key(uow, org)
        uow.commit()
        refs = uow.status_lists.reserve(org.id, "revocation", 3, rng=rng(7), key_id=key)
        list_id = refs[0].list_id
        before = uow.status_lists.get(list_id)
        assert before is not None
        assert (before.organisation_id, before.purpose, before.key_id, before.length) == (
            org.id,
            "revocation",
            key,
            64,
        )
        assert (before.bits, before.allocated_count, before.version) == (bytes(8), 3, 0)
        uow.status_lists.set_bits(list_id, {refs[0].index: True, 9: True}, at=NOW)
        uow.status_lists.set_bits(list_id, {9: False}, at=NOW)
        uow.status_lists.set_bits(list_id, {9: False}, at=NOW)  # no change, no new version
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        after = uow.status_lists.get(list_id)
        assert after is not None
        expected = bytearray(8)
        expected[refs[0].index // 8] |= 0x80 >> (refs[0].index % 8)
        assert (after.bits, after.version, after.updated_at) == (bytes(expected), 2, NOW)
        assert uow.status_lists.lists_for(org.id) == [after]
        assert uow.status_lists.get("absent") is None
        assert uow.status_lists.signed(list_id) is None
        uow.status_lists.store_signed(list_id, version=2, text='{"signed":"v2 ✓"}')
        uow.status_lists.store_signed(list_id, version=1, text="older")  # ignored
        assert uow.status_lists.signed(list_id) == (2, '{"signed":"v2 ✓"}')
        uow.commit()


def _publish_examples(engine: Engine) -> tuple[str, CatalogueVersion, CatalogueVersion]:
    galway = json.loads((DESCRIPTIONS / "data-protection-by-design.json").read_text())
    lyon = json.loads((DESCRIPTIONS / "fondamentaux-cybersecurite.json").read_text())
    with SqlUnitOfWork(engine) as uow:
        org = new_org(uow)
        a = new_version(uow, org, galway, publish=True, slug="a-data-protection")
        b = new_version(
            uow, org, lyon, publish=True, slug="b-cyber", created_at=NOW + timedelta(seconds=1)
        )
        new_version(uow, org, galway | {"id": "draft"}, slug="c-draft")  # never published
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        a_got, b_got = uow.catalogue.get_version(a.id), uow.catalogue.get_version(b.id)
    assert a_got is not None
    assert b_got is not None
    return org.id, a_got, b_got


@pytest.fixture(scope="module")
def published(engine: Engine) -> tuple[str, CatalogueVersion, CatalogueVersion]:
    return _publish_examples(engine)


ESCO = "http://data.europa.eu/esco/skill/80f308e6-0e09-404a-80cd-ec5f50f6f304"


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({}, "ab"),
        ({"text": "DATA PROTECTION"}, "a"),
        ({"text": "cosaint"}, "a"),  # Irish title
        ({"text": "hameçonnage"}, "b"),  # French learning outcome
        ({"text": "HAMEÇONNAGE"}, "b"),
        ({"text": "pseudonymisation"}, "a"),  # English learning outcome
        ({"text": "hybride"}, "b"),  # description
        ({"text": "50 %"}, ""),  # only in grading, not searched
        ({"text": "%"}, ""),
        ({"eqf_level": 6}, "a"),
        ({"eqf_level": 5}, "b"),
        ({"ects_min": 4}, "a"),
        ({"ects_max": 4}, "b"),
        ({"ects_min": 3, "ects_max": 5}, "ab"),
        ({"language": "FR"}, "b"),
        ({"language": "en"}, "a"),
        ({"participation": "online"}, "a"),
        ({"participation": "Blended"}, "b"),
        ({"participation": "onsite"}, ""),
        ({"esco_skill": ESCO}, "b"),
        ({"text": "data", "eqf_level": 5}, ""),
        ({"text": "cyber", "language": "fr", "eqf_level": 5, "participation": "blended"}, "b"),
    ],
)
def test_catalogue_search(
    published: tuple[str, CatalogueVersion, CatalogueVersion],
    engine: Engine,
    criteria: dict[str, Any],
    expected: str,
) -> None:
    org_id, a, b = published
    found = {v.id for v in _search(engine, CatalogueQuery(organisation_id=org_id, **criteria))}
    assert found == {v.id for name, v in (("a", a), ("b", b)) if name in expected}


def _search(engine: Engine, query: CatalogueQuery, **page: int) -> list[CatalogueVersion]:
    with SqlUnitOfWork(engine) as uow:
        return uow.catalogue.search_published(
            query, limit=page.get("limit", 50), offset=page.get("offset", 0)
        )


def test_catalogue_search_pages_in_a_stable_order(
    published: tuple[str, CatalogueVersion, CatalogueVersion], engine: Engine
) -> None:
    org_id, a, b = published
    query = CatalogueQuery(organisation_id=org_id)
    assert _search(engine, query) == [a, b]  # in the order written
    assert _search(engine, query, limit=1) == [a]
    assert _search(engine, query, limit=1, offset=1) == [b]
    assert _search(engine, query, offset=2) == []
    everyone = _search(engine, CatalogueQuery(), limit=1000)
    assert a in everyone
    assert b in everyone


def test_reading_holds_no_lock_and_a_later_write_still_commits(engine: Engine) -> None:
    # Like PostgreSQL's READ COMMITTED, also on SQLite: a unit of work that has only read does not
    # block writers, and writes after another one committed (no SQLITE_BUSY_SNAPSHOT).
    with SqlUnitOfWork(engine) as first:
        assert first.organisations.get(new_id()) is None
        with SqlUnitOfWork(engine) as second:
            other = new_org(second)
            second.commit()
        assert first.organisations.get(other.id) == other  # sees the newest commit
        mine = new_org(first)
        first.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.organisations.get(mine.id) == mine


def test_status_positions_inside_an_open_write(engine: Engine) -> None:
    # Reserving after the unit of work wrote: never a deadlock with its own write lock.
    org, version, key = committed_org_version_key(engine)
    with SqlUnitOfWork(engine, status_list_length=64) as uow:
        uow.audit.record(AuditEvent(new_id(), org.id, "test", "award.issued", "x", NOW))
        refs = uow.status_lists.reserve(org.id, "revocation", 2, rng=rng(8), key_id=key)
        uow.awards.add_many([new_award(version, ref) for ref in refs])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert len(uow.awards.list_for(org.id, text=None, limit=10, offset=0)) == 2


def test_audit_events_are_visible_before_commit(engine: Engine) -> None:
    org, _, _ = committed_org_version_key(engine)
    event = AuditEvent(new_id(), org.id, "api-key:abc", "key.rotated", "key:1", NOW, {"k": "✓"})
    with SqlUnitOfWork(engine) as uow:
        uow.audit.record(event)
        assert uow.audit.list_for(org.id, limit=10, offset=0) == [event]
    with SqlUnitOfWork(engine) as uow:
        assert uow.audit.list_for(org.id, limit=10, offset=0) == []


def test_concurrent_progress_updates_are_never_lost(engine: Engine) -> None:
    # Bulk workers read a job, add their counts and write it back: `get` locks the row.
    org, version, _ = committed_org_version_key(engine)
    job = BulkJobRecord(new_id(), org.id, version.id, "ef" * 32, 1000, NOW)
    with SqlUnitOfWork(engine) as uow:
        uow.bulk_jobs.add(job)
        uow.commit()

    def worker() -> None:
        for _ in range(25):
            with SqlUnitOfWork(engine) as uow:
                current = uow.bulk_jobs.get(job.id)
                assert current is not None
                time.sleep(0.001)
                uow.bulk_jobs.update(replace(current, issued=current.issued + 1))
                uow.commit()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with SqlUnitOfWork(engine) as uow:
        done = uow.bulk_jobs.get(job.id)
    assert done is not None
    assert done.issued == 75
