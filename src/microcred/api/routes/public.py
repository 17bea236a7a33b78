"""Public, unauthenticated routes: health, JSON-LD contexts, DID documents, the catalogue.

- ``GET /contexts/{path}``: the bundled JSON-LD contexts (exact bytes, hash-pinned), microcred's
  own at ``/contexts/microcred/v1``; others at ``/contexts/<host>/<path>`` of their URL.
- ``GET /orgs/{slug}/did.json``: the did:web DID document (did:web §3.2).
- ``GET /catalogue``: published micro-credentials, searchable; ``GET /catalogue/{version_id}``;
  ``GET /achievements/{version_id}``: its OB 3.0 ``Achievement`` JSON (the ``achievement.id``
  issued credentials carry).
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from microcred.api.dependencies import Services
from microcred.api.pagination import Page, PageParams, page_params, paginate
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.schemas import CatalogueItem, catalogue_item
from microcred.core.formats.ob3 import MICROCRED_CONTEXT
from microcred.core.jsonld.loader import bundled_contexts
from microcred.service.catalogue import achievement_json, public_version, search_catalogue
from microcred.service.errors import NotFound
from microcred.service.ports import CatalogueQuery
from microcred.service.signing_keys import did_document

router = APIRouter()
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404]}
JSON_LD = "application/ld+json"
DID_JSON = "application/did+json"


@router.get("/healthz", tags=["Operations"], summary="Liveness")
def healthz() -> dict[str, str]:
    """``{"status": "ok"}`` while the process serves requests."""
    return {"status": "ok"}


@cache
def _contexts_by_path() -> dict[str, tuple[bytes, str]]:
    """``path`` -> (bytes, ETag) for every bundled context URL."""
    out: dict[str, tuple[bytes, str]] = {}
    for url, data in bundled_contexts().items():
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        path = url.split("://", 1)[1]
        out[path] = (data, etag)
        if url == MICROCRED_CONTEXT:
            out["microcred/v1"] = (data, etag)
    return out


def context_path(url: str) -> str:
    """Where a bundled context URL is served under ``/contexts/``."""
    return "microcred/v1" if url == MICROCRED_CONTEXT else url.split("://", 1)[1]


@router.get(
    "/contexts/{path:path}",
    tags=["Public"],
    summary="A bundled JSON-LD context",
    response_class=Response,
    responses={200: {"content": {JSON_LD: {}}}, **_NOT_FOUND},
)
def get_context(path: str, request: Request) -> Response:
    """The exact bytes of a bundled JSON-LD context (never fetched: microcred ships them)."""
    found = _contexts_by_path().get(path)
    if found is None:
        raise NotFound(f"no bundled JSON-LD context at /contexts/{path}")
    data, etag = found
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=JSON_LD, headers=headers)


@router.get(
    "/orgs/{slug}/did.json",
    tags=["Public"],
    summary="An organisation's did:web DID document",
    response_class=JSONResponse,
    responses={200: {"content": {DID_JSON: {}}}, **_NOT_FOUND},
)
def get_did_document(slug: str, container: Services) -> JSONResponse:
    """Every signing key of the organisation (active and retired) as a Multikey method, so
    credentials signed before a key rotation keep verifying (did:web §3.2)."""
    document = did_document(slug, uow=container.uow, base_url=container.base_url)
    return JSONResponse(
        document, media_type=DID_JSON, headers={"Cache-Control": "public, max-age=300"}
    )


def catalogue_query(
    *,
    q: Annotated[str | None, Query(description="Text in titles, descriptions, outcomes.")] = None,
    organisation: Annotated[str | None, Query(description="Provider organisation id.")] = None,
    eqf_level: Annotated[int | None, Query(ge=1, le=8, description="EQF level.")] = None,
    ects_min: Annotated[float | None, Query(ge=0, description="Minimum ECTS credits.")] = None,
    ects_max: Annotated[float | None, Query(ge=0, description="Maximum ECTS credits.")] = None,
    language: Annotated[str | None, Query(description="Language of instruction.")] = None,
    participation: Annotated[
        str | None, Query(description="Form of participation (e.g. online, onsite, blended).")
    ] = None,
    esco_skill: Annotated[str | None, Query(description="ESCO skill IRI.")] = None,
) -> CatalogueQuery:
    return CatalogueQuery(
        text=q,
        organisation_id=organisation,
        eqf_level=eqf_level,
        ects_min=ects_min,
        ects_max=ects_max,
        language=language,
        participation=participation,
        esco_skill=esco_skill,
    )


@router.get("/catalogue", tags=["Public"], summary="Search the public catalogue")
def get_catalogue(
    query: Annotated[CatalogueQuery, Depends(catalogue_query)],
    page: Annotated[PageParams, Depends(page_params)],
    container: Services,
    request: Request,
    response: Response,
) -> Page[CatalogueItem]:
    """Published micro-credentials of every provider; all filters combine with AND."""
    response.headers["Vary"] = "Accept, Accept-Language"  # the same URL also serves HTML pages
    return paginate(
        lambda limit, offset: search_catalogue(
            query, uow=container.uow, limit=limit, offset=offset
        ),
        lambda v: catalogue_item(v, container.base_url),
        page,
        request,
        response,
    )


@router.get(
    "/catalogue/{version_id}",
    tags=["Public"],
    summary="One published micro-credential",
    responses=_NOT_FOUND,
)
def get_catalogue_item(version_id: str, container: Services, response: Response) -> CatalogueItem:
    """A published catalogue version with its full description."""
    response.headers["Vary"] = "Accept, Accept-Language"  # the same URL also serves HTML pages
    return catalogue_item(public_version(version_id, uow=container.uow), container.base_url)


@router.get(
    "/achievements/{version_id}",
    tags=["Public"],
    summary="OB 3.0 Achievement of a published micro-credential",
    responses={200: {"content": {JSON_LD: {}}}, **_NOT_FOUND},
    response_class=JSONResponse,
)
def get_achievement(version_id: str, container: Services) -> JSONResponse:
    """The Open Badges 3.0 ``Achievement`` that awards of this version point to."""
    data: dict[str, Any] = achievement_json(
        version_id, uow=container.uow, base_url=container.base_url
    )
    return JSONResponse(data, headers={"Cache-Control": "public, max-age=300"})
