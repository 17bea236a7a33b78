"""The catalogue: providers' micro-credential descriptions (every EU Annex I element, validated
by the core), immutable versions, publishing, public search, and OB 3.0 ``Achievement`` JSON.

An edit never changes a version: it adds one. Awards point to the exact version they were issued
from; the version's Achievement id is :func:`~microcred.service.urls.achievement_url`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from microcred.core.formats.ob3 import build_achievement
from microcred.core.model import (
    MicroCredential,
    description_to_dict,
    load_description,
    parse_description,
)
from microcred.core.model.vocabularies import PARTICIPATION_FORMS, eqf_level_number
from microcred.errors import InvalidInputError
from microcred.service.access import check_owned, require_role
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict, NotFound
from microcred.service.ids import new_id
from microcred.service.organisations import SLUG, slugify
from microcred.service.ports import (
    CatalogueQuery,
    Clock,
    RandomBytes,
    UnitOfWork,
    UnitOfWorkFactory,
)
from microcred.service.records import CatalogueEntry, CatalogueVersion, Principal
from microcred.service.urls import achievement_url

Description = str | Mapping[str, Any]
"""A description as YAML/JSON text or as already-parsed data."""

MAX_PAGE = 200


def read_description(description: Description) -> MicroCredential:
    """Parse and validate; SpecValidationError lists every problem (DocumentParseError for
    text that is not YAML/JSON)."""
    if isinstance(description, str):
        return load_description(description)
    if isinstance(description, Mapping):
        return parse_description(dict(description))
    raise InvalidInputError("description: must be YAML/JSON text or an object")


def micro_credential_of(version: CatalogueVersion) -> MicroCredential:
    """The model of a stored version."""
    return parse_description(dict(version.description))


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


def _add_version(
    tx: UnitOfWork,
    entry: CatalogueEntry,
    mc: MicroCredential,
    *,
    principal: Principal,
    clock: Clock,
    rng: RandomBytes,
) -> CatalogueVersion:
    version = CatalogueVersion(
        id=new_id(rng),
        entry_id=entry.id,
        organisation_id=entry.organisation_id,
        version=entry.latest_version + 1,
        description=description_to_dict(mc),
        created_at=clock(),
    )
    tx.catalogue.add_version(version)
    tx.catalogue.update_entry(replace(entry, latest_version=version.version))
    record_audit(
        tx,
        organisation_id=entry.organisation_id,
        actor=principal.actor,
        action="catalogue.version_created",
        subject=version.id,
        details={"entry_id": entry.id, "version": version.version},
        clock=clock,
        rng=rng,
    )
    return version


def create_entry(
    principal: Principal,
    *,
    description: Description,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
    slug: str | None = None,
) -> tuple[CatalogueEntry, CatalogueVersion]:
    """Issuer role: a new catalogue entry and its version 1 (unpublished).

    ``slug`` defaults to the description's ``id`` (slugified); a taken slug is a Conflict.
    """
    require_role(principal, "issuer")
    mc = read_description(description)
    slug = slug if slug is not None else (slugify(mc.id) or "micro-credential")
    if not SLUG.match(slug):
        raise InvalidInputError(f"slug: {slug!r} must be 1-63 lower-case letters, digits or -")
    with uow() as tx:
        if tx.catalogue.entry_by_slug(principal.organisation_id, slug) is not None:
            raise Conflict(f"slug: the catalogue already has an entry {slug!r}")
        entry = CatalogueEntry(
            id=new_id(rng),
            organisation_id=principal.organisation_id,
            slug=slug,
            created_at=clock(),
        )
        tx.catalogue.add_entry(entry)
        version = _add_version(tx, entry, mc, principal=principal, clock=clock, rng=rng)
        tx.commit()
    return replace(entry, latest_version=version.version), version


def add_version(
    principal: Principal,
    entry_id: str,
    *,
    description: Description,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> CatalogueVersion:
    """Issuer role: an edit, stored as the entry's next version (unpublished)."""
    require_role(principal, "issuer")
    mc = read_description(description)
    with uow() as tx:
        entry = check_owned(principal, tx.catalogue.get_entry(entry_id), "entry", entry_id)
        version = _add_version(tx, entry, mc, principal=principal, clock=clock, rng=rng)
        tx.commit()
    return version


def publish_version(
    principal: Principal,
    version_id: str,
    *,
    uow: UnitOfWorkFactory,
    clock: Clock,
    rng: RandomBytes,
) -> CatalogueVersion:
    """Issuer role: make a version the entry's public one (awards may then be issued from it).
    Publishing the published version again changes nothing."""
    require_role(principal, "issuer")
    with uow() as tx:
        version = check_owned(
            principal, tx.catalogue.get_version(version_id), "catalogue version", version_id
        )
        entry = tx.catalogue.get_entry(version.entry_id)
        if entry is None:
            raise NotFound(f"entry {version.entry_id!r} not found")
        if entry.published_version == version.version and version.published_at is not None:
            return version
        at = version.published_at or clock()
        tx.catalogue.set_published(version.id, at=at)
        tx.catalogue.update_entry(replace(entry, published_version=version.version))
        record_audit(
            tx,
            organisation_id=entry.organisation_id,
            actor=principal.actor,
            action="catalogue.version_published",
            subject=version.id,
            details={"entry_id": entry.id, "version": version.version},
            clock=clock,
            rng=rng,
        )
        tx.commit()
    return replace(version, published_at=at)


def get_entry(principal: Principal, entry_id: str, *, uow: UnitOfWorkFactory) -> CatalogueEntry:
    """Any role: one entry of the principal's organisation."""
    require_role(principal, "viewer")
    with uow() as tx:
        return check_owned(principal, tx.catalogue.get_entry(entry_id), "entry", entry_id)


def list_entries(principal: Principal, *, uow: UnitOfWorkFactory) -> list[CatalogueEntry]:
    """Any role: the organisation's entries, published or not."""
    require_role(principal, "viewer")
    with uow() as tx:
        return tx.catalogue.entries_for(principal.organisation_id)


def get_version(
    principal: Principal, version_id: str, *, uow: UnitOfWorkFactory
) -> CatalogueVersion:
    """Any role: one version of the organisation's catalogue."""
    require_role(principal, "viewer")
    with uow() as tx:
        return check_owned(
            principal, tx.catalogue.get_version(version_id), "catalogue version", version_id
        )


def list_versions(
    principal: Principal, entry_id: str, *, uow: UnitOfWorkFactory
) -> list[CatalogueVersion]:
    """Any role: every version of an entry, oldest first."""
    require_role(principal, "viewer")
    with uow() as tx:
        entry = check_owned(principal, tx.catalogue.get_entry(entry_id), "entry", entry_id)
        versions = (
            tx.catalogue.version_of(entry.id, n) for n in range(1, entry.latest_version + 1)
        )
        return [v for v in versions if v is not None]


def public_version(version_id: str, *, uow: UnitOfWorkFactory) -> CatalogueVersion:
    """Public: a published version (a version never published is NotFound)."""
    with uow() as tx:
        version = tx.catalogue.get_version(version_id)
    if version is None or version.published_at is None:
        raise NotFound(f"catalogue version {version_id!r} not found")
    return version


def search_catalogue(
    query: CatalogueQuery, *, uow: UnitOfWorkFactory, limit: int = 50, offset: int = 0
) -> list[CatalogueVersion]:
    """Public: the current published versions matching ``query`` (see :func:`catalogue_matches`)."""
    limit, offset = _page(limit, offset)
    with uow() as tx:
        return tx.catalogue.search_published(query, limit=limit, offset=offset)


def achievement_json(
    version_id: str, *, uow: UnitOfWorkFactory, base_url: str | None
) -> dict[str, Any]:
    """Public: the OB 3.0 ``Achievement`` of a published version; its ``id`` is the one the
    credentials issued from that version carry."""
    version = public_version(version_id, uow=uow)
    return build_achievement(
        micro_credential_of(version), achievement_id=achievement_url(base_url, version.id)
    )


def _texts(mc: MicroCredential) -> list[str]:
    texts = [mc.id, *mc.title.to_dict().values(), *mc.tags]
    if mc.description:
        texts += mc.description.to_dict().values()
    for body in mc.awarding_bodies:
        texts += body.legal_name.to_dict().values()
    for outcome in mc.learning_outcomes:
        texts += outcome.text.to_dict().values()
    return texts


def catalogue_matches(version: CatalogueVersion, query: CatalogueQuery) -> bool:
    """The reference semantics of :class:`CatalogueQuery` (every given criterion must hold).

    ``text``: case-insensitive substring of the id, titles, descriptions, tags, awarding body
    names or learning outcomes; ``eqf_level``: the EQF level number; ``ects_min``/``ects_max``:
    inclusive bounds (an entry without ECTS fails them); ``language``: an instruction language
    (the title's languages when none is given); ``participation``: alias, label or IRI of a form
    of participation; ``esco_skill``: an ESCO skill IRI of the entry or of an outcome.
    """
    if query.organisation_id is not None and version.organisation_id != query.organisation_id:
        return False
    mc = micro_credential_of(version)
    if query.text and not any(query.text.casefold() in t.casefold() for t in _texts(mc)):
        return False
    if query.eqf_level is not None and eqf_level_number(mc.level.eqf or "") != query.eqf_level:
        return False
    ects = mc.workload.ects
    if query.ects_min is not None and (ects is None or ects < Decimal(str(query.ects_min))):
        return False
    if query.ects_max is not None and (ects is None or ects > Decimal(str(query.ects_max))):
        return False
    if query.language is not None:
        languages = mc.languages or tuple(mc.title.to_dict())
        if query.language.lower() not in {lang.lower() for lang in languages}:
            return False
    if query.participation is not None:
        try:
            wanted = PARTICIPATION_FORMS.resolve(query.participation)
        except ValueError:
            return False
        if wanted not in mc.participation:
            return False
    return query.esco_skill is None or query.esco_skill in {s.iri for s in mc.all_esco_skills()}
