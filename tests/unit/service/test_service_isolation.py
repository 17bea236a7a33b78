"""One organisation can never read, issue as, revoke for or change another; roles rank
viewer < issuer < owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from service_support import LEARNER, Env

from microcred.service import (
    api_keys,
    audit,
    awards,
    catalogue,
    issuing,
    organisations,
    signing_keys,
    status_lists,
)
from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.issuing import IssueRequest


@pytest.fixture(scope="module")
def two_tenants() -> dict[str, Any]:
    env = Env()
    org_a, owner_a = env.organisation("Alpha University")
    _, owner_b = env.organisation("Beta Institute")
    version_a = env.published(owner_a)
    award_a = env.issue(owner_a, version_a, suspendable=True)
    key_a, _ = api_keys.create_api_key(owner_a, role="viewer", label="ci", **env.writes)
    version_b = env.published(owner_b)
    award_b = env.issue(owner_b, version_b)
    return {
        "env": env,
        "org_a": org_a,
        "a": owner_a,
        "b": owner_b,
        "version_a": version_a,
        "award_a": award_a,
        "key_a": key_a,
        "award_b": award_b,
    }


def _attempts(t: dict[str, Any]) -> dict[str, Callable[[], object]]:
    env, b = t["env"], t["b"]
    version, award = t["version_a"], t["award_a"]
    return {
        "get organisation": lambda: organisations.get_organisation(b, t["org_a"].id, uow=env.uow),
        "get entry": lambda: catalogue.get_entry(b, version.entry_id, uow=env.uow),
        "list versions": lambda: catalogue.list_versions(b, version.entry_id, uow=env.uow),
        "get version": lambda: catalogue.get_version(b, version.id, uow=env.uow),
        "add version": lambda: catalogue.add_version(
            b, version.entry_id, description=version.description, **env.writes
        ),
        "publish version": lambda: catalogue.publish_version(b, version.id, **env.writes),
        "issue as": lambda: env.issue(b, version),
        "issue batch as": lambda: issuing.issue_batch(
            b, version_id=version.id, rows=[IssueRequest(LEARNER)], **env.issues
        ),
        "get award": lambda: awards.get_award(b, award.id, uow=env.uow),
        "revoke": lambda: status_lists.revoke(b, award.id, **env.changes_status),
        "suspend": lambda: status_lists.suspend(b, award.id, **env.changes_status),
        "unsuspend": lambda: status_lists.unsuspend(b, award.id, **env.changes_status),
        "bulk revoke": lambda: status_lists.bulk_revoke(
            b, [t["award_b"].id, award.id], **env.changes_status
        ),
        "revoke API key": lambda: api_keys.revoke_api_key(b, t["key_a"].id, **env.writes),
    }


ATTEMPTS = [
    "get organisation",
    "get entry",
    "list versions",
    "get version",
    "add version",
    "publish version",
    "issue as",
    "issue batch as",
    "get award",
    "revoke",
    "suspend",
    "unsuspend",
    "bulk revoke",
    "revoke API key",
]


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_organisation_b_cannot_touch_organisation_a(
    two_tenants: dict[str, Any], attempt: str
) -> None:
    env = two_tenants["env"]
    commits = env.store.commits
    with pytest.raises((PermissionDenied, NotFound)):
        _attempts(two_tenants)[attempt]()
    assert env.store.commits == commits  # nothing changed anywhere
    a_award = awards.get_award(two_tenants["a"], two_tenants["award_a"].id, uow=env.uow)
    assert a_award.state == "active"
    b_award = awards.get_award(two_tenants["b"], two_tenants["award_b"].id, uow=env.uow)
    assert b_award.state == "active"  # the bulk revoke mixing both revoked nothing


def test_listings_only_show_the_callers_organisation(two_tenants: dict[str, Any]) -> None:
    env, a, b = two_tenants["env"], two_tenants["a"], two_tenants["b"]
    assert {e.organisation_id for e in catalogue.list_entries(b, uow=env.uow)} == {
        b.organisation_id
    }
    assert [x.id for x in awards.list_awards(b, uow=env.uow)] == [two_tenants["award_b"].id]
    assert {k.organisation_id for k in api_keys.list_api_keys(b, uow=env.uow)} == {
        b.organisation_id
    }
    assert {e.organisation_id for e in audit.list_audit(b, uow=env.uow, limit=200)} == {
        b.organisation_id
    }
    assert len(api_keys.list_api_keys(a, uow=env.uow)) == 2


def test_rotating_b_leaves_a_alone(two_tenants: dict[str, Any]) -> None:
    env, a, b = two_tenants["env"], two_tenants["a"], two_tenants["b"]
    before = signing_keys.public_keys(a.organisation_id, uow=env.uow, base_url=env.base_url)
    signing_keys.rotate_key(b, **env.keys)
    after = signing_keys.public_keys(a.organisation_id, uow=env.uow, base_url=env.base_url)
    assert before == after


ROLE_NEEDS = {
    "create entry": "issuer",
    "publish": "issuer",
    "issue": "issuer",
    "revoke": "issuer",
    "rotate key": "owner",
    "create API key": "owner",
    "list API keys": "owner",
}


def _act(env: Env, who: Any, action: str, version: Any, award: Any) -> object:
    if action == "create entry":
        return catalogue.create_entry(who, description=version.description, slug="x", **env.writes)
    if action == "publish":
        return catalogue.publish_version(who, version.id, **env.writes)
    if action == "issue":
        return env.issue(who, version)
    if action == "revoke":
        return status_lists.revoke(who, award.id, **env.changes_status)
    if action == "rotate key":
        return signing_keys.rotate_key(who, **env.keys)
    if action == "create API key":
        return api_keys.create_api_key(who, role="viewer", label="x", **env.writes)
    return api_keys.list_api_keys(who, uow=env.uow)


@pytest.mark.parametrize("action", sorted(ROLE_NEEDS))
@pytest.mark.parametrize("role", ["viewer", "issuer", "owner"])
def test_roles(role: str, action: str) -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    award = env.issue(owner, version)
    _, secret = api_keys.create_api_key(owner, role=role, label=role, **env.writes)  # type: ignore[arg-type]
    who = api_keys.authenticate(secret, uow=env.uow)
    rank = ["viewer", "issuer", "owner"]
    if rank.index(role) >= rank.index(ROLE_NEEDS[action]):
        _act(env, who, action, version, award)
    else:
        with pytest.raises(PermissionDenied):
            _act(env, who, action, version, award)


def test_viewers_read(two_tenants: dict[str, Any]) -> None:
    env = two_tenants["env"]
    viewer_secret = api_keys.create_api_key(
        two_tenants["a"], role="viewer", label="reader", **env.writes
    )[1]
    viewer = api_keys.authenticate(viewer_secret, uow=env.uow)
    assert awards.get_award(viewer, two_tenants["award_a"].id, uow=env.uow).id
    assert catalogue.get_version(viewer, two_tenants["version_a"].id, uow=env.uow).version == 1
    assert audit.list_audit(viewer, uow=env.uow)


def test_every_attempt_is_parametrised(two_tenants: dict[str, Any]) -> None:
    assert sorted(ATTEMPTS) == sorted(_attempts(two_tenants))
