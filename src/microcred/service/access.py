"""Authorisation: one organisation never touches another's things; roles rank
viewer < issuer < owner (viewers read, issuers issue and revoke, owners manage keys)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.records import Principal, Role


class _Owned(Protocol):
    @property
    def organisation_id(self) -> str: ...


_T = TypeVar("_T", bound=_Owned)


def require_role(principal: Principal, role: Role) -> None:
    """PermissionDenied unless ``principal`` has at least ``role`` in its organisation."""
    if not principal.may(role):
        raise PermissionDenied(f"this needs the {role} role; the caller is {principal.role}")


def require(principal: Principal, organisation_id: str, role: Role) -> None:
    """PermissionDenied unless ``principal`` acts for ``organisation_id`` with ``role``."""
    if principal.organisation_id != organisation_id:
        raise PermissionDenied("the caller may not act for another organisation")
    require_role(principal, role)


def check_owned(principal: Principal, thing: _T | None, what: str, ident: str) -> _T:
    """``thing`` when it exists and belongs to the principal's organisation, else NotFound
    (another organisation's things are indistinguishable from missing ones)."""
    if thing is None or thing.organisation_id != principal.organisation_id:
        raise NotFound(f"{what} {ident!r} not found")
    return thing
