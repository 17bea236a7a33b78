"""Reading awards: the organisation's own (any role), and a credential's public JSON."""

from __future__ import annotations

from microcred.service.access import check_owned, require_role
from microcred.service.catalogue import MAX_PAGE
from microcred.service.errors import NotFound
from microcred.service.ports import UnitOfWorkFactory
from microcred.service.records import AwardRecord, Principal


def get_award(principal: Principal, award_id: str, *, uow: UnitOfWorkFactory) -> AwardRecord:
    """Any role: one award of the principal's organisation."""
    require_role(principal, "viewer")
    with uow() as tx:
        return check_owned(principal, tx.awards.get(award_id), "award", award_id)


def award_by_credential_id(
    principal: Principal, credential_id: str, *, uow: UnitOfWorkFactory
) -> AwardRecord:
    """Any role: the award whose credential has ``id`` ``credential_id``."""
    require_role(principal, "viewer")
    with uow() as tx:
        return check_owned(
            principal, tx.awards.by_credential_id(credential_id), "credential", credential_id
        )


def list_awards(
    principal: Principal,
    *,
    uow: UnitOfWorkFactory,
    text: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AwardRecord]:
    """Any role: the organisation's awards, optionally filtered by ``text`` (store-defined)."""
    require_role(principal, "viewer")
    with uow() as tx:
        return tx.awards.list_for(
            principal.organisation_id,
            text=text,
            limit=max(1, min(limit, MAX_PAGE)),
            offset=max(0, offset),
        )


def public_credential(award_id: str, *, uow: UnitOfWorkFactory) -> str:
    """Public: the exact signed credential text of an award (its ``id`` URL serves it)."""
    with uow() as tx:
        award = tx.awards.get(award_id)
    if award is None:
        raise NotFound(f"credential {award_id!r} not found")
    return award.credential
