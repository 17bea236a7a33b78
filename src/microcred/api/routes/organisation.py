"""Platform API: the organisation's signing keys, API keys and audit log.

Private keys never appear: signing keys are listed by their public half. An API key's text is
returned once, by the request that creates it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from microcred.api.dependencies import Caller, Services
from microcred.api.pagination import Page, PageParams, page_params, paginate
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.api.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    AuditOut,
    SigningKeyOut,
    api_key_out,
    audit_out,
    signing_key_out,
)
from microcred.service import api_keys, audit, signing_keys
from microcred.service.access import require_role

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


@router.get("/keys", tags=["Keys"], summary="The organisation's signing keys")
def list_keys(caller: Caller, container: Services) -> list[SigningKeyOut]:
    """Active and retired keys, public halves only (viewer role)."""
    require_role(caller, "viewer")
    keys = signing_keys.public_keys(
        caller.organisation_id, uow=container.uow, base_url=container.base_url
    )
    return [signing_key_out(k) for k in keys]


@router.post(
    "/keys/rotate",
    tags=["Keys"],
    status_code=status.HTTP_201_CREATED,
    summary="Rotate the signing key",
)
def rotate_key(caller: Caller, container: Services) -> SigningKeyOut:
    """A new active key (owner role); the old one is retired and keeps verifying."""
    key = signing_keys.rotate_key(
        caller,
        uow=container.uow,
        cipher=container.cipher,
        clock=container.clock,
        rng=container.rng,
        base_url=container.base_url,
    )
    return signing_key_out(key)


@router.get("/api-keys", tags=["API keys"], summary="List API keys")
def list_api_keys(caller: Caller, container: Services) -> list[ApiKeyOut]:
    """Every key of the organisation, revoked ones included, never their secrets (owner)."""
    return [api_key_out(k) for k in api_keys.list_api_keys(caller, uow=container.uow)]


@router.post(
    "/api-keys",
    tags=["API keys"],
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key",
)
def create_api_key(body: ApiKeyIn, caller: Caller, container: Services) -> ApiKeyCreated:
    """A new key with ``role`` (owner role). The ``key`` text is shown this once."""
    info, text = api_keys.create_api_key(
        caller, role=body.role, label=body.label, uow=container.uow, clock=container.clock,
        rng=container.rng,
    )  # fmt: skip
    return ApiKeyCreated(api_key=api_key_out(info), key=text)


@router.delete("/api-keys/{key_id}", tags=["API keys"], summary="Revoke an API key")
def revoke_api_key(key_id: str, caller: Caller, container: Services) -> ApiKeyOut:
    """The key stops authenticating at once (owner role)."""
    info = api_keys.revoke_api_key(
        caller, key_id, uow=container.uow, clock=container.clock, rng=container.rng
    )
    return api_key_out(info)


@router.get("/audit", tags=["Audit"], summary="The audit log")
def list_audit(
    caller: Caller,
    container: Services,
    page: Annotated[PageParams, Depends(page_params)],
    request: Request,
    response: Response,
) -> Page[AuditOut]:
    """Who issued, revoked or changed what, newest first (viewer role)."""
    return paginate(
        lambda limit, offset: audit.list_audit(
            caller, uow=container.uow, limit=limit, offset=offset
        ),
        audit_out,
        page,
        request,
        response,
    )
