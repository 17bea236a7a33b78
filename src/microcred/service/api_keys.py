"""API keys of organisations: ``mc_<prefix>_<secret>``, shown once, stored as the prefix and
SHA-256 of the secret, compared in constant time, revocable, each with one role."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, get_args

from microcred.errors import InvalidInputError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Unauthenticated
from microcred.service.ids import new_id
from microcred.service.ports import Clock, RandomBytes, UnitOfWork, UnitOfWorkFactory
from microcred.service.records import ApiKeyRecord, Principal, Role

KEY_SCHEME: Final = "mc"
_PREFIX_BYTES: Final = 6
_SECRET_BYTES: Final = 32
_DUMMY_HASH: Final = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True)
class ApiKeyInfo:
    """An API key as its owners may see it: never the secret nor its hash."""

    id: str
    organisation_id: str
    prefix: str
    role: Role
    label: str
    created_at: datetime
    revoked_at: datetime | None = None


def _info(record: ApiKeyRecord) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=record.id,
        organisation_id=record.organisation_id,
        prefix=record.prefix,
        role=record.role,
        label=record.label,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_api_key(
    tx: UnitOfWork,
    *,
    organisation_id: str,
    role: Role,
    label: str,
    clock: Clock,
    rng: RandomBytes,
) -> tuple[ApiKeyInfo, str]:
    """Add a key to the open unit of work; returns it and the full key text (shown once)."""
    if role not in get_args(Role):
        raise InvalidInputError(f"role: must be one of {', '.join(get_args(Role))}, not {role!r}")
    prefix, secret = rng(_PREFIX_BYTES).hex(), rng(_SECRET_BYTES).hex()
    record = ApiKeyRecord(
        id=new_id(rng),
        organisation_id=organisation_id,
        prefix=prefix,
        secret_hash=_hash(secret),
        role=role,
        label=label,
        created_at=clock(),
    )
    tx.api_keys.add(record)
    return _info(record), f"{KEY_SCHEME}_{prefix}_{secret}"


def create_api_key(
    principal: Principal,
    *,
    role: Role,
    label: str,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> tuple[ApiKeyInfo, str]:
    """Owner only: a new key of the principal's organisation and its text, shown this once."""
    require_role(principal, "owner")
    with uow() as tx:
        info, text = new_api_key(
            tx,
            organisation_id=principal.organisation_id,
            role=role,
            label=label,
            clock=clock,
            rng=rng,
        )
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="api_key.created",
            subject=info.id,
            details={"prefix": info.prefix, "role": role, "label": label},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return info, text


def list_api_keys(principal: Principal, *, uow: UnitOfWorkFactory) -> list[ApiKeyInfo]:
    """Owner only: the organisation's keys, revoked ones included."""
    require_role(principal, "owner")
    with uow() as tx:
        return [_info(k) for k in tx.api_keys.list_for(principal.organisation_id)]


def revoke_api_key(
    principal: Principal,
    key_id: str,
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> ApiKeyInfo:
    """Owner only: the key stops authenticating at once. Revoking twice changes nothing."""
    require_role(principal, "owner")
    with uow() as tx:
        found = next(
            (k for k in tx.api_keys.list_for(principal.organisation_id) if k.id == key_id), None
        )
        record = check_owned(principal, found, "API key", key_id)
        if record.revoked_at is not None:
            return _info(record)
        at = clock()
        tx.api_keys.revoke(key_id, at=at)
        record_audit(
            tx,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            action="api_key.revoked",
            subject=key_id,
            details={"prefix": record.prefix},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return replace(_info(record), revoked_at=at)


def authenticate(key_text: str, *, uow: UnitOfWorkFactory) -> Principal:
    """The principal of an API key; Unauthenticated for a malformed, unknown or revoked key."""
    scheme, _, rest = key_text.strip().partition("_") if isinstance(key_text, str) else ("", "", "")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or not prefix or not secret:
        raise Unauthenticated("not a microcred API key (expected mc_<prefix>_<secret>)")
    with uow() as tx:
        record = tx.api_keys.by_prefix(prefix)
    expected = record.secret_hash if record is not None else _DUMMY_HASH
    matches = hmac.compare_digest(_hash(secret), expected)
    if record is None or not matches or record.revoked_at is not None:
        raise Unauthenticated("unknown or revoked API key")
    return Principal(
        organisation_id=record.organisation_id, role=record.role, actor=f"api-key:{record.prefix}"
    )
