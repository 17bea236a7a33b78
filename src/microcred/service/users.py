"""People of an organisation (issue 3, "Organisations, people, keys"): users with one role each.

Owners add, re-role and remove users; any role may list them. An e-mail is kept lower-case and
is unique in the organisation; removal is soft, and adding a removed e-mail again restores that
user. An organisation never loses its last active owner user: removing or demoting it is a
Conflict. Another organisation's user is NotFound. Sign-in is in
:mod:`microcred.service.accounts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Final, get_args

from microcred.core.model.validation import is_email
from microcred.errors import InvalidInputError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict
from microcred.service.ids import new_id
from microcred.service.ports import Clock, RandomBytes, UnitOfWork, UnitOfWorkFactory
from microcred.service.records import Principal, Role, UserRecord

MAX_NAME_CHARS: Final = 200


def normalise_email(email: object) -> str:
    """``email`` trimmed and lower-cased; InvalidInputError when it is not an e-mail address."""
    text = email.strip().lower() if isinstance(email, str) else ""
    if not is_email(text):
        raise InvalidInputError(f"email: {email!r} is not an e-mail address")
    return text


def _check_role(role: object) -> Role:
    roles: tuple[Role, ...] = get_args(Role)
    for known in roles:
        if role == known:
            return known
    raise InvalidInputError(f"role: must be one of {', '.join(roles)}, not {role!r}")


def _check_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > MAX_NAME_CHARS:
        raise InvalidInputError(f"name: 1 to {MAX_NAME_CHARS} characters are required")
    return text


def _audit(
    tx: UnitOfWork,
    principal: Principal,
    action: str,
    user: UserRecord,
    *,
    details: Mapping[str, object],
    clock: Clock,
    rng: RandomBytes,
) -> None:
    record_audit(
        tx,
        organisation_id=principal.organisation_id,
        actor=principal.actor,
        action=action,
        subject=user.id,
        details={"email": user.email, **details},
        clock=clock,
        rng=rng,
    )


def _active_user(tx: UnitOfWork, principal: Principal, user_id: str) -> UserRecord:
    user = check_owned(principal, tx.users.get(user_id), "user", user_id)
    if user.removed_at is not None:
        raise Conflict(f"user {user_id!r} has been removed")
    return user


def _keep_an_owner(tx: UnitOfWork, user: UserRecord) -> None:
    """Conflict when ``user`` is the organisation's last active owner user."""
    if user.role != "owner":
        return
    owners = [
        u
        for u in tx.users.list_for(user.organisation_id)
        if u.role == "owner" and u.removed_at is None
    ]
    if [u.id for u in owners] == [user.id]:
        raise Conflict("the organisation must keep at least one active owner user")


def add_user(
    principal: Principal,
    *,
    email: str,
    name: str,
    role: Role,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> UserRecord:
    """Owner only: a new user of the principal's organisation. An active user with the same
    e-mail is a Conflict; a removed one is restored with the new name and role."""
    require_role(principal, "owner")
    address = normalise_email(email)
    checked_name, checked_role = _check_name(name), _check_role(role)
    with uow() as tx:
        existing = tx.users.by_email(principal.organisation_id, address)
        if existing is not None and existing.removed_at is None:
            raise Conflict(f"email: {address!r} is already a user of this organisation")
        if existing is not None:
            user = replace(existing, name=checked_name, role=checked_role, removed_at=None)
            tx.users.update(user)
        else:
            user = UserRecord(
                id=new_id(rng),
                organisation_id=principal.organisation_id,
                email=address,
                name=checked_name,
                role=checked_role,
                created_at=clock(),
            )
            tx.users.add(user)
        details = {"role": checked_role, "restored": existing is not None}
        _audit(tx, principal, "user.added", user, details=details, clock=clock, rng=rng)
        tx.commit()
    return user


def list_users(
    principal: Principal, *, uow: UnitOfWorkFactory, include_removed: bool = False
) -> list[UserRecord]:
    """Viewer and up: the organisation's users, oldest first (removed ones on request)."""
    require_role(principal, "viewer")
    with uow() as tx:
        users = tx.users.list_for(principal.organisation_id)
    return [u for u in users if include_removed or u.removed_at is None]


def get_user(principal: Principal, user_id: str, *, uow: UnitOfWorkFactory) -> UserRecord:
    """Viewer and up: one user of the organisation, removed or not."""
    require_role(principal, "viewer")
    with uow() as tx:
        return check_owned(principal, tx.users.get(user_id), "user", user_id)


def change_role(
    principal: Principal,
    user_id: str,
    *,
    role: Role,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> UserRecord:
    """Owner only: give an active user another role; demoting the last owner is a Conflict.
    Giving the role the user already has changes nothing."""
    require_role(principal, "owner")
    checked_role = _check_role(role)
    with uow() as tx:
        user = _active_user(tx, principal, user_id)
        if user.role == checked_role:
            return user
        _keep_an_owner(tx, user)
        changed = replace(user, role=checked_role)
        tx.users.update(changed)
        details = {"previous_role": user.role, "role": checked_role}
        _audit(tx, principal, "user.role_changed", changed, details=details, clock=clock, rng=rng)
        tx.commit()
    return changed


def remove_user(
    principal: Principal,
    user_id: str,
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> UserRecord:
    """Owner only: soft-delete a user; removing the last active owner is a Conflict.
    Removing twice changes nothing."""
    require_role(principal, "owner")
    with uow() as tx:
        user = check_owned(principal, tx.users.get(user_id), "user", user_id)
        if user.removed_at is not None:
            return user
        _keep_an_owner(tx, user)
        removed = replace(user, removed_at=clock())
        tx.users.update(removed)
        details = {"role": user.role}
        _audit(tx, principal, "user.removed", removed, details=details, clock=clock, rng=rng)
        tx.commit()
    return removed
