"""The platform's trust registry of accredited providers (issue 5, "Trusted providers").

Who manages it: a platform administrator. Roles are per organisation, so the operator names
the administrator organisations (``admins``: organisation ids, from the setting
``MICROCRED_ADMIN_ORGS``); an owner of one of them is an administrator. The local operator
(the CLI, which holds the database) acts with ``caller=None``.

Published as a signed list: a ``TrustedProviderList`` credential signed with the active key of
the first administrator organisation (the platform operator's own organisation), so anyone can
check that the list comes from the platform and is intact.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from microcred.core.jsonld.loader import DocumentLoader, default_loader
from microcred.core.securing import secure_credential
from microcred.core.trust.registry import (
    NoRegistry,
    TrustedProvider,
    TrustRegistry,
    TrustResult,
    parse_registry,
    provider_from_mapping,
    registry_list_credential,
)
from microcred.core.verify.checks import TrustLookup
from microcred.errors import SpecValidationError
from microcred.service.audit import record_audit
from microcred.service.errors import NotFound, PermissionDenied
from microcred.service.ids import new_id
from microcred.service.ports import Clock, KeyCipher, RandomBytes, UnitOfWorkFactory
from microcred.service.records import Principal
from microcred.service.signing_keys import load_issuer_identity
from microcred.service.trust_ports import TrustUnitOfWork, TrustUnitOfWorkFactory
from microcred.service.trust_records import RegistryEntryRecord
from microcred.service.urls import site_url

OPERATOR = "cli:operator"


def require_admin(caller: Principal | None, admins: Collection[str]) -> str:
    """The actor name when ``caller`` is a platform administrator (an owner of an
    administrator organisation) or the local operator (None); PermissionDenied otherwise."""
    if caller is None:
        return OPERATOR
    if caller.organisation_id not in admins or not caller.may("owner"):
        raise PermissionDenied("this needs a platform administrator (an owner of an admin org)")
    return caller.actor


def _audit(
    tx: TrustUnitOfWork,
    caller: Principal | None,
    action: str,
    subject: str,
    details: Mapping[str, Any],
    *,
    clock: Clock,
    rng: RandomBytes,
) -> None:
    if caller is not None:  # the registry is platform-wide; an admin's org keeps the trail
        record_audit(
            tx,
            organisation_id=caller.organisation_id,
            actor=caller.actor,
            action=action,
            subject=subject,
            details=details,
            clock=clock,
            rng=rng,
        )


def list_entries(*, uow: TrustUnitOfWorkFactory) -> list[RegistryEntryRecord]:
    """Public: every entry of the registry."""
    with uow() as tx:
        return tx.registry.list()


def add_entry(
    caller: Principal | None,
    data: Mapping[str, Any],
    *,
    admins: Collection[str],
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> RegistryEntryRecord:
    """Administrator: add one accreditation (SpecValidationError names each bad field)."""
    require_admin(caller, admins)
    provider = provider_from_mapping(data)
    entry = RegistryEntryRecord(new_id(rng), provider, clock())
    with uow() as tx:
        tx.registry.add(entry)
        _audit(tx, caller, "registry.added", entry.id, {"did": provider.did}, clock=clock, rng=rng)
        tx.commit()
    return entry


def replace_entry(
    caller: Principal | None,
    entry_id: str,
    data: Mapping[str, Any],
    *,
    admins: Collection[str],
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> RegistryEntryRecord:
    """Administrator: correct an entry (same id; NotFound if there is none, SpecValidationError
    naming each bad field, nothing changed then)."""
    require_admin(caller, admins)
    provider = provider_from_mapping(data)
    with uow() as tx:
        entry = tx.registry.get(entry_id)
        if entry is None:
            raise NotFound(f"registry entry {entry_id!r} not found")
        changed = RegistryEntryRecord(entry.id, provider, entry.created_at)
        tx.registry.remove(entry_id)
        tx.registry.add(changed)
        _audit(
            tx,
            caller,
            "registry.changed",
            entry_id,
            {"did": provider.did},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return changed


def remove_entry(
    caller: Principal | None,
    entry_id: str,
    *,
    admins: Collection[str],
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> None:
    """Administrator: remove an entry (NotFound if there is none)."""
    require_admin(caller, admins)
    with uow() as tx:
        entry = tx.registry.get(entry_id)
        if entry is None:
            raise NotFound(f"registry entry {entry_id!r} not found")
        tx.registry.remove(entry_id)
        _audit(
            tx,
            caller,
            "registry.removed",
            entry_id,
            {"did": entry.provider.did},
            clock=clock,
            rng=rng,
        )
        tx.commit()


def import_entries(
    caller: Principal | None,
    text: str | bytes,
    *,
    name: str = "",
    admins: Collection[str],
    uow: TrustUnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> tuple[list[RegistryEntryRecord], int]:
    """Administrator: import a JSON or CSV file, all rows or none (SpecValidationError with
    ``row N: ...`` for every bad row). Entries already present (same DID, quality assurance and
    validity) are skipped. Returns the added entries and how many were skipped."""
    require_admin(caller, admins)
    providers = parse_registry(text, name=name)
    if not providers:
        raise SpecValidationError(["registry file: it has no providers"])
    added: list[RegistryEntryRecord] = []
    with uow() as tx:
        present = {e.provider for e in tx.registry.list()}
        for provider in providers:
            if provider in present:
                continue
            present.add(provider)
            entry = RegistryEntryRecord(new_id(rng), provider, clock())
            tx.registry.add(entry)
            added.append(entry)
        _audit(
            tx,
            caller,
            "registry.imported",
            name or "registry",
            {"added": len(added), "skipped": len(providers) - len(added)},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return added, len(providers) - len(added)


def current_registry(*, uow: TrustUnitOfWorkFactory) -> TrustRegistry:
    """The registry as it stands, for pure lookups."""
    return TrustRegistry(tuple(e.provider for e in list_entries(uow=uow)))


def trust_lookup(uow: UnitOfWorkFactory) -> TrustLookup:
    """The verifier's ``trust`` hook over the stored registry: an empty registry (or a unit of
    work without one) is "no trust registry configured"."""

    def lookup(issuer: str | None, at: datetime | None) -> TrustResult:
        with uow() as tx:
            repository = getattr(tx, "registry", None)
            entries = repository.list() if repository is not None else []
        if not entries:
            raise NoRegistry("no trust registry configured")
        return TrustRegistry(tuple(e.provider for e in entries)).trust_of(issuer, at)

    return lookup


def signed_registry(
    *,
    admins: Collection[str],
    uow: TrustUnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    base_url: str | None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Public: the registry as a ``TrustedProviderList`` credential signed (eddsa-rdfc-2022)
    by the first administrator organisation's active key; NotFound when no administrator
    organisation is configured."""
    with uow() as tx:
        operator = next((o for o in admins if tx.organisations.get(o) is not None), None)
        if operator is None:
            raise NotFound("no platform administrator organisation is configured")
        identity = load_issuer_identity(tx, operator, cipher=cipher, base_url=base_url)
        providers: list[TrustedProvider] = [e.provider for e in tx.registry.list()]
    now = clock()
    unsigned = registry_list_credential(
        providers,
        issuer=identity.did,
        issuer_name=identity.organisation.legal_name,
        list_id=f"{site_url(base_url)}/registry",
        valid_from=now,
    )
    secured = secure_credential(
        unsigned,
        signer=identity.signer,
        suite="eddsa-rdfc-2022",
        created=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        loader=loader or default_loader(),
    )
    assert isinstance(secured, dict)
    return secured
