"""Platform API: an organisation's catalogue (create, version, publish, read).

An edit never changes a version: ``POST /entries/{id}/versions`` adds one, and awards point to
the exact version they were issued from. Descriptions are validated against every EU Annex I
rule by the core; a bad one is a 422 listing each problem.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from microcred.api.dependencies import Caller, Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.schemas import (
    CreatedEntry,
    DescriptionIn,
    EntryOut,
    VersionOut,
    entry_out,
    version_out,
)
from microcred.service import catalogue

router = APIRouter(prefix="/api/v1/catalogue", tags=["Catalogue"], responses=PROBLEM_RESPONSES)


@router.get("/entries", summary="List the organisation's catalogue entries")
def list_entries(caller: Caller, container: Services) -> list[EntryOut]:
    """Every entry of the caller's organisation, published or not (viewer role)."""
    return [entry_out(e) for e in catalogue.list_entries(caller, uow=container.uow)]


@router.post(
    "/entries",
    status_code=status.HTTP_201_CREATED,
    summary="Create a catalogue entry with its first version",
)
def create_entry(body: DescriptionIn, caller: Caller, container: Services) -> CreatedEntry:
    """Validate the description (EU Annex I) and store it as version 1 (issuer role)."""
    entry, version = catalogue.create_entry(
        caller,
        description=body.description,
        slug=body.slug,
        uow=container.uow,
        clock=container.clock,
        rng=container.rng,
    )
    return CreatedEntry(entry=entry_out(entry), version=version_out(version))


@router.get("/entries/{entry_id}", summary="One catalogue entry")
def get_entry(entry_id: str, caller: Caller, container: Services) -> EntryOut:
    return entry_out(catalogue.get_entry(caller, entry_id, uow=container.uow))


@router.get("/entries/{entry_id}/versions", summary="The versions of an entry")
def list_versions(entry_id: str, caller: Caller, container: Services) -> list[VersionOut]:
    return [version_out(v) for v in catalogue.list_versions(caller, entry_id, uow=container.uow)]


@router.post(
    "/entries/{entry_id}/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Add a version (an edit)",
)
def add_version(
    entry_id: str, body: DescriptionIn, caller: Caller, container: Services
) -> VersionOut:
    """A new immutable version; earlier versions and the awards issued from them stay."""
    version = catalogue.add_version(
        caller,
        entry_id,
        description=body.description,
        uow=container.uow,
        clock=container.clock,
        rng=container.rng,
    )
    return version_out(version)


@router.get("/versions/{version_id}", summary="One version")
def get_version(version_id: str, caller: Caller, container: Services) -> VersionOut:
    return version_out(catalogue.get_version(caller, version_id, uow=container.uow))


@router.post("/versions/{version_id}/publish", summary="Publish a version")
def publish_version(version_id: str, caller: Caller, container: Services) -> VersionOut:
    """Make this version the entry's public one (public catalogue, Achievement JSON)."""
    version = catalogue.publish_version(
        caller, version_id, uow=container.uow, clock=container.clock, rng=container.rng
    )
    return version_out(version)
