"""People of an organisation: owners change them, viewers list them, e-mails are lower-case and
unique per organisation, the last active owner user stays, every change is audited, and another
organisation's users are invisible."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from service_support import Env

from microcred.errors import InvalidInputError
from microcred.service import api_keys, audit, users
from microcred.service.errors import Conflict, NotFound, PermissionDenied
from microcred.service.records import Principal, UserRecord


def add(env: Env, principal: Principal, email: str, role: Any = "owner", **kw: Any) -> UserRecord:
    return users.add_user(
        principal, email=email, name=kw.pop("name", "Aoife Murphy"), role=role, **env.writes
    )


def test_add_lower_cases_the_email_and_lists_oldest_first() -> None:
    env = Env()
    org, owner = env.organisation()
    first = add(env, owner, "  Aoife.Murphy@Example.IE ")
    env.clock.advance(minutes=1)
    second = add(env, owner, "ciaran@example.ie", "issuer", name=" Ciarán Ó Súilleabháin ")
    assert first.email == "aoife.murphy@example.ie"
    assert first.organisation_id == org.id
    assert first.created_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert (second.name, second.role, second.removed_at) == (
        "Ciarán Ó Súilleabháin",
        "issuer",
        None,
    )
    assert users.list_users(owner, uow=env.uow) == [first, second]
    assert users.get_user(owner, second.id, uow=env.uow) == second


def test_the_same_email_twice_in_one_organisation_is_a_conflict_but_fine_in_another() -> None:
    env = Env()
    _, owner = env.organisation()
    _, other_owner = env.organisation("Other University")
    add(env, owner, "aoife@example.ie")
    with pytest.raises(Conflict, match="already a user"):
        add(env, owner, "AOIFE@example.ie", "viewer")
    assert add(env, other_owner, "aoife@example.ie").organisation_id == other_owner.organisation_id
    assert len(users.list_users(owner, uow=env.uow)) == 1


@pytest.mark.parametrize(
    "email", ["", "aoife", "aoife@", "@example.ie", "ao ife@example.ie", "a@b@example.ie", None]
)
def test_a_bad_email_is_invalid_input_naming_the_field(email: Any) -> None:
    env = Env()
    _, owner = env.organisation()
    with pytest.raises(InvalidInputError, match=r"^email: "):
        add(env, owner, email)
    assert users.list_users(owner, uow=env.uow) == []


@pytest.mark.parametrize("role", ["admin", "Owner", "", None])
def test_a_bad_role_is_invalid_input_on_add_and_on_change(role: Any) -> None:
    env = Env()
    _, owner = env.organisation()
    with pytest.raises(InvalidInputError, match=r"^role: must be one of owner, issuer, viewer"):
        add(env, owner, "aoife@example.ie", role)
    user = add(env, owner, "aoife@example.ie", "viewer")
    with pytest.raises(InvalidInputError, match=r"^role: "):
        users.change_role(owner, user.id, role=role, **env.writes)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, None])
def test_a_missing_or_overlong_name_is_invalid_input(name: Any) -> None:
    env = Env()
    _, owner = env.organisation()
    with pytest.raises(InvalidInputError, match=r"^name: "):
        add(env, owner, "aoife@example.ie", name=name)


@pytest.mark.parametrize("role", ["issuer", "viewer"])
def test_only_owners_change_people_and_every_role_may_list(role: str) -> None:
    env = Env()
    _, owner = env.organisation()
    user = add(env, owner, "aoife@example.ie")
    _, text = api_keys.create_api_key(owner, role=role, label=role, **env.writes)  # type: ignore[arg-type]
    lower = api_keys.authenticate(text, uow=env.uow)
    with pytest.raises(PermissionDenied, match="owner role"):
        add(env, lower, "ciaran@example.ie", "viewer")
    with pytest.raises(PermissionDenied):
        users.change_role(lower, user.id, role="viewer", **env.writes)
    with pytest.raises(PermissionDenied):
        users.remove_user(lower, user.id, **env.writes)
    assert users.list_users(lower, uow=env.uow) == [user]


def test_another_organisations_user_is_not_found_and_never_listed() -> None:
    env = Env()
    _, owner = env.organisation()
    _, intruder = env.organisation("Other University")
    user = add(env, owner, "aoife@example.ie", "issuer")
    add(env, owner, "ciaran@example.ie")
    for action in (
        lambda: users.get_user(intruder, user.id, uow=env.uow),
        lambda: users.change_role(intruder, user.id, role="owner", **env.writes),
        lambda: users.remove_user(intruder, user.id, **env.writes),
    ):
        with pytest.raises(NotFound, match=f"user '{user.id}' not found"):
            action()
    assert users.list_users(intruder, uow=env.uow) == []
    assert users.get_user(owner, user.id, uow=env.uow) == user  # untouched
    assert not [e for e in audit.list_audit(intruder, uow=env.uow) if e.action.startswith("user.")]


def test_the_last_active_owner_user_can_be_neither_demoted_nor_removed() -> None:
    env = Env()
    _, owner = env.organisation()
    first = add(env, owner, "aoife@example.ie")
    viewer = add(env, owner, "ciaran@example.ie", "viewer")
    with pytest.raises(Conflict, match="at least one active owner user"):
        users.change_role(owner, first.id, role="issuer", **env.writes)
    with pytest.raises(Conflict, match="at least one active owner user"):
        users.remove_user(owner, first.id, **env.writes)
    users.remove_user(owner, viewer.id, **env.writes)  # others go freely

    second = add(env, owner, "niamh@example.ie")
    assert users.change_role(owner, first.id, role="issuer", **env.writes).role == "issuer"
    with pytest.raises(Conflict):
        users.remove_user(owner, second.id, **env.writes)
    assert users.change_role(owner, first.id, role="owner", **env.writes).role == "owner"
    assert users.remove_user(owner, second.id, **env.writes).removed_at == env.clock.now
    assert [u.email for u in users.list_users(owner, uow=env.uow)] == ["aoife@example.ie"]


def test_removal_is_soft_idempotent_and_a_removed_user_cannot_change_role() -> None:
    env = Env()
    _, owner = env.organisation()
    add(env, owner, "aoife@example.ie")
    user = add(env, owner, "ciaran@example.ie", "issuer")
    env.clock.advance(hours=1)
    removed = users.remove_user(owner, user.id, **env.writes)
    assert removed.removed_at == env.clock.now
    env.clock.advance(hours=1)
    assert users.remove_user(owner, user.id, **env.writes) == removed  # unchanged
    with pytest.raises(Conflict, match="has been removed"):
        users.change_role(owner, user.id, role="viewer", **env.writes)
    assert [u.id for u in users.list_users(owner, uow=env.uow)] != [user.id]
    assert users.list_users(owner, uow=env.uow, include_removed=True)[-1] == removed
    assert users.get_user(owner, user.id, uow=env.uow) == removed


def test_adding_a_removed_email_again_restores_that_user() -> None:
    env = Env()
    _, owner = env.organisation()
    add(env, owner, "aoife@example.ie")
    user = add(env, owner, "ciaran@example.ie", "issuer")
    users.remove_user(owner, user.id, **env.writes)
    back = add(env, owner, "Ciaran@example.ie", "viewer", name="Ciarán")
    assert (back.id, back.role, back.name, back.removed_at) == (user.id, "viewer", "Ciarán", None)
    assert len(users.list_users(owner, uow=env.uow, include_removed=True)) == 2


def test_every_change_is_audited_with_actor_subject_and_roles() -> None:
    env = Env()
    org, owner = env.organisation()
    first = add(env, owner, "aoife@example.ie")
    user = add(env, owner, "ciaran@example.ie", "viewer")
    users.change_role(owner, user.id, role="viewer", **env.writes)  # no change: not audited
    users.change_role(owner, user.id, role="issuer", **env.writes)
    users.remove_user(owner, user.id, **env.writes)
    users.remove_user(owner, user.id, **env.writes)  # no change: not audited
    add(env, owner, "ciaran@example.ie", "viewer")
    with pytest.raises(Conflict):
        users.remove_user(owner, first.id, **env.writes)  # refused: not audited
    events = [e for e in audit.list_audit(owner, uow=env.uow) if e.action.startswith("user.")]
    assert [(e.action, e.subject, dict(e.details)) for e in reversed(events)] == [
        ("user.added", first.id, {"email": first.email, "role": "owner", "restored": False}),
        ("user.added", user.id, {"email": user.email, "role": "viewer", "restored": False}),
        (
            "user.role_changed",
            user.id,
            {"email": user.email, "previous_role": "viewer", "role": "issuer"},
        ),
        ("user.removed", user.id, {"email": user.email, "role": "issuer"}),
        ("user.added", user.id, {"email": user.email, "role": "viewer", "restored": True}),
    ]
    assert {(e.actor, e.organisation_id) for e in events} == {(owner.actor, org.id)}
