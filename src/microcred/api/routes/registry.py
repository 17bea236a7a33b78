"""The trust registry over HTTP (issue 5, "Trusted providers").

``GET /registry``: public, the signed ``TrustedProviderList`` credential. Administration
(``/api/v1/registry``) needs an owner API key of a platform administrator organisation (the
setting ``MICROCRED_ADMIN_ORGS``: organisation ids); see ``docs/trust-registry.md``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from microcred.api.dependencies import ApiServices, Caller, Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.service import registry
from microcred.service.trust_ports import TrustUnitOfWorkFactory
from microcred.service.trust_records import RegistryEntryRecord

router = APIRouter(tags=["Trust registry"], responses=PROBLEM_RESPONSES)


def trust_uow(container: ApiServices) -> TrustUnitOfWorkFactory:
    """The unit of work with the registry, pathway and recognition repositories."""
    return cast(TrustUnitOfWorkFactory, container.uow)


def admin_organisations(container: ApiServices) -> Collection[str]:
    """The platform administrator organisations (setting ``admin_orgs``; none by default)."""
    return container.settings.admin_orgs


class EntryOut(BaseModel):
    id: str
    provider: dict[str, Any] = Field(description="did, legal_name, country, qa_type, ...")


def entry_out(entry: RegistryEntryRecord) -> EntryOut:
    return EntryOut(id=entry.id, provider=entry.provider.to_dict())


class ImportOut(BaseModel):
    added: list[EntryOut]
    skipped: int


@router.get("/registry", summary="The signed list of trusted providers (public)")
def signed_list(container: Services) -> dict[str, Any]:
    """A ``TrustedProviderList`` credential signed by the platform operator's key."""
    return registry.signed_registry(
        admins=admin_organisations(container),
        uow=trust_uow(container),
        cipher=container.cipher,
        clock=container.clock,
        base_url=container.base_url,
    )


@router.get("/api/v1/registry", summary="The registry's entries")
def list_entries(container: Services) -> list[EntryOut]:
    return [entry_out(e) for e in registry.list_entries(uow=trust_uow(container))]


@router.post(
    "/api/v1/registry", status_code=status.HTTP_201_CREATED, summary="Add an accreditation"
)
def add_entry(body: dict[str, Any], caller: Caller, container: Services) -> EntryOut:
    """Platform administrator: one entry (did, legal_name, country, qa_type,
    accrediting_body, valid_from, valid_until)."""
    entry = registry.add_entry(
        caller,
        body,
        admins=admin_organisations(container),
        uow=trust_uow(container),
        clock=container.clock,
        rng=container.rng,
    )
    return entry_out(entry)


@router.post("/api/v1/registry/import", summary="Import a JSON or CSV registry file")
async def import_file(request: Request, caller: Caller, container: Services) -> ImportOut:
    """Platform administrator: the body is the file (``text/csv`` or JSON); all rows or none."""
    body = await request.body()
    is_csv = "csv" in request.headers.get("content-type", "")
    added, skipped = registry.import_entries(
        caller,
        body,
        name="registry.csv" if is_csv else "registry.json",
        admins=admin_organisations(container),
        uow=trust_uow(container),
        clock=container.clock,
        rng=container.rng,
    )
    return ImportOut(added=[entry_out(e) for e in added], skipped=skipped)


@router.delete(
    "/api/v1/registry/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an accreditation",
)
def remove_entry(entry_id: str, caller: Caller, container: Services) -> None:
    registry.remove_entry(
        caller,
        entry_id,
        admins=admin_organisations(container),
        uow=trust_uow(container),
        clock=container.clock,
        rng=container.rng,
    )
