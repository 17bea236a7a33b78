"""Records for store tests: a new organisation, signing key, catalogue version and awards, with
unique ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from microcred.service.records import (
    AwardRecord,
    CatalogueEntry,
    CatalogueVersion,
    Organisation,
    SigningKeyRecord,
    StatusRef,
)
from microcred.store.unit_of_work import SqlUnitOfWork

NOW = datetime(2026, 11, 22, 15, 0, 0, 123456, tzinfo=UTC)
DESCRIPTIONS = Path(__file__).parent / "data"


def new_id() -> str:
    return str(uuid.uuid4())


def new_org(uow: SqlUnitOfWork, **changes: Any) -> Organisation:
    org_id = new_id()
    values: dict[str, Any] = {
        "id": org_id,
        "slug": f"org-{org_id[:8]}",
        "legal_name": "Université Claude Bernard Lyon 1",
        "country": "FR",
        "created_at": NOW,
        "identifiers": {"UAI": "0692437Z"},
        "url": "https://www.univ-lyon1.fr",
    }
    organisation = Organisation(**(values | changes))
    uow.organisations.add(organisation)
    return organisation


def new_version(
    uow: SqlUnitOfWork,
    organisation: Organisation,
    description: dict[str, Any] | None = None,
    *,
    publish: bool = False,
    slug: str | None = None,
    created_at: datetime = NOW,
) -> CatalogueVersion:
    entry = CatalogueEntry(
        id=new_id(),
        organisation_id=organisation.id,
        slug=slug or f"mc-{new_id()[:8]}",
        created_at=created_at,
        latest_version=1,
    )
    uow.catalogue.add_entry(entry)
    version = CatalogueVersion(
        id=new_id(),
        entry_id=entry.id,
        organisation_id=organisation.id,
        version=1,
        description=description or {"id": entry.slug, "title": {"en": "A micro-credential"}},
        created_at=created_at,
    )
    uow.catalogue.add_version(version)
    if publish:
        uow.catalogue.set_published(version.id, at=NOW)
    return version


def new_award(
    version: CatalogueVersion,
    revocation: StatusRef,
    suspension: StatusRef | None = None,
    **changes: Any,
) -> AwardRecord:
    award_id = new_id()
    values: dict[str, Any] = {
        "id": award_id,
        "organisation_id": version.organisation_id,
        "credential_id": f"urn:uuid:{award_id}",
        "version_id": version.id,
        "learner": {"name": "Aoife Murphy", "email": "aoife.murphy@example.ie"},
        "credential": '{"id":"urn:uuid:' + award_id + '","name":"Zoë \u2028 ✓"}',
        "suite": "eddsa-rdfc-2022",
        "issued_at": NOW,
        "revocation": revocation,
        "suspension": suspension,
        "valid_until": NOW + timedelta(days=365 * 5),
    }
    return AwardRecord(**(values | changes))


def new_key(uow: SqlUnitOfWork, organisation: Organisation, *, ordinal: int = 0) -> str:
    """A signing key of ``organisation`` (status lists are bound to one); its id."""
    key = SigningKeyRecord(
        id=new_id(),
        organisation_id=organisation.id,
        public_key_multibase=f"z6Mk{ordinal}",
        encrypted_secret=b"not a real secret",
        created_at=NOW,
        ordinal=ordinal,
    )
    uow.signing_keys.add(key)
    return key.id


def committed_org_version_key(engine: Engine) -> tuple[Organisation, CatalogueVersion, str]:
    """A stored organisation with one catalogue version and one signing key, and the key's id
    (status lists refer to both, and on PostgreSQL ``reserve`` runs in its own transaction)."""
    with SqlUnitOfWork(engine) as uow:
        organisation = new_org(uow)
        version = new_version(uow, organisation)
        key_id = new_key(uow, organisation)
        uow.commit()
    return organisation, version, key_id
