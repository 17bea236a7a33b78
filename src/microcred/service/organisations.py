"""Organisations (tenants): creation with a first signing key and a first owner API key."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from microcred.core.model.countries import is_country_code
from microcred.core.model.vocabularies import is_absolute_iri
from microcred.errors import InvalidInputError
from microcred.service.access import require
from microcred.service.api_keys import new_api_key
from microcred.service.audit import record_audit
from microcred.service.errors import Conflict, NotFound
from microcred.service.ids import new_id
from microcred.service.ports import Clock, KeyCipher, RandomBytes, UnitOfWorkFactory
from microcred.service.records import Organisation, Principal
from microcred.service.signing_keys import new_signing_key

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def slugify(name: str) -> str:
    """A URL- and did:web-safe slug of ``name`` (ASCII letters, digits, hyphens; <= 63)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:63].rstrip("-")


def _problems(
    name: str, country: str, url: str | None, slug: str | None, identifiers: Mapping[str, str]
) -> list[str]:
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append("name: a legal name is required")
    if not is_country_code(country):
        problems.append(f"country: {country!r} is not an ISO 3166-1 alpha-2 code")
    if url is not None and not (is_absolute_iri(url) and url.startswith(("https://", "http://"))):
        problems.append(f"url: {url!r} is not an http(s) URL")
    if slug is not None and not SLUG.match(slug):
        problems.append(f"slug: {slug!r} must be 1-63 lower-case letters, digits or hyphens")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in identifiers.items()):
        problems.append("identifiers: must map scheme names to identifier texts")
    return problems


def create_organisation(
    *,
    name: str,
    country: str,
    uow: UnitOfWorkFactory,
    cipher: KeyCipher,
    clock: Clock,
    rng: RandomBytes,
    identifiers: Mapping[str, str] | None = None,
    url: str | None = None,
    slug: str | None = None,
    actor: str = "operator",
) -> tuple[Organisation, str]:
    """An operator action: the organisation, its first signing key and first owner API key.

    Returns the organisation and the owner key's text, shown this once. ``slug`` defaults to
    one made from ``name`` (made unique); a given slug that is taken is a Conflict.
    """
    identifiers = dict(identifiers or {})
    if problems := _problems(name, country, url, slug, identifiers):
        raise InvalidInputError("; ".join(problems))
    with uow() as tx:
        if slug is not None:
            if tx.organisations.by_slug(slug) is not None:
                raise Conflict(f"slug: {slug!r} is taken")
        else:
            base = slugify(name) or "org"
            slug = base
            while tx.organisations.by_slug(slug) is not None:
                slug = f"{base[:54]}-{rng(4).hex()}"
        organisation = Organisation(
            id=new_id(rng),
            slug=slug,
            legal_name=name.strip(),
            country=country,
            created_at=clock(),
            identifiers=identifiers,
            url=url,
        )
        tx.organisations.add(organisation)
        key = new_signing_key(
            tx, organisation_id=organisation.id, ordinal=0, cipher=cipher, clock=clock, rng=rng
        )
        info, text = new_api_key(
            tx,
            organisation_id=organisation.id,
            role="owner",
            label="first owner key",
            clock=clock,
            rng=rng,
        )
        for action, subject, details in (
            ("organisation.created", organisation.id, {"slug": slug, "name": name}),
            ("signing_key.created", key.id, {"public_key_multibase": key.public_key_multibase}),
            ("api_key.created", info.id, {"prefix": info.prefix, "role": "owner"}),
        ):
            record_audit(
                tx,
                organisation_id=organisation.id,
                actor=actor,
                action=action,
                subject=subject,
                details=details,
                clock=clock,
                rng=rng,
            )
        tx.commit()
    return organisation, text


def get_organisation(
    principal: Principal, organisation_id: str, *, uow: UnitOfWorkFactory
) -> Organisation:
    """The principal's own organisation (any role); another one is PermissionDenied."""
    require(principal, organisation_id, "viewer")
    with uow() as tx:
        organisation = tx.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id!r} not found")
    return organisation


def organisation_by_slug(slug: str, *, uow: UnitOfWorkFactory) -> Organisation:
    """Public: an organisation's public profile by slug (issuers are public)."""
    with uow() as tx:
        organisation = tx.organisations.by_slug(slug)
    if organisation is None:
        raise NotFound(f"organisation {slug!r} not found")
    return organisation


def list_organisations(*, uow: UnitOfWorkFactory) -> list[Organisation]:
    """Public: every organisation (the providers of the public catalogue)."""
    with uow() as tx:
        return tx.organisations.list()
